/* What a page gains with script (every page works without it):
   1. Each table cell is labelled with its column's heading (data-label), so that a phone can
      show a row as a card with each value under its name (app.css, "phones"). Cells that carry
      their own data-label keep it; a table that stays a table (.table-stays) is left alone.
   2. A field's error message that the page did not tie to its input is tied to it: the input
      is marked aria-invalid and described by the message (pages whose macros do this on the
      server are left as they are). */
"use strict";

function labelCells(table) {
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
}

function tieError(message, index) {
  if (message.id && document.querySelector('[aria-describedby~="' + message.id + '"]')) {
    return;
  }
  var field = message.closest(".field");
  var controls = field ? field.querySelectorAll("input, select, textarea") : [];
  if (!field && message.previousElementSibling) {
    controls = message.previousElementSibling.querySelectorAll("input, select, textarea");
  }
  if (!message.id) {
    message.id = "field-error-" + index;
  }
  Array.prototype.forEach.call(controls, function (control) {
    if (control.type === "hidden") {
      return;
    }
    var described = control.getAttribute("aria-describedby");
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", described ? described + " " + message.id : message.id);
  });
}

document.querySelectorAll("main table").forEach(labelCells);
document.querySelectorAll("main .field-error").forEach(tieError);
