"""The demo's venues and scheme: one community without its 大讲堂, one stale board, the seed-001 scheme with
沱河社区 applying; built through the services and idempotent."""

from __future__ import annotations

from django.core.management import call_command

from pufa.creation.demo import seed_creation
from pufa.creation.models import Application, Scheme
from pufa.creation.selectors import checklist
from pufa.org.access import SYSTEM
from pufa.org.models import Region
from pufa.venues import selectors
from pufa.venues.demo import seed_venues
from pufa.venues.models import MapBoundary, Upkeep, Venue, VenueUse


def test_demo_venues_show_a_gap_a_stale_board_and_an_application(db):
    call_command("seed_demo", "--quiet-logins")
    street = Region.objects.get(name="沱河街道", level="street")
    rows = {r.community.name: r for r in selectors.coverage(actor=SYSTEM, street=street)}
    assert [name for name, row in rows.items() if row.missing] == ["龙河社区"]
    assert rows["龙河社区"].missing == ["普法大讲堂"]
    stale = list(selectors.stale_boards(Venue.objects.all()))
    assert [v.region.name for v in stale] == ["银河社区"]
    assert MapBoundary.objects.filter(region=street).exists()
    assert VenueUse.objects.exists()  # the law classes took place at the lecture halls
    scheme = Scheme.objects.get(region=street)
    assert scheme.criteria.count() == 8
    application = Application.objects.get(scheme=scheme)
    assert application.unit.code == "tuohe-tuohe"
    met = all(line.met for line in checklist(scheme=scheme, unit=application.unit))
    assert application.status == (Application.Status.SUBMITTED if met else Application.Status.DRAFT)
    counts = (Venue.objects.count(), Upkeep.objects.count(), VenueUse.objects.count(), Application.objects.count())
    seed_venues()
    seed_creation()
    assert (
        Venue.objects.count(),
        Upkeep.objects.count(),
        VenueUse.objects.count(),
        Application.objects.count(),
    ) == counts
