// Responsibility-list pages: filter a long tick-box list (the law catalogue) by typing. No inline scripts (CSP).
(function () {
  "use strict";
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.checklistFilter) { return; }
    var box = document.getElementById(input.dataset.checklistFilter);
    if (!box) { return; }
    var needle = input.value.trim();
    box.querySelectorAll(".form-check").forEach(function (item) {
      var text = item.textContent || "";
      var checked = item.querySelector("input:checked");
      item.hidden = needle !== "" && text.indexOf(needle) === -1 && !checked;
    });
  });
})();
