// The exam page: a countdown from the seconds the server computed (the server's deadline is what counts;
// this only shows it), and the paper handed in when it reaches zero. No inline scripts, so the CSP holds.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.querySelector("[data-exam-deadline]");
    if (!timer) { return; }
    var end = Date.now() + 1000 * parseInt(timer.dataset.examDeadline, 10);
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      timer.textContent = "剩余 " + m + " 分 " + (s < 10 ? "0" : "") + s + " 秒";
      if (left === 0) {
        var form = timer.closest("main").querySelector("form[data-confirm]");
        if (form) { delete form.dataset.confirm; form.submit(); }
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  });
  // A save that failed (time up, submitted elsewhere) shows its reason in red instead of "已保存".
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (target && target.classList.contains("pufa-saved")) {
      target.textContent = event.detail.xhr.responseText || "保存失败，请检查网络";
      target.classList.add("text-danger");
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    var box = event.detail.elt && event.detail.elt.querySelector(".pufa-saved");
    if (box) { box.textContent = "网络中断，答案未保存，请重新选择"; box.classList.add("text-danger"); }
  });
})();
