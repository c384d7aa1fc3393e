// Member pickers: a text field that offers, as you type, the members whose name or e-mail holds the text
// (a combobox with a list box, after the WAI-ARIA pattern). Without JavaScript the field still takes an
// e-mail address or a name, which the server reads.
(function () {
  "use strict";

  function enhance(input, number) {
    if (!input.id) { input.id = "member-picker-" + number; }
    var list = document.createElement("ul");
    list.id = input.id + "-options";
    list.className = "list-group position-absolute w-100 shadow-sm member-picker-options";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.classList.add("position-relative");
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var found = [], active = -1, timer = null, asked = 0;
    // A field for several members searches the part after the last separator and replaces only it.
    var separator = input.dataset.memberSeveral || "";

    function parts() {
      if (!separator) { return { before: "", last: input.value }; }
      var at = input.value.lastIndexOf(separator);
      return { before: input.value.slice(0, at + 1), last: input.value.slice(at + 1) };
    }

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function mark(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.classList.toggle("active", i === index);
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var typed = parts();
      input.value = separator
        ? typed.before + (typed.before ? " " : "") + found[index].label + separator + " "
        : found[index].label;
      close();
    }

    function show(members) {
      found = members;
      list.replaceChildren();
      members.forEach(function (member, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.className = "list-group-item list-group-item-action";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = member.label;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(option);
      });
      list.hidden = members.length === 0;
      input.setAttribute("aria-expanded", members.length ? "true" : "false");
      active = -1;
    }

    function ask() {
      var text = parts().last.trim();
      if (text.length < 2) {
        show([]);
        return;
      }
      var mine = ++asked;
      var url = input.dataset.memberSearch + (input.dataset.memberSearch.indexOf("?") < 0 ? "?" : "&");
      fetch(url + "q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (members) { if (mine === asked) { show(members); } })
        .catch(function () { show([]); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        mark((active + 1) % found.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        mark(active <= 0 ? found.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-member-search]").forEach(enhance);
})();
