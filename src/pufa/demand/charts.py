"""The ECharts option of the dashboard's trend (a domain's orders and counted activities month by month). Plain
data only: the template emits it with json_script and static/pufa/charts.js starts it; each point carries the
URL of its records."""

from __future__ import annotations

from typing import Any

from pufa.demand.selectors import Trend
from pufa.progress.charts import FONT


def trend_chart(trend: Trend) -> dict[str, Any]:
    return {
        "textStyle": FONT,
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 36, "right": 36, "top": 20, "bottom": 50},
        "xAxis": {"type": "category", "data": [f"{m.year}.{m.month}" for m, _, _ in trend.months]},
        "yAxis": [{"type": "value", "minInterval": 1}, {"type": "value", "minInterval": 1}],
        "series": [
            {
                "name": "热线工单",
                "type": "bar",
                "data": [{"value": o.count, "url": o.url} for _, o, _ in trend.months],
                "itemStyle": {"color": "#1976d2"},
            },
            {
                "name": "已计数普法活动",
                "type": "line",
                "yAxisIndex": 1,
                "data": [{"value": a.count, "url": a.url} for _, _, a in trend.months],
                "itemStyle": {"color": "#b71c1c"},
            },
        ],
    }
