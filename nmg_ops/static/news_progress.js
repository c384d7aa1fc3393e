// The e-news progress page while an issue is being sent: the counts are read again every 2 s and the page
// reloads once sending is over (to list the failures). A file, because the pages allow no inline script.
(function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-progress-url");
  var status = box.getAttribute("data-status");

  function show(name, value) {
    box.querySelectorAll('[data-count="' + name + '"]').forEach(function (cell) { cell.textContent = value; });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (counts) {
        if (counts.status !== status) { window.location.reload(); return; }
        ["recipients", "waiting", "queued", "sent", "deferred", "failed", "withdrawn", "stage_label"].forEach(
          function (name) { show(name, counts[name]); }
        );
        var handled = counts.handled;
        show("handled", handled);
        var bar = box.querySelector("progress");
        bar.max = Math.max(counts.recipients, 1);
        bar.value = handled;
        bar.textContent = handled + " / " + counts.recipients;
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  window.setTimeout(poll, 2000);
})();
