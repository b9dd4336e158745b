"""Venue pages: the permission matrix, scoping of the list, adding on a phone form, the coverage page and its
links, the stale-board flag, the map data and boundary upload (Chinese errors), the activity's venue section."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pufa.core.home import inbox
from pufa.org.access import SYSTEM
from pufa.org.models import Membership
from pufa.venues import selectors, services
from pufa.venues.models import MapBoundary, Upkeep, Venue
from tests.factories import make_activity, member_of
from tests.venues.conftest import make_venue

D = dt.date
SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "沱河街道"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[117.0, 33.6], [117.1, 33.6], [117.1, 33.7], [117.0, 33.6]]],
            },
        }
    ],
}


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False
    )


@pytest.fixture
def venue(world):
    return make_venue(world.committee_a, name="沱河社区普法大讲堂")


def test_anonymous_is_sent_to_login(client, venue):
    for url in [
        reverse("venues:venue-list"),
        reverse("venues:venue-detail", args=[venue.pk]),
        reverse("venues:coverage"),
        reverse("venues:map"),
        reverse("venues:map-data"),
        reverse("venues:venue-create"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_outsiders_get_404(client_for, venue, other_liaison, other_office):
    for outsider in (other_liaison, other_office):
        c = client_for(outsider)
        for url in [reverse("venues:venue-detail", args=[venue.pk]), reverse("venues:venue-edit", args=[venue.pk])]:
            assert c.get(url).status_code == 404, (outsider, url)
        assert c.post(reverse("venues:venue-delete", args=[venue.pk])).status_code == 404


def test_read_only_gets_403(client_for, venue, inspector):
    c = client_for(inspector)
    assert c.get(reverse("venues:venue-detail", args=[venue.pk])).status_code == 200
    assert c.get(reverse("venues:venue-edit", args=[venue.pk])).status_code == 403
    assert c.get(reverse("venues:venue-create")).status_code == 403
    assert (
        c.post(reverse("venues:venue-detail", args=[venue.pk]), {"kind": "content", "date": "2026-03-01"}).status_code
        == 403
    )
    assert c.get(reverse("venues:boundary-list")).status_code == 403
    upkeep = services.upkeep_record(actor=SYSTEM, venue=venue, kind=Upkeep.Kind.CONTENT, date=D(2026, 3, 1))
    assert c.post(reverse("venues:upkeep-delete", args=[upkeep.pk])).status_code == 403
    assert c.post(reverse("venues:venue-delete", args=[venue.pk])).status_code == 403
    assert Upkeep.objects.filter(pk=upkeep.pk).exists() and Venue.objects.filter(pk=venue.pk).exists()


def test_a_member_without_venue_actions_gets_403(client_for, world, venue):
    """A committee member sees the unit's rows but its role carries no venue action."""
    c = client_for(member_of(world.committee_a, Membership.Role.MEMBER, username="member"))
    for url in (reverse("venues:venue-list"), reverse("venues:venue-detail", args=[venue.pk])):
        assert c.get(url).status_code == 403, url


def test_list_is_scoped(client_for, world, venue, liaison, other_liaison, office_user, other_office):
    other = make_venue(world.committee_b, name="桃园社区普法大讲堂")
    names = lambda user: {v.name for v in selectors.venue_list(actor=user)}  # noqa: E731
    assert names(liaison) == {venue.name}
    assert names(other_liaison) == {other.name}
    assert names(office_user) == {venue.name, other.name}
    assert names(other_office) == set()
    assert names(None) == set()
    response = client_for(liaison).get(reverse("venues:venue-list"))
    assert venue.name in response.content.decode() and other.name not in response.content.decode()


def test_liaison_adds_a_venue_through_the_form(client_for, world, liaison):
    c = client_for(liaison)
    page = c.get(reverse("venues:venue-create"))
    assert page.status_code == 200
    assert list(page.context["form"].fields["unit"].queryset) == [world.committee_a]
    response = c.post(
        reverse("venues:venue-create"),
        {
            "name": "沱河社区法治长廊",
            "kind": page.context["form"].fields["kind"].queryset.get(code="corridor").pk,
            "level": "community",
            "region": world.community_a.pk,
            "unit": world.committee_a.pk,
            "status": "open",
            "opened_on": "2026-03-01",
        },
    )
    venue = Venue.objects.get(name="沱河社区法治长廊")
    assert response.status_code == 302 and response["Location"] == reverse("venues:venue-detail", args=[venue.pk])
    bad = c.post(
        reverse("venues:venue-create"),
        {
            "name": "x",
            "kind": venue.kind_id,
            "level": "community",
            "region": world.community_a.pk,
            "unit": world.committee_a.pk,
            "status": "closed",
            "opened_on": "2026-03-01",
        },
    )
    assert bad.status_code == 200 and "停用的阵地须填写停用日期" in bad.content.decode()


