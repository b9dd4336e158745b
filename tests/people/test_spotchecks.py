"""电话抽查: a draw reproducible from its seed and the roster history, outcomes recorded by the inspector,
rolled up per street, feeding the adjustment flags and the registry's pass rate; scoped like the rosters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from pufa.core.models import AuditEntry
from pufa.org.access import SYSTEM
from pufa.people import adjustment, services, spotchecks
from pufa.people.metrics import SPOT_RATE, TRAINED_SHARE
from pufa.people.models import SpotCheckItem
from pufa.plans import metrics as registry
from tests.factories import RegionFactory, UnitFactory, make_activity
from tests.people.conftest import add_person

TODAY = timezone.localdate()
RECENT = TODAY - dt.timedelta(days=30)


@pytest.fixture
def rosters(world):
    """Ten people in community A, six in community B (both street A), four in street B."""
    from pufa.org.models import Region, Unit

    community_c = RegionFactory(name="三八社区", level=Region.Level.COMMUNITY, parent=world.street_b)
    committee_c = UnitFactory(name="三八社区居委会", kind=Unit.Kind.COMMUNITY_COMMITTEE, region=community_c)
    people = [add_person(world.committee_a, world.community_a, name=f"甲{i}", start=RECENT) for i in range(10)]
    people += [add_person(world.committee_b, world.community_b, name=f"乙{i}", start=RECENT) for i in range(6)]
    people += [add_person(committee_c, community_c, name=f"丙{i}", start=RECENT) for i in range(4)]
    return people


def draw(actor, region, unit, **kwargs):
    kwargs.setdefault("title", "一季度电话抽查")
    return services.spot_check_create(actor=actor, region=region, unit=unit, **kwargs)


def test_same_seed_same_people_and_verifiable(world, rosters, office_user):
    one = draw(office_user, world.street_a, world.office_unit, count=5, seed=20260401)
    two = draw(office_user, world.street_a, world.office_unit, count=5, seed=20260401)
    ids = list(one.items.values_list("person_id", flat=True))
    assert ids == list(two.items.values_list("person_id", flat=True)) and len(set(ids)) == 5
    assert one.population == 16 and spotchecks.verify(one)
    other = draw(office_user, world.street_a, world.office_unit, count=5, seed=1)
    assert list(other.items.values_list("person_id", flat=True)) != ids
    # The draw is a pure function, repeatable by anyone from the roster of the day and the seed.
    people = spotchecks.population(region=world.street_a, day=one.drawn_on)
    assert spotchecks.draw(people, seed=20260401, count=5, share=None, per_street=False) == ids
    # Someone joining later does not change the population of the draw day.
    add_person(world.committee_a, world.community_a, name="后来者", start=TODAY + dt.timedelta(days=3))
    assert spotchecks.verify(one)
    # Tampering with the list is detected.
    SpotCheckItem.objects.filter(spot_check=one, position=1).update(person=rosters[-1])
    assert not spotchecks.verify(one)
    assert AuditEntry.objects.filter(code="people.spotcheck").count() == 3


def test_share_and_per_street(world, rosters):
    check = draw(SYSTEM, world.district, world.office_unit, share=25, per_street=True, seed=9)
    streets = {i.person.unit.region.parent_id for i in check.items.select_related("person__unit__region")}
    assert check.items.count() == 4 + 1 and streets == {world.street_a.pk, world.street_b.pk}  # ⌈16/4⌉ + ⌈4/4⌉
    assert spotchecks.verify(check)


def test_bad_input_and_scope(world, rosters, inspector, liaison, other_office):
    for kwargs in ({}, {"count": 3, "share": 10}, {"count": 0}, {"share": 101}, {"count": 3, "title": " "}):
        with pytest.raises(ValidationError):
            draw(inspector, world.street_a, world.office_unit, **kwargs)
    with pytest.raises(PermissionDenied):
        draw(liaison, world.street_a, world.office_unit, count=3)
    with pytest.raises(PermissionDenied):
        draw(other_office, world.street_a, world.office_unit, count=3)
    check = draw(inspector, world.street_a, world.office_unit, count=3, kinds=["flmbr"])
    assert check.items.count() == 3


def test_outcomes_feed_the_flags_and_the_pass_rate(world, rosters, inspector):
    check = draw(inspector, world.street_a, world.office_unit, share=100, seed=3)
    items = list(check.items.select_related("person").order_by("position"))
    a_items = [i for i in items if i.person.unit_id == world.committee_a.pk]
    with pytest.raises(ValidationError):
        services.spot_item_record(actor=inspector, item=a_items[0], outcome="bogus")
    services.spot_item_record(actor=inspector, item=a_items[0], outcome="wrong", note="空号")
    services.spot_item_record(actor=inspector, item=a_items[1], outcome="ok")
    services.spot_item_record(actor=inspector, item=a_items[2], outcome="trained")
    services.spot_item_record(actor=inspector, item=a_items[3], outcome="unaware")
    flagged = {r.person.pk: r.flags for r in adjustment.rows(people=list(adjustment.flagged(actor=SYSTEM)))}
    assert flagged == {a_items[0].person_id: ["phone"], a_items[3].person_id: ["phone"]}
    # A keep quiets the flag; a later failed call raises it again.
    services.person_keep(actor=SYSTEM, person=a_items[0].person, reason="已更正号码")
    assert a_items[0].person_id not in {p.pk for p in adjustment.flagged(actor=SYSTEM)}
    units = [world.committee_a.pk, world.committee_b.pk]
    rate = registry.compute(SPOT_RATE, unit_ids=units, start=TODAY.replace(day=1), end=TODAY)
    assert rate[world.committee_a.pk] == 50 and rate[world.committee_b.pk] == 0
    assert not registry.get(SPOT_RATE).additive


def test_trained_share(world, rosters):
    training = make_activity(world.committee_a, title="季度培训", kind="px", date=TODAY)
    services.attendance_set(actor=SYSTEM, activity=training, people=rosters[:4])
    draft = make_activity(world.committee_a, title="草稿", kind="px", date=TODAY, status="draft")
    services.attendance_set(actor=SYSTEM, activity=draft, people=rosters[4:8])
    q_start = TODAY.replace(day=1)
    share = registry.compute(
        TRAINED_SHARE, unit_ids=[world.committee_a.pk, world.committee_b.pk], start=q_start, end=TODAY
    )
    assert share[world.committee_a.pk] == 40 and share[world.committee_b.pk] == 0


def test_pages(client_for, world, rosters, inspector, liaison, other_office):
    c = client_for(inspector)
    response = c.post(
        reverse("people:spotcheck-list"),
        {"title": "电话抽查", "region": world.street_a.pk, "unit": world.office_unit.pk, "count": 4, "seed": 11},
    )
    assert response.status_code == 302
    check = SpotCheckItem.objects.first().spot_check
    page = c.get(reverse("people:spotcheck-detail", args=[check.pk])).content.decode()
    assert page.count('data-testid="spot-item"') == 4 and 'data-testid="verified"' in page and "138****" in page
    item = check.items.order_by("position").first()
    assert item.person.phone not in page
    response = c.post(reverse("people:spot-item-record", args=[item.pk]), {"outcome": "unreachable", "note": "三次"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.outcome == "unreachable" and item.recorded_by == inspector
    assert c.post(reverse("people:spot-item-record", args=[item.pk]), {"outcome": "x\x00"}).status_code == 302
    bad = c.post(
        reverse("people:spotcheck-list"), {"title": "x", "region": world.street_a.pk, "unit": world.office_unit.pk}
    )
    assert bad.status_code == 200 and "二选一" in bad.content.decode()
    # Scope: the liaison has no spot checks (403 on the list, 404 on a check); another street's office: 404.
    assert client_for(liaison).get(reverse("people:spotcheck-list")).status_code == 403
    assert client_for(liaison).get(reverse("people:spotcheck-detail", args=[check.pk])).status_code == 404
    assert client_for(other_office).get(reverse("people:spotcheck-detail", args=[check.pk])).status_code == 404
    other = client_for(other_office).post(reverse("people:spot-item-record", args=[item.pk]), {"outcome": "ok"})
    assert other.status_code == 404
    listing = client_for(other_office).get(reverse("people:spotcheck-list")).content.decode()
    assert "电话抽查</a>" not in listing.split('data-testid="spotcheck-rows"')[1].split("</table>")[0]


def test_the_circular_carries_the_pages_rollup(client_for, world, rosters, liaison, other_office):
    """抽查通报: the .docx, opened by python-docx, says what the spot-check page's roll-up says, per street and in
    total, and names no person who was called."""
    import io

    import docx

    from pufa.org.models import Unit
    from tests.factories import member_of

    district_office = UnitFactory(name="测试区法治办", kind=Unit.Kind.OFFICE, region=world.district)
    inspector = member_of(district_office, "inspector")
    check = draw(inspector, world.district, district_office, share=50, per_street=True, seed=7)
    items = list(check.items.select_related("person__unit__region").order_by("position"))
    street_a = [i for i in items if i.person.unit.region.parent_id == world.street_a.pk]
    services.spot_item_record(actor=inspector, item=street_a[0], outcome="wrong")
    services.spot_item_record(actor=inspector, item=street_a[1], outcome="unaware")
    for item in street_a[2:]:
        services.spot_item_record(actor=inspector, item=item, outcome="ok")
    street_b = [i for i in items if i.person.unit.region.parent_id == world.street_b.pk]
    for item in street_b:
        services.spot_item_record(actor=inspector, item=item, outcome="trained")
    url = reverse("reports:spotcheck-circular", args=[check.pk, "docx"])
    response = client_for(inspector).get(url)
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"随机种子{check.seed}" in text and "从当日名册20人中按街道分别抽取50%，共10人" in text
    assert (
        "抽取10人，已拨打10人，信息核实无误8人，通过率80.0%；未通过2人，其中本人不知道自己身份1人，号码错误或停机1人"
        in text
    )
    assert "三八街道抽查人员全部接通且信息属实，予以通报表扬。" in text
    assert "沱河街道抽查8人，本人不知道自己身份1人，号码错误或停机1人。" in text and "工作要求" in text
    assert not any(p.name in text for p in rosters)
    table = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in document.tables[0].rows[1:]}
    _, rollup = __import__("pufa.people.selectors", fromlist=["x"]).spotcheck_items(check=check)
    assert table == {
        r.name: [str(r.drawn), str(r.called), str(r.passed), r.rate, str(r.unaware), str(r.wrong), str(r.unreachable)]
        for r in rollup
    }
    assert table["沱河街道"] == ["8", "8", "6", "75.0%", "1", "1", "0"]
    page = client_for(inspector).get(reverse("people:spotcheck-detail", args=[check.pk])).content.decode()
    assert (
        url in page
        and "<td>沱河街道</td><td>8</td><td>8</td><td>6</td><td>75.0%</td><td>1</td><td>1</td><td>0</td>" in page
    )
    # Scoped as the spot check: a liaison is refused, another street's office finds nothing.
    assert client_for(liaison).get(url).status_code == 404
    assert client_for(other_office).get(url).status_code == 404
    assert client_for(inspector).get(reverse("reports:spotcheck-circular", args=[check.pk, "exe"])).status_code == 404
