"""The spot-check draw (双随机): which units are checked and by whom, reproducible by anyone from the seed.

Algorithm `sha256-v1`, published with every draw (the draw page shows the inputs and this text):

1. Units are grouped by peer group (departments, streets, communities …). In each group, ordered by group
   code, every unit gets the key `sha256("{seed}|unit|{unit code}")` (hex); the units with the smallest keys
   are drawn, `ceil(share × group size)` of them (at least one of a non-empty group).
2. Drawn units are taken in the order of step 1. For each, the eligible inspectors are those not recused —
   an inspector never checks their own unit, nor a unit in their own region (the region of the inspector's
   unit and everything below it), unless that region is the scheme's whole region (a district inspector is
   recused only from their own unit). Among them, the `per_unit` inspectors with the fewest assignments so far
   are taken, ties broken by the key `sha256("{seed}|inspector|{unit code}|{username}")`.

Only public, stable identifiers (unit codes, usernames) and the seed enter the keys, so the result does not
depend on database ids or on the order rows come back in. The seed is published before the draw (e.g. the
closing figure of a lottery, or a number announced at the meeting), and the draw is recorded before any
finding exists.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ALGORITHM = "sha256-v1"


@dataclass(frozen=True)
class Inspector:
    username: str
    unit_codes: tuple[str, ...]  # the units the inspector belongs to
    region_paths: tuple[str, ...]  # the regions of those units (recused below them)


def key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def recused(inspector: Inspector, unit_code: str, unit_region_path: str, scheme_region_path: str) -> bool:
    """Is the inspector barred from checking this unit (own unit, or a unit in their own region)?"""
    if unit_code in inspector.unit_codes:
        return True
    return any(path != scheme_region_path and unit_region_path.startswith(path) for path in inspector.region_paths)


def draw(
    *,
    seed: str,
    groups: Mapping[str, Sequence[tuple[str, str]]],
    inspectors: Sequence[Inspector],
    share: Decimal,
    per_unit: int,
    scheme_region_path: str,
) -> dict[str, Any]:
    """The draw: {"units": {group: [unit codes]}, "assignments": {unit code: [usernames]}, "short": [...]}.

    `groups` maps a peer group to its (unit code, region path) pairs. `short` names units that got fewer
    inspectors than `per_unit` because too few were eligible (shown on the page, never silently)."""
    if not seed.strip():
        raise ValueError("请填写公开的随机种子")
    if not Decimal(0) < share <= Decimal(1):
        raise ValueError("抽取比例应在 0 到 1 之间")
    drawn: dict[str, list[str]] = {}
    order: list[tuple[str, str]] = []
    for group in sorted(groups):
        members = sorted(groups[group], key=lambda m: key(seed, "unit", m[0]))
        if not members:
            continue
        n = max(1, math.ceil(share * len(members)))
        drawn[group] = [code for code, _ in members[:n]]
        order.extend(members[:n])
    load = {i.username: 0 for i in inspectors}
    assignments: dict[str, list[str]] = {}
    short: list[str] = []
    for code, region_path in order:
        eligible = [i for i in inspectors if not recused(i, code, region_path, scheme_region_path)]
        eligible.sort(key=lambda i: (load[i.username], key(seed, "inspector", code, i.username)))
        chosen = [i.username for i in eligible[:per_unit]]
        for username in chosen:
            load[username] += 1
        assignments[code] = chosen
        if len(chosen) < per_unit:
            short.append(code)
    return {"units": drawn, "assignments": assignments, "short": short}


def rerun(inputs: Mapping[str, Any], seed: str) -> dict[str, Any]:
    """Re-run a recorded draw from its stored inputs (what anyone can do to check it)."""
    return draw(
        seed=seed,
        groups={g: [tuple(m) for m in members] for g, members in inputs["groups"].items()},
        inspectors=[Inspector(i["username"], tuple(i["units"]), tuple(i["regions"])) for i in inputs["inspectors"]],
        share=Decimal(str(inputs["share"])),
        per_unit=int(inputs["per_unit"]),
        scheme_region_path=inputs["region"],
    )