def test_stale_board_is_flagged_after_a_month_without_an_update(client_for, world, liaison, board):
    with at(D(2026, 2, 9)):
        assert not selectors.stale_boards(Venue.objects.all()).exists()
        assert (
            "stale-flag"
            not in client_for(liaison).get(reverse("venues:venue-detail", args=[board.pk])).content.decode()
        )
    with at(D(2026, 2, 10)):
        assert list(selectors.stale_boards(Venue.objects.all())) == [board]
        c = client_for(liaison)
        assert "stale-flag" in c.get(reverse("venues:venue-detail", args=[board.pk])).content.decode()
        todo = next(t for t in inbox(liaison).todos if "宣传栏" in t.label)
        assert todo.count == 1
        listed = c.get(todo.url).context["page"].object_list
        assert [v.pk for v in listed] == [board.pk]
        c.post(reverse("venues:venue-detail", args=[board.pk]), {"kind": Upkeep.Kind.CONTENT, "date": "2026-02-10"})
        assert not selectors.stale_boards(Venue.objects.all()).exists()
        assert not any("宣传栏" in t.label for t in inbox(liaison).todos)


def test_coverage_page_shows_which_community_misses_which_kind(
    client_for, world, office_user, django_assert_max_num_queries
):
    make_venue(world.committee_a, kind="lecture")
    make_venue(world.committee_a, kind="position")
    make_venue(world.committee_b, kind="position")
    c = client_for(office_user)
    with django_assert_max_num_queries(25):
        response = c.get(reverse("venues:coverage"), {"street": world.street_a.pk})
    rows = {r.community.name: r for r in response.context["rows"]}
    assert rows["沱河社区"].missing == [] and rows["桃园社区"].missing == ["普法大讲堂"]
    assert response.context["gaps"] == 1
    cell = next(cell for cell in rows["沱河社区"].cells if cell.kind.code == "lecture")
    linked = c.get(cell.url).context["page"].object_list
    assert cell.count == len(linked) == 1 and linked[0].kind.code == "lecture"
    make_venue(world.committee_b, kind="lecture")
    response = c.get(reverse("venues:coverage"), {"street": world.street_a.pk})
    assert response.context["gaps"] == 0


