// The queue's select-all box, as progressive enhancement: without JavaScript the moderator
// ticks rows one by one or chooses "all on this page" or "everything matching" in the form.
// With it, the box in the list's header ticks or clears every row, shows a mixed state when
// only some are ticked, and a status line says (and screen readers announce) how many are.
(function () {
  "use strict";
  var all = document.getElementById("select-page");
  var status = document.getElementById("selection-status");
  if (!all || !status) { return; }
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[type="checkbox"][name="ids"]'));
  if (!boxes.length) { return; }
  var ticked = document.getElementById("scope-selected");
  var lang = document.documentElement.lang || undefined;

  var wrapper = all.closest("[data-select-all]");
  if (wrapper) { wrapper.hidden = false; }
  var fallback = document.querySelector("[data-without-script]");
  if (fallback) { fallback.remove(); }

  function count() {
    return boxes.filter(function (box) { return box.checked; }).length;
  }

  function show(announce) {
    var n = count();
    all.checked = n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
    if (announce || n > 0) {
      var template = status.getAttribute(n === 1 ? "data-one" : "data-many");
      status.textContent = template.replace("{count}", n.toLocaleString(lang));
    }
  }

  function chooseTicked() {
    // Ticking rows means "these": never leave the form set to a wider choice unseen.
    if (ticked && count() > 0) { ticked.checked = true; }
  }

  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
    chooseTicked();
    show(true);
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      chooseTicked();
      show(true);
    });
  });
  // A page restored by the back button keeps its ticks: show them counted.
  show(false);
})();
