"""Case figures across surfaces, on the demo district: the registered metric (what targets and dashboards
read), the case list each figure links to, the portal's case library and a plain count of the rows agree —
after a case is withdrawn and another deleted, so the rule (published, not deleted, published in the period)
is exercised, not just the happy path."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from pufa.cases import services
from pufa.cases.metrics import PUBLISHED
from pufa.cases.models import Case
from pufa.org.access import SYSTEM
from pufa.org.models import Region, Unit, User
from pufa.plans import metrics


def plain_published(start: dt.date, end: dt.date) -> list[Case]:
    """The rule written out: published, not deleted, published within [start, end] (local dates)."""
    return [
        c
        for c in Case.all_objects.select_related("unit")
        if c.deleted_at is None
        and c.status == "published"
        and c.published_at is not None
        and start <= timezone.localdate(c.published_at) <= end
    ]


def test_demo_case_figures_agree_everywhere(client_for, client, db):
    call_command("seed_demo", "--quiet-logins")
    today = timezone.localdate()
    published = list(Case.objects.filter(status="published").order_by("id"))
    assert len(published) >= 3
    services.case_withdraw(actor=SYSTEM, case=published[0])  # no longer counts anywhere
    draft = Case.objects.filter(status="draft").first()
    if draft is not None:
        services.case_delete(actor=SYSTEM, case=draft)
    start = dt.date(today.year, 1, 1)
    rows = plain_published(start, today)
    district = Region.objects.filter(level=Region.Level.DISTRICT).order_by("pk").first()
    units = list(Unit.objects.filter(region__path__startswith=district.path))
    values = metrics.compute(PUBLISHED, unit_ids=[u.pk for u in units], start=start, end=today)
    office = User.objects.get(username="tuohe_fzb")
    c = client_for(office)
    checked = 0
    for unit in units:
        plain = sum(1 for r in rows if r.unit_id == unit.pk)
        assert int(values.get(unit.pk, 0)) == plain, unit.name
        if plain:
            url = metrics.get(PUBLISHED).records_url(
                unit.pk, metrics.MetricQuery(unit_ids=(unit.pk,), start=start, end=today)
            )
            listed = c.get(url).context["result"].total
            assert listed == plain, unit.name
            checked += plain
    assert checked >= 1
    everywhere = plain_published(dt.date(1990, 1, 1), today)
    client.logout()
    library = client.get("/public/cases/").context["page"]
    assert library.total == len(everywhere)  # the public library: every published case once
    assert published[0].pk not in {h.case.id for h in library.hits}
