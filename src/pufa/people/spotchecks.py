"""电话抽查: a reproducible random draw from the rosters of a region.

Seed 003: 不定期采取电话抽查的方式对信息进行核实，抽查情况及时通报. A draw that nobody can check invites the
suspicion that the sample was chosen; so the draw is a pure function of

- the population: the people (not deleted) on a team of the chosen kinds on the draw day, whose keeping unit lies
  in the region — read again at any later date from the roster history (`TeamMembership.active_q(drawn_on)`),
  its size and SHA-256 digest (of the sorted ids) recorded with the check;
- the recorded seed, fed to Python's `random.Random` (Mersenne Twister, stable across versions for `sample`
  on a list of the same length);
- the size (a count, or a share in percent rounded up), drawn over the whole region or per street (streets in
  path order, people in id order within each).

`verify()` draws again and compares: anyone with the seed and the roster can reproduce the list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections.abc import Iterable, Sequence

from pufa.org.models import Region
from pufa.people.models import Person, SpotCheck, TeamMembership


def population(*, region: Region, day: dt.date, kinds: Sequence[str] = ()) -> list[tuple[int, str]]:
    """(person id, street path) of the people on a team (of `kinds`) on `day`, kept by units in `region`,
    in id order. The street path is "" for a unit above street level."""
    on_team = TeamMembership.objects.filter(TeamMembership.active_q(day))
    if kinds:
        on_team = on_team.filter(kind__code__in=list(kinds))
    rows = (
        Person.objects.filter(unit__region__path__startswith=region.path, pk__in=on_team.values("person_id"))
        .order_by("pk")
        .values_list("pk", "unit__region__path")
    )
    streets = set(
        Region.objects.filter(path__startswith=region.path, level=Region.Level.STREET).values_list("path", flat=True)
    )
    if region.level == Region.Level.STREET:
        streets.add(region.path)
    result = []
    for pk, path in rows:
        result.append((pk, _street_of(path, streets)))
    return result


def _street_of(path: str, streets: set[str]) -> str:
    parts = path.strip("/").split("/")
    for i in range(len(parts), 0, -1):
        candidate = "/" + "/".join(parts[:i]) + "/"
        if candidate in streets:
            return candidate
    return ""


def digest(ids: Iterable[int]) -> str:
    return hashlib.sha256(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()


def sample_size(size: int, *, count: int | None, share: int | None) -> int:
    n = count if count is not None else math.ceil(size * (share or 0) / 100)
    return max(0, min(size, n))


def draw(
    people: Sequence[tuple[int, str]], *, seed: int, count: int | None, share: int | None, per_street: bool
) -> list[int]:
    """The drawn person ids, in draw order (the order the inspector calls them)."""
    rng = random.Random(seed)
    groups: dict[str, list[int]] = {}
    for pk, street in people:
        groups.setdefault(street if per_street else "", []).append(pk)
    picked: list[int] = []
    for key in sorted(groups):
        ids = sorted(groups[key])
        picked.extend(rng.sample(ids, sample_size(len(ids), count=count, share=share)))
    return picked


def kinds_of(check: SpotCheck) -> list[str]:
    return [k for k in check.kinds.split(",") if k]


def verify(check: SpotCheck) -> bool:
    """Draw again from the roster of the draw day and the recorded seed: the same people, the same order?"""
    people = population(region=check.region, day=check.drawn_on, kinds=kinds_of(check))
    if digest(pk for pk, _ in people) != check.population_digest:
        return False
    again = draw(people, seed=check.seed, count=check.count, share=check.share, per_street=check.per_street)
    return again == list(check.items.order_by("position").values_list("person_id", flat=True))
