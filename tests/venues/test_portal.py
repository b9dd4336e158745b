"""The portal's venue page: open venues with opening hours as public records only; the map only when an office
switched it on (审图号); nothing internal leaks."""

from __future__ import annotations

import json
from decimal import Decimal

from django.urls import reverse

from pufa.org.access import SYSTEM
from pufa.venues import services
from pufa.venues.models import Venue
from tests.venues.conftest import make_venue
from tests.venues.test_views import SQUARE


def test_portal_lists_open_venues_only_and_no_internal_fields(client, world):
    make_venue(
        world.committee_a, name="沱河社区普法大讲堂", opening_hours="每日 8:00—18:00", description="内部备注甲乙丙"
    )
    make_venue(world.committee_b, name="规划中的长廊", kind="corridor", status=Venue.Status.PLANNED, opened_on=None)
    gone = make_venue(world.committee_b, name="已删除的讲堂")
    services.venue_delete(actor=SYSTEM, venue=gone)
    response = client.get(reverse("portal:venues"))
    assert response.context["page"].paginator.count == 1  # read a page at a time, open venues only
    page = response.content.decode()
    assert "沱河社区普法大讲堂" in page and "每日 8:00—18:00" in page
    for hidden in ("规划中的长廊", "已删除的讲堂", "内部备注甲乙丙", world.committee_a.name):
        assert hidden not in page, hidden
    assert 'data-testid="portal-venue-map"' not in page
    assert client.get(reverse("portal:venues-map")).status_code == 404


def test_portal_map_appears_when_switched_on(client, world, office_user):
    make_venue(world.committee_a, name="沱河广场", kind="park", longitude=Decimal("117.05"), latitude=Decimal("33.65"))
    boundary = services.boundary_upload(actor=office_user, region=world.street_a, raw=json.dumps(SQUARE).encode())
    assert 'data-testid="portal-venue-map"' not in client.get(reverse("portal:venues")).content.decode()
    services.boundary_set_portal(actor=office_user, boundary=boundary, show=True)
    assert 'data-testid="portal-venue-map"' in client.get(reverse("portal:venues")).content.decode()
    data = client.get(reverse("portal:venues-map")).json()
    assert data["points"] == [{"name": "沱河广场", "value": [117.05, 33.65], "kind": "法治文化公园/广场"}]
    services.boundary_set_portal(actor=office_user, boundary=boundary, show=False)
    assert client.get(reverse("portal:venues-map")).status_code == 404
