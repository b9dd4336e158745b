// The offline venue map: draws the office-uploaded boundary (GeoJSON) with ECharts and the venues as points.
// Everything comes from this site (data-venue-map names the JSON URL); no tile server, no outside request.
(function () {
  "use strict";
  function draw(el) {
    if (typeof echarts === "undefined" || el.dataset.started) { return; }
    el.dataset.started = "1";
    fetch(el.dataset.venueMap, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.geojson) { return; }
        // The office's data comes as compact rows [lon, lat, kind index, name, id]; the portal's as points.
        var points = data.points || data.rows.map(function (r) {
          return { name: r[3], value: [r[0], r[1]], kind: data.kinds[r[2]], url: data.base + r[4] + "/" };
        });
        echarts.registerMap(data.name, data.geojson);
        var chart = echarts.init(el, null, { renderer: "canvas" });
        chart.setOption({
          tooltip: { trigger: "item", formatter: function (p) { return p.data ? p.data.name + "<br>" + (p.data.kind || "") : p.name; } },
          geo: { map: data.name, roam: true, itemStyle: { areaColor: "#f6f1ea", borderColor: "#b33" }, label: { show: false } },
          series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 8, itemStyle: { color: "#c62828" },
            data: points, large: points.length > 2000 }]
        });
        chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
        el.dataset.drawn = String(points.length);
        window.addEventListener("resize", function () { chart.resize(); });
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-venue-map]").forEach(draw);
  });
})();
