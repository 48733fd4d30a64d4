// Keeps the progress of background exports on the history page up to date without reloading;
// reloads once an export has finished so its download link appears. Without JavaScript the
// "Refresh" link next to each running export does the same.
(function () {
  "use strict";
  var cells = document.querySelectorAll("[data-progress-url]");
  if (!cells.length || !window.fetch) {
    return;
  }

  function update(cell) {
    return fetch(cell.getAttribute("data-progress-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return false;
        }
        if (!data.working) {
          return true;
        }
        var bar = cell.querySelector("progress");
        if (bar && data.total) {
          bar.max = data.total;
          bar.value = data.done;
        }
        var status = cell.querySelector(".export-status");
        var template = cell.getAttribute("data-progress-text");
        if (status && data.total && template) {
          status.textContent = template
            .replace("{done}", data.done)
            .replace("{total}", data.total);
        }
        return false;
      })
      .catch(function () {
        return false;
      });
  }

  function poll() {
    Promise.all(Array.prototype.map.call(cells, update)).then(function (finished) {
      if (finished.some(Boolean)) {
        window.location.reload();
      } else {
        window.setTimeout(poll, 2000);
      }
    });
  }

  var refresh = document.querySelectorAll(".export-refresh");
  Array.prototype.forEach.call(refresh, function (link) {
    link.hidden = true;
  });
  window.setTimeout(poll, 2000);
})();
