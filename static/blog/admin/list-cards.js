// On a phone the admin's lists show each row as a card (admin.css): every cell is named by its
// column's header, copied here into data-label, since Django's rows carry no such attribute;
// the first column after the check box is the card's heading (list-primary).
(function () {
  "use strict";
  var table = document.getElementById("result_list");
  if (!table || !table.tHead) return;
  var names = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
    var text = th.querySelector(".text");
    return (text || th).textContent.trim();
  });
  Array.prototype.forEach.call(table.tBodies, function (body) {
    Array.prototype.forEach.call(body.rows, function (row) {
      var primary = true;
      Array.prototype.forEach.call(row.cells, function (cell, index) {
        if (cell.classList.contains("action-checkbox")) return;
        if (primary) cell.classList.add("list-primary");
        else if (names[index]) cell.setAttribute("data-label", names[index]);
        primary = false;
      });
    });
  });
})();