def test_map_lists_points_without_a_boundary_and_draws_with_one(client_for, world, office_user):
    make_venue(world.committee_a, longitude=Decimal("117.05"), latitude=Decimal("33.65"), name="沱河广场", kind="park")
    make_venue(world.committee_b, name="无坐标的讲堂")
    c = client_for(office_user)
    page = c.get(reverse("venues:map"))
    assert "no-boundary" in page.content.decode() and "沱河广场" in page.content.decode()
    services.boundary_upload(actor=office_user, region=world.street_a, raw=json.dumps(SQUARE).encode())
    page = c.get(reverse("venues:map"))
    assert 'data-testid="venue-map"' in page.content.decode()
    assert "http://" not in page.content.decode().replace("http://testserver", "")
    data = c.get(reverse("venues:map-data")).json()
    assert [r[3] for r in data["rows"]] == ["沱河广场"] and data["geojson"]["features"][0]["properties"][
        "name"
    ] == "沱河街道"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "JSON 格式错误"),
        (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "至少一个要素"),
        (json.dumps({"type": "Point", "coordinates": [117, 33]}).encode(), "FeatureCollection"),
        (
            json.dumps({"type": "Polygon", "coordinates": [[[117, 33], [117, 34], [118, 34]]]}).encode(),
            "至少需要 4 个点",
        ),
        (
            json.dumps({"type": "Polygon", "coordinates": [[[517, 33], [117, 34], [118, 34], [517, 33]]]}).encode(),
            "坐标超出范围",
        ),
        (json.dumps({"type": "LineString", "coordinates": [[117, 33], [118, 34]]}).encode(), "FeatureCollection"),
        (b" " * (services.BOUNDARY_MAX_BYTES + 1), "文件过大"),
    ],
)
def test_boundary_upload_rejects_bad_files_in_chinese(client_for, world, office_user, raw, message):
    response = client_for(office_user).post(
        reverse("venues:boundary-list"),
        {"region": world.street_a.pk, "file": SimpleUploadedFile("边界.geojson", raw, "application/json")},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not MapBoundary.objects.exists()


def test_boundary_upload_and_portal_switch_are_audited(client_for, world, office_user):
    from pufa.core.models import AuditEntry

    c = client_for(office_user)
    response = c.post(
        reverse("venues:boundary-list"),
        {"region": world.street_a.pk, "file": SimpleUploadedFile("b.geojson", json.dumps(SQUARE).encode())},
    )
    assert response.status_code == 302
    boundary = MapBoundary.objects.get()
    assert not boundary.show_on_portal
    c.post(reverse("venues:boundary-portal", args=[boundary.pk]), {"show": "1"})
    boundary.refresh_from_db()
    assert boundary.show_on_portal
    assert AuditEntry.objects.filter(code="venues.boundary.upload").exists()
    assert AuditEntry.objects.filter(code="venues.boundary.portal").exists()


def test_activity_page_names_its_venue(client_for, world, liaison, venue):
    activity = make_activity(world.committee_a, date=D(2026, 3, 15))
    c = client_for(liaison)
    page = c.get(reverse("ledger:activity-detail", args=[activity.pk])).content.decode()
    assert 'data-testid="activity-venue"' in page and venue.name in page
    c.post(reverse("venues:activity-venue", args=[activity.pk]), {"venue": venue.pk})
    assert activity.venue_use.venue == venue
    detail = c.get(reverse("venues:venue-detail", args=[venue.pk])).context["activities"]
    assert [a.pk for a in detail] == [activity.pk]
    uses = c.get(reverse("venues:use-list"), {"unit": world.committee_a.pk, "start": "2026-01-01", "end": "2026-12-31"})
    assert [a.pk for a in uses.context["page"].object_list] == [activity.pk]
    own = c.get(reverse("venues:use-list"))  # without a unit: the liaison's own committee
    assert own.context["unit"] == world.committee_a and [a.pk for a in own.context["page"].object_list] == [activity.pk]


def test_kind_list_and_add(client_for, office_user, liaison):
    assert client_for(liaison).post(reverse("venues:kind-list"), {"name": "基地"}).status_code == 403
    c = client_for(office_user)
    assert c.post(reverse("venues:kind-list"), {"name": "青少年法治教育基地"}).status_code == 302
    assert "青少年法治教育基地" in c.get(reverse("venues:kind-list")).content.decode()


def test_system_sees_every_venue(world, venue):
    assert list(selectors.venue_list(actor=SYSTEM)) == [venue]


def test_photos_are_optional_checked_and_served_only_through_the_view(
    client_for, world, liaison, other_liaison, venue, settings, tmp_path
):
    from tests.ledger.conftest import jpeg_bytes

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    c = client_for(liaison)
    assert "暂无照片" in c.get(reverse("venues:venue-detail", args=[venue.pk])).content.decode()
    fake = SimpleUploadedFile("讲堂.jpg", b"%PDF-1.4 not an image", "image/jpeg")
    c.post(reverse("venues:photo-add", args=[venue.pk]), {"photo": fake})
    assert not venue.photos.exists()
    c.post(reverse("venues:photo-add", args=[venue.pk]), {"photo": SimpleUploadedFile("讲堂.jpg", jpeg_bytes())})
    photo = venue.photos.get()
    assert "讲堂" not in photo.file.name  # stored under a random name
    response = c.get(reverse("venues:photo-thumb", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client_for(other_liaison).get(reverse("venues:photo-file", args=[photo.pk])).status_code == 404
    assert client_for(other_liaison).post(reverse("venues:photo-delete", args=[photo.pk])).status_code == 404
    c = client_for(liaison)  # the fixture's one client was signed in as the other liaison above
    c.post(reverse("venues:photo-delete", args=[photo.pk]))
    assert not venue.photos.exists()
