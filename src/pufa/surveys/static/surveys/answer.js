// Skip logic on the answering page: a question with data-show-if is shown only when the named earlier
// question has one of the listed options checked; hidden questions are disabled so nothing of them is sent
// (the server applies the same rule and drops answers to hidden questions anyway).
(function () {
  "use strict";
  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (box) {
      var source = box.getAttribute("data-show-if");
      var wanted = (box.getAttribute("data-show-options") || "").split(",");
      var sourceBox = form.querySelector('[data-question="' + source + '"]');
      var visible = sourceBox && !sourceBox.hidden && Array.prototype.some.call(
        form.querySelectorAll('input[name="q' + source + '"]:checked'),
        function (input) { return wanted.indexOf(input.value) >= 0; }
      );
      box.hidden = !visible;
      box.querySelectorAll("input, textarea, select").forEach(function (el) { el.disabled = !visible; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-survey-form]");
    if (!form) { return; }
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();
