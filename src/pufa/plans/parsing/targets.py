"""Quantified targets (量化指标) inside a task's text and deadline.

A number followed by a measure word (个/次/场次/篇/期/堂/户/平方米/%…) is a target only when the text says it is
one, so that descriptions ("9个领域", "2处普法阵地进行内容更新", "5分钟的宣讲") are not counted:
- a comparator before it or 以上 after it: "不少于4个", "至少有一户", "1次以上", "达到90%";
- or a period in the same clause: "每季度一堂", "每月一期", "年内各完成1篇" (period month/quarter/year);
- or, for an Arabic number only, an action verb shortly before it with no 的 in between: "计划开展普法演出5场次",
  "新建1处". Chinese 一 after a verb is usually an article ("组织一支宣传队"), so it needs the other signals.
A "by" date earlier in the same clause ("2022年底…不少于4个、2025年底不少于6个") is the target's due date.
"""

from __future__ import annotations

import re
from datetime import date

from .deadlines import find_dates
from .model import ParsedTarget, Period
from .text import CN_NUMERAL, clauses, cn_to_int, fold

_MEASURES = [
    "平方米",
    "场次",
    "人次",
    "课时",
    "学时",
    *"个次场篇期堂户名人支所处块份件条项家本套节批部座间轮幅册张台米%",
]
_QUANTITY = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?|[{CN_NUMERAL}]+)\s*(?P<wan>万)?\s*(?P<unit>{'|'.join(map(re.escape, _MEASURES))})"
)
_COMPARATOR = re.compile(
    r"(?:不少于|不低于|不得少于|不得低于|不小于|至少|最少|最低|达到|达|超过|多于|大于|高于|≥|>=)"
    r"[^，。；,;的]{0,4}$"
)
_AT_LEAST_AFTER = re.compile(r"\s*(?:及以上|以上|或以上)")
_VERB = re.compile(
    r"(?:完成|开展|举办|组织|新建|建成|建立|培育|培养|评选|打造|创建|制作|发放|编印|录制|推出|召开|举行|"
    r"印发|发布|征集|选树|聘请|配备|建设|培训|评出|推送|创作)[^的，。；,;]{0,10}$"
)
_PERIODS: list[tuple[Period, str]] = [
    ("month", r"每月|每个月"),
    ("quarter", r"每季度|每个季度|每季"),
    ("year", r"每年度|每年|年内|全年|每一年"),
]
_PERIOD = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _PERIODS))
# Measure words that also begin ordinary words: 一次性, 个人, 人员, 期间, 部门, 条件…
_NOT_A_MEASURE_AFTER = {
    "次": "性",
    "个": "人性体案别",
    "人": "员民们",
    "期": "间限望",
    "部": "门署分",
    "条": "件例款",
    "项": "目",
    "家": "庭长属",
    "本": "地级部单人",
    "名": "义称单",
    "所": "有以在属",
    "处": "理置",
    "件": "事",
    "节": "日点",
    "场": "所地景",
    "间": "隔",
}


def find_targets(text: str, year: int) -> list[ParsedTarget]:
    """Every quantified target in `text`, in order (see the module docstring for what counts)."""
    found: list[ParsedTarget] = []
    for start, end in clauses(text):
        found.extend(_clause_targets(text[start:end], year))
    return found


def _clause_targets(clause: str, year: int) -> list[ParsedTarget]:
    folded = fold(clause)
    dates = [m for m in find_dates(clause, year) if m.explicit_by]
    hits: list[tuple[int, int, float, str, Period | None, date | None]] = []
    for m in _QUANTITY.finditer(folded):
        unit = m.group("unit")
        after = folded[m.end() : m.end() + 1]
        if after and after in _NOT_A_MEASURE_AFTER.get(unit, ""):
            continue
        if m.start() and folded[m.start() - 1] in "第每.0123456789":
            continue
        value = _number(m.group("num"))
        if value is None:
            continue
        if m.group("wan"):
            value *= 10000
        before = folded[: m.start()]
        period_match = None
        for period_match in _PERIOD.finditer(before):  # noqa: B007 — the last period before the number
            pass
        period: Period | None = period_match.lastgroup if period_match else None  # type: ignore[assignment]
        arabic = m.group("num")[0].isdigit()
        qualified = (
            bool(_COMPARATOR.search(before))
            or bool(_AT_LEAST_AFTER.match(folded, m.end()))
            or period is not None
            or (arabic and bool(_VERB.search(before)))
        )
        if not qualified:
            continue
        due = None
        for d in dates:
            if d.end <= m.start():
                due = d.value
        end = m.end()
        tail = _AT_LEAST_AFTER.match(folded, end)
        if tail:
            end = tail.end()
        hits.append((m.start(), end, value, unit, period, due))
    targets: list[ParsedTarget] = []
    for i, (_start, _end, value, unit, period, due) in enumerate(hits):
        # Each target's text runs from the previous target's end (or the clause start) to its own end; the
        # last one keeps the rest of the clause ("…组织开展1次以上基层法治文化活动").
        seg_start = hits[i - 1][1] if i else 0
        seg_end = _end if i + 1 < len(hits) else len(clause)
        snippet = clause[seg_start:seg_end].strip().lstrip("、，,；;和及与").strip()
        targets.append(ParsedTarget(text=snippet, threshold=value, unit=unit, period=period, due=due))
    return targets


def _number(text: str) -> float | None:
    if text[0].isdigit():
        return float(text)
    value = cn_to_int(text)
    return float(value) if value is not None else None


def merge_targets(primary: list[ParsedTarget], extra: list[ParsedTarget]) -> list[ParsedTarget]:
    """Targets from the task text, plus those of the deadline text that say something new.

    A 完成时限 often repeats a target of the text ("每季度一次" in both); a repeated (threshold, measure) pair
    is dropped rather than counted twice.
    """
    seen = {(t.threshold, t.unit) for t in primary}
    merged = list(primary)
    for target in extra:
        key = (target.threshold, target.unit)
        if key not in seen:
            seen.add(key)
            merged.append(target)
    return merged
