"""The roster import at scale: its queries do not grow with the rows of the file (duplicate detection is one
query for the whole file, people and memberships are created in bulk) nor with the roster already kept."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pufa.people import importers
from pufa.people.models import Person, TeamMembership
from tests.people.conftest import add_person
from tests.people.test_importers import row, workbook


def _import_queries(liaison, rows: int, offset: int) -> int:
    sheet = workbook(*(row(f"导入{offset + i}", f"15{offset + i:09d}") for i in range(rows)))
    with CaptureQueriesContext(connection) as captured:
        result = importers.roster_import(actor=liaison, file=sheet)
    assert result.ok, result.errors[:3]
    assert result.created == rows
    return len(captured)


def test_import_queries_do_not_grow_with_the_file_or_the_roster(world, liaison):
    small = _import_queries(liaison, 3, offset=0)
    for i in range(40):
        add_person(world.committee_a, world.community_a, name=f"队员{i}")
    large = _import_queries(liaison, 60, offset=1000)
    assert large <= small
    assert Person.objects.filter(name__startswith="导入").count() == 63
    assert TeamMembership.objects.filter(person__name__startswith="导入", kind__code="flmbr").count() == 63
