/* Label each table cell with its column's heading (data-label), so that a phone can show a
   row as a card with each value under its name (app.css, "phones"). Cells that carry their
   own data-label keep it; a table that stays a table (.table-stays) is left alone. Without
   this script the cards still show every value, only without the names. */
"use strict";
document.querySelectorAll("main table").forEach(function (table) {
  if (table.closest(".table-stays") || !table.tHead || !table.tHead.rows.length) {
    return;
  }
  var heading = table.tHead.rows[table.tHead.rows.length - 1];
  var names = [];
  Array.prototype.forEach.call(heading.cells, function (cell) {
    var name = cell.textContent.replace(/\s+/g, " ").trim();
    for (var span = 0; span < cell.colSpan; span += 1) {
      names.push(name);
    }
  });
  Array.prototype.forEach.call(table.tBodies, function (body) {
    Array.prototype.forEach.call(body.rows, function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (cell.colSpan === 1 && names[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", names[column]);
        }
        column += cell.colSpan;
      });
    });
  });
});
