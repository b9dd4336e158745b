"""The scoring rules of an assessment scheme (考核评分规则): pure functions of a value and an item's parameters.

Kept free of the ORM so every rule is pinned by small hand-built cases and the live self-assessment page,
the scoring run and the bench share one implementation. Every rule returns points between 0 and the item's
points, rounded to two decimals:

- `threshold` 达标得分: full points when the value reaches the threshold (or stays at or under it, for a
  "不超过" item), else none. params: {"threshold": 1, "compare": "gte" | "lte"}.
- `linear` 线性得分: none at or below `low`, full at or above `high`, proportional in between (with
  `low` > `high` the scale runs downwards: fewer is better). params: {"low": 0, "high": 10}.
- `steps` 分档得分: the share of the points of the highest step reached. params:
  {"steps": [[1, 0.5], [3, 1]]} — a value of 1 or 2 earns half, 3 or more earns all.
- `target_status` 指标状态: the share of the points a progress status earns (已完成 all, 按期推进 all,
  滞后 half …; overridable per item). params: {"target": <Target id>, "shares": {"lagging": 0.5}}.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

THRESHOLD = "threshold"
LINEAR = "linear"
STEPS = "steps"
TARGET_STATUS = "target_status"

RULES = {
    THRESHOLD: "达标得分",
    LINEAR: "线性得分",
    STEPS: "分档得分",
    TARGET_STATUS: "指标状态",
}

#: The share of an item's points each progress status earns unless the item says otherwise.
DEFAULT_STATUS_SHARES: dict[str, Decimal] = {
    "done": Decimal(1),
    "on_track": Decimal(1),
    "lagging": Decimal("0.5"),
    "not_started": Decimal(0),
    "overdue": Decimal(0),
    "unfinished": Decimal(0),
}

CENT = Decimal("0.01")


class RuleError(ValueError):
    """An item's rule parameters that cannot score anything; the message is shown to the office."""


def dec(value: Any, what: str = "数值") -> Decimal:
    """A parameter as a Decimal, or a `RuleError` naming it (floats through str, so 0.1 stays 0.1)."""
    if isinstance(value, bool):
        raise RuleError(f"{what}应为数字")
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise RuleError(f"{what}应为数字") from exc
    if not result.is_finite():
        raise RuleError(f"{what}应为数字")
    return result


def clamp(points: Decimal, maximum: Decimal) -> Decimal:
    """Between 0 and the item's points, to the cent."""
    return max(Decimal(0), min(points, maximum)).quantize(CENT, rounding=ROUND_HALF_UP)


def score_threshold(value: Decimal, points: Decimal, threshold: Decimal, compare: str = "gte") -> Decimal:
    met = value <= threshold if compare == "lte" else value >= threshold
    return clamp(points if met else Decimal(0), points)


def score_linear(value: Decimal, points: Decimal, low: Decimal, high: Decimal) -> Decimal:
    if low == high:
        raise RuleError("线性得分的起点和满分点不能相同")
    share = (value - low) / (high - low)
    return clamp(points * max(Decimal(0), min(Decimal(1), share)), points)


