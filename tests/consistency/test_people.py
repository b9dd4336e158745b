"""Roster figures across surfaces, on the demo district: the registered metric, the roster list each figure
links to, the adjustment page and its 待办 line, the demo spot check (reproducible from its seed) and the
portal's 公示 agree with a plain count of the rows."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from pufa.core.home import inbox
from pufa.org.models import Region, Unit, User
from pufa.people import spotchecks
from pufa.people.metrics import ROSTER
from pufa.people.models import SpotCheck, TeamMembership
from pufa.plans import metrics
from pufa.plans.metrics import MetricQuery


def test_demo_roster_figures_agree_everywhere(client, client_for, db):
    call_command("seed_demo", "--quiet-logins")
    today = timezone.localdate()
    street = Region.objects.get(name="沱河街道", level=Region.Level.STREET)
    office = User.objects.get(username="tuohe_fzb")
    committees = list(Unit.objects.filter(region__path__startswith=street.path, kind="community_committee"))
    values = metrics.compute(
        ROSTER, unit_ids=[u.pk for u in committees], start=None, end=today, filters={"kind": ["flmbr"]}
    )
    c = client_for(office)
    checked = 0
    for unit in committees:
        plain = len(
            {
                m.person_id
                for m in TeamMembership.objects.filter(
                    kind__code="flmbr", person__unit=unit, person__deleted_at__isnull=True
                )
                if m.active_on(today)
            }
        )
        url = metrics.get(ROSTER).records_url(unit.pk, MetricQuery((unit.pk,), None, today, {"kind": ["flmbr"]}))
        listed = c.get(url).context["page"].paginator.count
        assert values[unit.pk] == plain == listed, unit.name
        checked += plain
    assert checked > 20
    assert any(v < 6 for v in values.values())  # some communities lag the "≥ 6" target
    (line,) = [t for t in inbox(office).todos if "动态调整" in t.label]
    assert line.count > 0 and c.get(line.url).context["page"].paginator.count == line.count
    check = SpotCheck.objects.get()
    assert spotchecks.verify(check) and check.items.exclude(outcome="").count() == 4
    public = client.get("/public/people/").context["page"].paginator.count
    plain_public = TeamMembership.objects.filter(
        TeamMembership.active_q(today),
        kind__public=True,
        kind__is_active=True,
        person__moved_away=False,
        person__deleted_at__isnull=True,
    ).count()
    assert public == plain_public > 0
