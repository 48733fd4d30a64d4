// Keyboard shortcuts for the review page, as progressive enhancement: every action is also a
// normal link or button. Keys do nothing while typing in a field.
(function () {
  "use strict";
  var help = document.querySelector("[data-shortcut-help]");
  if (help) { help.hidden = false; }
  var form = document.getElementById("decision-form");

  function choose(value, thenSubmit) {
    if (!form) { return; }
    var radio = form.querySelector('input[name="action"][value="' + value + '"]');
    if (!radio) { return; }
    radio.checked = true;
    radio.focus();
    if (thenSubmit) {
      var next = form.querySelector('button[value="next"]');
      (next || form.querySelector("button")).click();
    }
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName))) { return; }
    var link;
    switch (event.key) {
      case "a": choose("approved", true); break;
      case "r":
        choose("rejected", false);
        var reason = document.getElementById("reason");
        if (reason) { reason.focus(); }
        break;
      case "f": choose("flagged", false); break;
      case "n": link = document.querySelector('[data-key="next"]'); break;
      case "q": link = document.querySelector('[data-key="queue"]'); break;
      default: return;
    }
    event.preventDefault();
    if (link) { window.location.href = link.href; }
  });
})();
