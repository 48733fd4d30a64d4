// Progressive enhancement for the testimony form: a live character count. Without JavaScript
// the hint states the limit and the server enforces it.
(function () {
  "use strict";

  var fields = document.querySelectorAll("[data-counter] textarea[data-max]");
  Array.prototype.forEach.call(fields, function (textarea) {
    var max = parseInt(textarea.getAttribute("data-max"), 10);
    var counter = document.getElementById(textarea.id + "-count");
    if (!counter || !max) { return; }
    var timer = null;
    function update() {
      var used = textarea.value.replace(/\r\n/g, "\n").trim().length;
      var left = max - used;
      counter.textContent = left >= 0
        ? counter.getAttribute("data-left").replace("{count}", left.toLocaleString(document.documentElement.lang))
        : counter.getAttribute("data-over").replace("{count}", (-left).toLocaleString(document.documentElement.lang));
      counter.classList.toggle("over", left < 0);
    }
    counter.hidden = false;
    update();
    textarea.addEventListener("input", function () {
      // Screen readers hear the count after a pause in typing, not on every key.
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
  });
})();
