"""ECharts options built from dashboard figures. Plain data only: the template emits it with json_script and
static/pufa/charts.js starts every [data-chart]; each point carries the URL of its records."""

from __future__ import annotations

from typing import Any

from pufa.progress.selectors import Dashboard, Figure

STATUS_COLOURS = {
    "overdue": "#b71c1c",
    "lagging": "#f57c00",
    "not_started": "#9e9e9e",
    "on_track": "#1976d2",
    "done": "#2e7d32",
    "unfinished": "#6d4c41",
}
FONT = {"fontFamily": "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"}


def _points(figures: list[Figure]) -> list[dict[str, Any]]:
    return [{"value": int(f.value), "name": f.label, "url": f.url} for f in figures]


def month_chart(dashboard: Dashboard) -> dict[str, Any]:
    return {
        "textStyle": FONT,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "top": 30, "bottom": 30},
        "xAxis": {"type": "category", "data": [f.label for f in dashboard.by_month]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": "活动场次", "type": "bar", "data": _points(dashboard.by_month), "itemStyle": {"color": "#b71c1c"}}
        ],
    }


def status_chart(dashboard: Dashboard) -> dict[str, Any]:
    data = [
        {"value": int(f.value), "name": f.label, "url": f.url, "itemStyle": {"color": STATUS_COLOURS[f.extra]}}
        for f in dashboard.statuses
    ]
    return {
        "textStyle": FONT,
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "68%"],
                "center": ["50%", "45%"],
                "data": data,
                "label": {"formatter": "{b}\n{c}"},
            }
        ],
    }


def breakdown_chart(figures: list[Figure], name: str) -> dict[str, Any]:
    top = figures[:10]
    return {
        "textStyle": FONT,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 120, "right": 16, "top": 10, "bottom": 20},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [f.label for f in reversed(top)]},
        "series": [
            {"name": name, "type": "bar", "data": list(reversed(_points(top))), "itemStyle": {"color": "#1976d2"}}
        ],
    }
