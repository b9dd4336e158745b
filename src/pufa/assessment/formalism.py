"""Against formalism, by construction (反对形式主义): which metrics an automatic item may never score.

The 2024 rules on reducing the grass-roots burden forbid judging work by photos taken to leave a trace
(拍照留痕), screenshots, study time or reads, check-ins (签到/打卡) and app rankings. A metric is refused for
automatic scoring when

1. it declares itself so — a registered `Metric` with a true attribute `formalism` (an app that counts photos
   for its own pages can say so without this module knowing it); or
2. its code, name or unit of measure contains one of the words below (so a metric added later that counts
   "照片" or "学习时长" is refused without anyone remembering to flag it); or
3. the item filters it on one of those things (活动场次 filtered to 打卡 activities is still a check-in count).

The words are deliberately few and specific: "活动场次" or "受众人次" are work, "照片张数" is a trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Words that mark a trace rather than work, in codes (English) and names (Chinese).
DENIED_WORDS: tuple[str, ...] = (
    "照片",
    "拍照",
    "图片",
    "截图",
    "留痕",
    "学习时长",
    "学习时间",
    "在线时长",
    "时长",
    "阅读量",
    "浏览量",
    "点击量",
    "签到",
    "打卡",
    "积分排名",
    "排行",
    "photo",
    "picture",
    "image",
    "screenshot",
    "study_time",
    "study_minutes",
    "duration",
    "reads",
    "views",
    "checkin",
    "check_in",
    "sign_in",
    "signin",
    "ranking",
)


def denied_word(text: str) -> str:
    """The first denied word found in `text` (case-insensitive), or ""."""
    folded = text.lower()
    return next((word for word in DENIED_WORDS if word in folded), "")


def refusal(metric: Any, filters: Mapping[str, Any] | None = None) -> str:
    """Why `metric` (with these filters) may not be scored automatically, or "" when it may."""
    if getattr(metric, "formalism", False):
        return f"“{metric.label}”属于留痕类指标，不能作为自动评分依据。"
    for text in (metric.code, metric.label, metric.measure):
        word = denied_word(str(text))
        if word:
            return (
                f"“{metric.label}”涉及“{word}”，按照整治形式主义的要求，照片、学习时长、签到打卡、排名等不能自动计分。"
            )
    for name, value in (filters or {}).items():
        values = value if isinstance(value, list | tuple | set) else [value]
        for v in values:
            word = denied_word(f"{name} {v}")
            if word:
                return f"筛选条件涉及“{word}”，按照整治形式主义的要求不能自动计分。"
    return ""
