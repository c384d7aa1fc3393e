// Moving an agenda item answers with the whole agenda page. With JavaScript, only the list, its total and
// any message are taken from that page, so the team can move an item several places without a reload per
// step and without losing their place; without it (or on any failure) the form is simply sent.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var list = document.getElementById("agenda-items");
  if (!list || !list.contains(form) || !form.hasAttribute("data-move")) { return; }
  event.preventDefault();
  var item = form.closest("li").id;
  var direction = form.querySelector("input[name=direction]").value;
  fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    })
    .then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var fresh = page.getElementById("agenda-items");
      if (!fresh) { throw new Error("no agenda in the answer"); }
      list.replaceWith(fresh);
      ["agenda-total", "flashes"].forEach(function (id) {
        var old = document.getElementById(id), now = page.getElementById(id);
        if (old && now) { old.replaceWith(now); }
      });
      var moved = document.getElementById(item);
      var announce = document.getElementById("agenda-announce");
      if (moved && announce) { announce.textContent = moved.getAttribute("data-moved"); }
      // Keep the keyboard where it was: on the same button, or the other one once the item reached an end.
      var buttons = moved ? moved.querySelectorAll("form[data-move] button") : [];
      var same = direction === "up" ? buttons[0] : buttons[1];
      var target = same && !same.disabled ? same : Array.prototype.find.call(buttons, function (b) { return !b.disabled; });
      if (target) { target.focus(); }
    })
    .catch(function () { form.submit(); });
});
