"""Where an order is: the address text (else the order's text) matched against the names of the regions
below the office, their short forms, and the gazetteer the office keeps (roads, estates, aliases).

Every name found in the text votes for its region with the confidence of its kind (`CONFIDENCE`: a full
community name or an estate names one place; a road may run through several communities, a short form
like "沱河" may be part of another word). The longest names are taken first and a shorter name inside a
longer one found is ignored ("沱河" inside "沱河社区"). The region with the highest confidence wins; when
another region is as likely the confidence is halved, so the order waits for review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: The confidence a match of each kind gives (why: see the module docstring).
CONFIDENCE = {
    "region": 0.95,  # the full name of a community or street: 沱河社区
    "estate": 0.9,  # an estate or building: 锦绣花园
    "landmark": 0.8,  # a school, market, hospital the office listed
    "alias": 0.75,  # an alias the office gave: 老街片区
    "road": 0.6,  # a road: may cross communities
    "short": 0.55,  # a region's name without its suffix: 沱河
}
SUFFIXES = ("社区居委会", "村委会", "居委会", "社区", "街道", "村", "镇", "乡")


@dataclass(frozen=True)
class Name:
    text: str
    region_id: int
    kind: str


@dataclass(frozen=True)
class Place:
    region_id: int | None
    confidence: float
    matched: str = ""


def region_names(regions: Iterable[tuple[int, str]]) -> list[Name]:
    """The full and short names of regions given as (id, name)."""
    names = []
    for region_id, name in regions:
        names.append(Name(name, region_id, "region"))
        for suffix in SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                names.append(Name(name[: -len(suffix)], region_id, "short"))
                break
    return names


class Matcher:
    """Finds places in texts; built once per import from the office's regions and gazetteer."""

    def __init__(self, names: Iterable[Name]) -> None:
        self.index: dict[str, list[Name]] = {}
        for name in names:
            if len(name.text) >= 2:
                self.index.setdefault(name.text, []).append(name)
        self.lengths = sorted({len(t) for t in self.index}, reverse=True)

    def match(self, *texts: str) -> Place:
        """The place named by the first text that names one (the address before the order's text)."""
        for text in texts:
            place = self._match(text or "")
            if place.region_id is not None:
                return place
        return Place(None, 0.0)

    def _match(self, text: str) -> Place:
        taken = [False] * len(text)
        votes: dict[int, tuple[float, str]] = {}
        for length in self.lengths:
            for i in range(len(text) - length + 1):
                found = self.index.get(text[i : i + length])
                if found is None or any(taken[i : i + length]):
                    continue
                for j in range(i, i + length):
                    taken[j] = True
                for name in found:
                    score = CONFIDENCE.get(name.kind, 0.5)
                    if score > votes.get(name.region_id, (0.0, ""))[0]:
                        votes[name.region_id] = (score, name.text)
        if not votes:
            return Place(None, 0.0)
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1][0], kv[0]))
        region_id, (score, matched) = ranked[0]
        if len(ranked) > 1 and ranked[1][1][0] >= score:
            score /= 2
        return Place(region_id, score, matched)
