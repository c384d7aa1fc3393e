// The minutes editor: a decision or an action added in a section posts on its own, without the texts.
// When a text was changed and not saved, the writer is asked before that post leaves it behind.
(function () {
  "use strict";

  var editor = document.getElementById("minutes-editor");
  if (!editor) { return; }
  var texts = document.querySelectorAll("textarea[form='minutes-editor']");

  function changed() {
    return Array.prototype.some.call(texts, function (text) { return text.value !== text.defaultValue; });
  }

  document.querySelectorAll(".section-entries form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (changed() && !window.confirm(editor.dataset.unsaved)) {
        event.preventDefault();
      }
    });
  });
})();
