// After a form comes back with problems, put focus on the summary of what to fix, so a screen
// reader reads it first and a keyboard user starts from it. Its links move focus to each field.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
