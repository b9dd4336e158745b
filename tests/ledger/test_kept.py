"""The ledger list's keys, count and filter options, kept in the cache under the stamps of the actor's regions
(`ledger.selectors._kept`, `org.freshness`): reused between writes, fresh after any write through the
services — in the writer's region and only there — and after any change of the organisation."""

from __future__ import annotations

import pytest

from pufa.ledger import selectors, services
from pufa.ledger.selectors import ActivityFilter
from pufa.org import services as org_services
from pufa.org.access import SYSTEM
from pufa.org.models import Unit
from tests.factories import make_activity


@pytest.fixture
def reads(monkeypatch):
    """How many times the list's keys were read from the database (not from the cache)."""
    calls = []
    real = selectors._page_keys

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(selectors, "_page_keys", counted)
    return calls


def _titles(actor, **filters) -> list[str]:
    return [row.title for row in selectors.activity_page(actor=actor, filters=ActivityFilter(**filters)).rows]


def test_an_offices_list_is_reused_until_a_write_in_its_region(world, office_user, other_office, liaison, reads):
    make_activity(world.committee_a, title="宪法宣传")
    assert _titles(office_user) == ["宪法宣传"]
    assert _titles(office_user) == ["宪法宣传"]
    assert len(reads) == 1  # the second load read only the page's rows

    make_activity(world.other_office_unit, title="三八街道活动")  # another street: this list is still current
    assert _titles(office_user) == ["宪法宣传"]
    assert len(reads) == 1
    assert _titles(other_office) == ["三八街道活动"]

    make_activity(world.committee_b, title="民法典宣传")  # in the office's street: its stamp moved
    assert sorted(_titles(office_user)) == ["宪法宣传", "民法典宣传"]
    assert selectors.activity_count(actor=office_user, filters=ActivityFilter()) == (2, False)


@pytest.mark.parametrize("step", ["update", "delete", "return", "highlight"])
def test_every_change_of_a_record_moves_the_kept_list(world, office_user, liaison, step):
    activity = make_activity(world.committee_a, title="宪法宣传", status="submitted")
    assert _titles(office_user) == ["宪法宣传"]
    assert _titles(office_user, highlight=True) == []
    assert _titles(office_user, status="returned") == []
    if step == "update":
        services.activity_return(actor=office_user, activity=activity, reason="标题有误")
        assert _titles(liaison) == ["宪法宣传"]
        data = services.ActivityData(
            unit=world.committee_a, title="宪法宣传周", kind=activity.kind, date=activity.date, people_onsite=30
        )
        services.activity_update(actor=liaison, activity=activity, data=data)
        assert _titles(liaison) == ["宪法宣传周"]
        assert _titles(office_user) == ["宪法宣传周"]
    elif step == "delete":
        services.activity_delete(actor=office_user, activity=activity)
        assert _titles(office_user) == []
    elif step == "return":
        services.activity_return(actor=office_user, activity=activity, reason="缺少照片")
        assert _titles(office_user, status="returned") == ["宪法宣传"]
    else:
        services.activity_set_highlight(actor=office_user, activity=activity, value=True)
        assert _titles(office_user, highlight=True) == ["宪法宣传"]


def test_a_liaisons_list_is_kept_under_its_units_region(world, liaison, reads):
    make_activity(world.committee_a, title="宪法宣传")
    assert _titles(liaison) == ["宪法宣传"]
    assert _titles(liaison) == ["宪法宣传"]
    assert len(reads) == 1
    make_activity(world.committee_a, title="民法典宣传")
    assert sorted(_titles(liaison)) == ["宪法宣传", "民法典宣传"]


def test_a_list_without_a_grant_to_name_its_regions_is_read_each_time(world, reads):
    make_activity(world.committee_a, title="宪法宣传")
    assert _titles(SYSTEM) == ["宪法宣传"]
    assert _titles(SYSTEM) == ["宪法宣传"]
    assert len(reads) == 2


def test_the_filter_options_follow_the_organisation(world, office_user):
    before = selectors.filter_units(actor=office_user)
    assert selectors.filter_units(actor=office_user) == before
    made = org_services.unit_create(
        actor=SYSTEM,
        data=org_services.UnitData(name="沱河街道综治中心", kind=Unit.Kind.DEPARTMENT, region=world.street_a),
    )
    assert made.pk in {o.pk for o in selectors.filter_units(actor=office_user)}
    assert world.community_a.pk in {o.pk for o in selectors.filter_regions(actor=office_user)}
