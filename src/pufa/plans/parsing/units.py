"""Match unit names as a plan writes them to the units registered in the system.

Plans name units loosely: short forms (司法所 for 沱河街道司法所), local abbreviations (法治办 for 依法治理办公室,
registered as an alias), and collective phrases (各社区, 街道各部门, 各街镇司法所) that stand for many units.
`resolve_units` tries, in order: exact name → registered alias → collective phrase → short form or close
spelling (the region prefix dropped, a unique unit whose name ends with the written one, or a rapidfuzz
ratio above `FUZZY_THRESHOLD` with a clear winner). Anything else comes back `unresolved` — never dropped —
so the import preview can ask the user, with likely candidates in `suggested_keys`.

Candidates are the units the importing user may assign in the plan's region; scoping them is the caller's
business (the org app's selectors), which is why this module imports no Django.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz

from .text import normalize_name

Status = Literal["exact", "alias", "fuzzy", "collective", "unresolved"]
FUZZY_THRESHOLD = 80.0
_MARGIN = 5.0
_LEVEL_PREFIX = re.compile(r"^(?:区|县|市|镇|乡|街道|街镇|本级|本)")

# Collective phrase → unit kinds. Checked in order; the first whose noun matches wins.
_COLLECTIVE_KINDS: list[tuple[re.Pattern[str], tuple[str, ...], str]] = [
    (re.compile(r"司法所$"), ("judicial_office",), "所有司法所"),
    (re.compile(r"派出所$"), ("police_station",), "所有派出所"),
    (
        re.compile(r"(?:社区|村|居|村居|居委会|村委会|村\(社区\)|村\(居\)|社区居委会)$"),
        ("community_committee",),
        "所有社区（村）居委会",
    ),
    (re.compile(r"(?:学校|中小学校?|中学|小学|幼儿园|学校\(园\))$"), ("school",), "所有学校"),
    (re.compile(r"企业$"), ("enterprise",), "所有企业"),
    (re.compile(r"(?:社会组织|协会|商会)$"), ("social_org",), "所有社会组织"),
    (re.compile(r"(?:街镇|乡镇|街道|镇|乡|镇\(街道\)|乡镇\(街道\)|镇街)$"), ("office",), "所有街镇（法治办）"),
    (
        re.compile(r"(?:部门单位|单位|成员单位|机关|责任主体|执法单位|执法部门)$"),
        ("department", "judicial_office", "police_station"),
        "所有部门和单位",
    ),
    (re.compile(r"(?:部门|科室|股室|处室|站所|局)$"), ("department", "judicial_office", "police_station"), "所有部门"),
]
_COLLECTIVE_WORD = re.compile(r"^(?:各|全体|所有|相关|有关)|各|全体|所有|其他|相关|有关")


@dataclass
class UnitCandidate:
    """A unit the plan's units may refer to; `key` is whatever identifies it to the caller (a pk)."""

    key: Hashable
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = "department"
    region_name: str = ""


@dataclass
class Resolution:
    """How one written unit name was understood; `matched_keys` holds several keys for collective phrases."""

    written: str
    matched_keys: list[Hashable]
    status: Status
    note: str = ""
    suggested_keys: list[Hashable] = field(default_factory=list)
    """For unresolved names: the closest candidates, best first, for the preview to offer."""


def _variants(candidate: UnitCandidate) -> list[str]:
    """Comparable forms of a candidate's name: itself, without its region prefix, without 区/街道 level words."""
    forms: list[str] = []
    for raw in [candidate.name, *candidate.aliases]:
        name = normalize_name(raw)
        forms.append(name)
        region = normalize_name(candidate.region_name)
        if region and name.startswith(region) and len(name) > len(region) + 1:
            forms.append(name[len(region) :])
    return list(dict.fromkeys(forms))


def resolve_units(names: Sequence[str], candidates: Sequence[UnitCandidate]) -> list[Resolution]:
    """Resolve each written name against `candidates`; one `Resolution` per name, in order."""
    return [_resolve(name, candidates) for name in names]


def _resolve(written: str, candidates: Sequence[UnitCandidate]) -> Resolution:
    name = normalize_name(written)
    if not name:
        return Resolution(written, [], "unresolved", "单位名称为空")
    exact = [c.key for c in candidates if normalize_name(c.name) == name]
    if exact:
        return Resolution(written, exact[:1], "exact")
    alias = [c for c in candidates if name in {normalize_name(a) for a in c.aliases}]
    if len(alias) == 1:
        return Resolution(written, [alias[0].key], "alias", f"“{written}”是“{alias[0].name}”的简称")
    if len(alias) > 1:
        return _ambiguous(written, alias)
    collective = _collective(written, name, candidates)
    if collective is not None:
        return collective
    return _fuzzy(written, name, candidates)


def _collective(written: str, name: str, candidates: Sequence[UnitCandidate]) -> Resolution | None:
    if not _COLLECTIVE_WORD.search(name):
        return None
    noun = name.split("各")[-1] if "各" in name else name
    for pattern, kinds, label in _COLLECTIVE_KINDS:
        if pattern.search(noun) or pattern.search(name):
            keys = [c.key for c in candidates if c.kind in kinds]
            if not keys:
                return Resolution(written, [], "unresolved", f"集体称谓，指{label}，但尚未登记此类单位")
            return Resolution(written, keys, "collective", f"集体称谓，指{label}（{len(keys)}个）")
    return Resolution(written, [], "unresolved", "集体称谓，无法判断指哪一类单位")


def _fuzzy(written: str, name: str, candidates: Sequence[UnitCandidate]) -> Resolution:
    short = _LEVEL_PREFIX.sub("", name)
    same = [c for c in candidates if name in _variants(c) or (len(short) >= 2 and short in _variants(c))]
    if len(same) == 1:
        return Resolution(written, [same[0].key], "fuzzy", f"按简称匹配到“{same[0].name}”")
    if len(same) > 1:
        return _ambiguous(written, same)
    if len(name) >= 2:
        ending = [
            c
            for c in candidates
            if any(v.endswith(name) or (len(name) >= 3 and v.startswith(name)) for v in _variants(c))
        ]
        if len(ending) == 1:
            return Resolution(written, [ending[0].key], "fuzzy", f"按简称匹配到“{ending[0].name}”")
        if len(ending) > 1:
            return _ambiguous(written, ending)
    scored = sorted(
        ((max(fuzz.ratio(name, v) for v in _variants(c)), i, c) for i, c in enumerate(candidates)),
        key=lambda t: (-t[0], t[1]),
    )
    if scored and scored[0][0] >= FUZZY_THRESHOLD:
        best_score, _, best = scored[0]
        if len(scored) == 1 or best_score - scored[1][0] >= _MARGIN:
            return Resolution(written, [best.key], "fuzzy", f"按相近名称匹配到“{best.name}”（相似度{best_score:.0f}）")
    suggestions = [c.key for score, _, c in scored[:3] if score >= 50]
    return Resolution(written, [], "unresolved", "未找到对应单位", suggestions)


def _ambiguous(written: str, matches: Sequence[UnitCandidate]) -> Resolution:
    names = "、".join(c.name for c in matches[:5])
    return Resolution(written, [], "unresolved", f"有多个可能的单位：{names}", [c.key for c in matches])
