// Drag a waiting speaker's row to a new place; the new order is posted as one list when the
// drag ends. The Up and Down buttons do the same by keyboard, and work without this script.
(function () {
  "use strict";
  var body = document.getElementById("waiting-rows");
  var form = document.getElementById("reorder-form");
  if (!body || !form) { return; }
  var dragged = null;
  var before = "";

  function order() {
    return Array.prototype.map.call(body.querySelectorAll("tr[data-speaker]"), function (row) {
      return row.getAttribute("data-speaker");
    }).join(",");
  }

  Array.prototype.forEach.call(body.querySelectorAll("tr[data-speaker]"), function (row) {
    row.setAttribute("draggable", "true");
    row.classList.add("draggable");
    row.addEventListener("dragstart", function (event) {
      dragged = row;
      before = order();
      row.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.getAttribute("data-speaker"));
    });
    row.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      if (dragged === row) { return; }
      var box = row.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      body.insertBefore(dragged, after ? row.nextSibling : row);
    });
    row.addEventListener("drop", function (event) { event.preventDefault(); });
    row.addEventListener("dragend", function () {
      row.classList.remove("dragging");
      dragged = null;
      var now = order();
      if (now !== before) {
        form.querySelector("input[name=order]").value = now;
        form.submit();
      }
    });
  });
}());