def score_steps(value: Decimal, points: Decimal, steps: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    share = Decimal(0)
    for at_least, step_share in sorted(steps):
        if value >= at_least:
            share = step_share
    return clamp(points * share, points)


def score_status(status: str, points: Decimal, shares: Mapping[str, Decimal] | None = None) -> Decimal:
    table = {**DEFAULT_STATUS_SHARES, **(shares or {})}
    return clamp(points * table.get(status, Decimal(0)), points)


def check_params(rule: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of `rule`, validated and normalised to plain JSON (strings for decimals), or `RuleError`.

    The scheme editor stores what this returns, so a stored item always scores."""
    if rule == THRESHOLD:
        compare = params.get("compare", "gte")
        if compare not in ("gte", "lte"):
            raise RuleError("比较方式应为“不少于”或“不超过”")
        return {"threshold": str(dec(params.get("threshold"), "达标值")), "compare": compare}
    if rule == LINEAR:
        low, high = dec(params.get("low"), "起点值"), dec(params.get("high"), "满分值")
        if low == high:
            raise RuleError("线性得分的起点和满分点不能相同")
        return {"low": str(low), "high": str(high)}
    if rule == STEPS:
        raw = params.get("steps")
        if not isinstance(raw, list | tuple) or not raw:
            raise RuleError("分档得分至少需要一档")
        steps = []
        for pair in raw:
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise RuleError("每一档应为“数值:得分比例”")
            at_least, share = dec(pair[0], "分档数值"), dec(pair[1], "得分比例")
            if not Decimal(0) <= share <= Decimal(1):
                raise RuleError("得分比例应在 0 到 1 之间")
            steps.append([str(at_least), str(share)])
        return {"steps": sorted(steps, key=lambda s: Decimal(s[0]))}
    if rule == TARGET_STATUS:
        try:
            target = int(params.get("target") or 0)
        except (TypeError, ValueError) as exc:
            raise RuleError("请选择量化指标") from exc
        if target <= 0:
            raise RuleError("请选择量化指标")
        shares = {str(k): str(dec(v, "得分比例")) for k, v in dict(params.get("shares") or {}).items()}
        unknown = set(shares) - set(DEFAULT_STATUS_SHARES)
        if unknown:
            raise RuleError(f"未知的状态：{'、'.join(sorted(unknown))}")
        return {"target": target, "shares": shares}
    raise RuleError("请选择评分规则")


def score(rule: str, params: Mapping[str, Any], points: Decimal, value: Decimal | str | None) -> Decimal:
    """One automatic item's points for one unit. `value` is the metric's value (a status code for
    `target_status`); None (nothing known) scores 0."""
    if value is None:
        return Decimal(0).quantize(CENT)
    if rule == TARGET_STATUS:
        shares = {k: dec(v) for k, v in dict(params.get("shares") or {}).items()}
        return score_status(str(value), points, shares)
    number = dec(value)
    if rule == THRESHOLD:
        return score_threshold(number, points, dec(params["threshold"]), params.get("compare", "gte"))
    if rule == LINEAR:
        return score_linear(number, points, dec(params["low"]), dec(params["high"]))
    if rule == STEPS:
        return score_steps(number, points, [(dec(a), dec(b)) for a, b in params["steps"]])
    raise RuleError("请选择评分规则")


def describe(rule: str, params: Mapping[str, Any], measure: str = "") -> str:
    """The rule in words, as the scheme page and the self-assessment show it."""
    if rule == THRESHOLD:
        word = "不超过" if params.get("compare") == "lte" else "达到"
        return f"{word}{params.get('threshold')}{measure}得满分"
    if rule == LINEAR:
        return f"{params.get('low')}{measure}起按比例得分，{params.get('high')}{measure}得满分"
    if rule == STEPS:
        parts = [f"≥{a}{measure}得{Decimal(b) * 100:.0f}%" for a, b in params.get("steps", [])]
        return "，".join(parts)
    if rule == TARGET_STATUS:
        return "按量化指标状态得分（已完成、按期推进满分，滞后得一半）"
    return ""


# ---------------------------------------------------------------- totals, ranks, discrimination


def rank(totals: Mapping[int, Decimal]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) by total, highest first; ties share a rank."""
    ordered = sorted(totals.values(), reverse=True)
    first: dict[Decimal, int] = {}
    for index, total in enumerate(ordered):
        first.setdefault(total, index + 1)
    return {key: first[total] for key, total in totals.items()}


def spread(totals: Sequence[Decimal]) -> Decimal:
    """The population standard deviation of the totals (0 for fewer than two)."""
    if len(totals) < 2:
        return Decimal(0)
    mean = sum(totals, Decimal(0)) / len(totals)
    variance = sum(((t - mean) ** 2 for t in totals), Decimal(0)) / len(totals)
    return variance.sqrt().quantize(CENT)


#: A scheme whose scores spread less than this share of its full marks tells units apart too little
#: (everyone scores 98): the ranking page flags it so the office revisits the items.
MIN_SPREAD_SHARE = Decimal("0.03")


def undiscriminating(totals: Sequence[Decimal], full_marks: Decimal) -> bool:
    if len(totals) < 3 or full_marks <= 0:
        return False
    return spread(totals) < full_marks * MIN_SPREAD_SHARE


# ---------------------------------------------------------------- grade bands (考核等次)

#: At most this many bands; at least two (one above the catch-all).
MAX_BANDS = 6


def check_bands(bands: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Grade bands, best first, validated and normalised to plain JSON, or `RuleError`.

    Each band has a `name`, an optional `quota` (at most this percentage of a peer group, e.g. 优秀 ≤ 20%)
    and an optional `min` (a total of at least this percentage of the scheme's full marks). The last band
    takes everyone else, so it has neither; the minimums fall from band to band."""
    if not 2 <= len(bands) <= MAX_BANDS:
        raise RuleError(f"考核等次应有 2 到 {MAX_BANDS} 档")
    out: list[dict[str, Any]] = []
    names: set[str] = set()
    last_min: Decimal | None = None
    for index, band in enumerate(bands):
        name = str(band.get("name") or "").strip()
        if not name or len(name) > 10:
            raise RuleError(f"第{index + 1}档等次应有名称（不超过10个字）")
        if name in names:
            raise RuleError(f"等次名称“{name}”重复")
        names.add(name)
        quota = band.get("quota")
        minimum = band.get("min")
        quota_value = None if quota in (None, "") else dec(quota, f"“{name}”的名额比例")
        min_value = None if minimum in (None, "") else dec(minimum, f"“{name}”的最低得分率")
        if quota_value is not None and not Decimal(0) < quota_value <= Decimal(100):
            raise RuleError(f"“{name}”的名额比例应在 0 到 100 之间")
        if min_value is not None:
            if not Decimal(0) <= min_value <= Decimal(100):
                raise RuleError(f"“{name}”的最低得分率应在 0 到 100 之间")
            if last_min is not None and min_value > last_min:
                raise RuleError(f"“{name}”的最低得分率不能高于上一档")
            last_min = min_value
        out.append(
            {
                "name": name,
                "quota": None if quota_value is None else _plain(quota_value),
                "min": None if min_value is None else _plain(min_value),
            }
        )
    if out[-1]["quota"] is not None or out[-1]["min"] is not None:
        raise RuleError(f"最后一档“{out[-1]['name']}”收录其余单位，不设名额和最低得分率")
    return out


def _plain(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else str(value.normalize())


def band_cap(quota: Any, members: int) -> int | None:
    """How many of a peer group of `members` a band with `quota` percent may hold: rounded down, since a quota
    is a ceiling (20% of 4 units admits none)."""
    if quota is None:
        return None
    return int(Decimal(str(quota)) * members / 100)


def grade(totals: Mapping[int, Decimal], bands: Sequence[Mapping[str, Any]], full_marks: Decimal) -> dict[int, str]:
    """Each unit's band within its peer group, from the highest total down.

    A unit goes into the best band whose minimum its total reaches and whose quota still has room; units with
    equal totals stay together, so a tie that would overrun a quota goes down together (a quota is never
    exceeded and equal totals never get different grades). Once a band is passed, lower totals cannot return
    to it. `bands` are as `check_bands` returns them."""
    if not bands:
        return {}
    caps = [band_cap(b.get("quota"), len(totals)) for b in bands]
    floors = [None if b.get("min") is None else full_marks * Decimal(str(b["min"])) / Decimal(100) for b in bands]
    counts = [0] * len(bands)
    ties: dict[Decimal, list[int]] = {}
    for key, total in totals.items():
        ties.setdefault(total, []).append(key)
    out: dict[int, str] = {}
    band = 0
    last = len(bands) - 1
    for total in sorted(ties, reverse=True):
        keys = ties[total]
        while band < last:
            floor, cap = floors[band], caps[band]
            if (floor is not None and total < floor) or (cap is not None and counts[band] + len(keys) > cap):
                band += 1
                continue
            break
        counts[band] += len(keys)
        for key in keys:
            out[key] = str(bands[band]["name"])
    return out


def describe_band(band: Mapping[str, Any], full_marks: Decimal) -> str:
    """ "不超过同类单位的20%，得分不低于满分的90%（90分）" — the band's rule in words."""
    parts = []
    if band.get("quota") is not None:
        parts.append(f"不超过同类单位的{band['quota']}%")
    if band.get("min") is not None:
        floor = (full_marks * Decimal(str(band["min"])) / Decimal(100)).quantize(CENT).normalize()
        parts.append(f"得分不低于满分的{band['min']}%（{floor:f}分）")
    return "，".join(parts) or "其余单位"
