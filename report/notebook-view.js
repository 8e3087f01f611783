/* Each code cell of a notebook view shows its results first; its code is folded beneath them
   under "代码" (neoutflow.render.notebook_view). Without the script, the cell is as nbconvert wrote it. */
(function () {
  "use strict";
  var cells = document.querySelectorAll(".jp-CodeCell");
  Array.prototype.forEach.call(cells, function (cell) {
    var input = cell.querySelector(".jp-Cell-inputWrapper");
    if (!input) return;
    var fold = document.createElement("details");
    fold.className = "nb-code";
    var summary = document.createElement("summary");
    summary.textContent = "代码";
    fold.appendChild(summary);
    input.parentNode.removeChild(input);
    fold.appendChild(input);
    cell.appendChild(fold);
  });
})();
