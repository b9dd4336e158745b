// Starts every [data-chart] element: the option comes from a json_script block named by data-chart.
// Clicking a data point follows its "url" (every figure links to the records behind it).
(function () {
  "use strict";
  function start(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.chartStarted) { return; }
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      chart.on("click", function (params) {
        var url = params.data && params.data.url;
        if (url) { window.location.href = url; }
      });
      el.dataset.chartStarted = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:afterSettle", function (event) { start(event.target); });
})();
