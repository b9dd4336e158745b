"""Assessment figures across surfaces: a unit's total on its live self-assessment page, in the stored scoring
run, on the ranking page and through the registered metric `assessment.score` agree — and the automatic item
agrees with the ledger metric it names (the same counting rule, not a second one)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse

from pufa.assessment import selectors, services
from pufa.assessment.models import Score
from pufa.plans import metrics
from tests.factories import make_activity


def test_one_total_everywhere(world, office_user, liaison, client_for):
    parsed = {
        "sections": [{"name": "宣传", "points": 10}],
        "items": [
            {"section": "宣传", "number": "1", "text": "开展活动", "points": 6, "remark": ""},
            {"section": "宣传", "number": "2", "text": "队伍", "points": 4, "remark": ""},
        ],
    }
    year = dt.date.today().year
    scheme = services.scheme_import(actor=office_user, region=world.street_a, name="考核", year=year, parsed=parsed)
    services.item_configure(
        actor=office_user,
        item=scheme.items.get(number="1"),
        kind="automatic",
        metric="ledger.activity_count",
        rule="linear",
        params={"low": 0, "high": 4},
    )
    services.scheme_publish(actor=office_user, scheme=scheme)
    for month in (1, 2, 3):
        make_activity(world.committee_a, date=dt.date(year, month, 10))
    record = services.self_assessment_for(actor=liaison, scheme=scheme, unit=world.committee_a)
    services.note_save(actor=liaison, assessment=record, item=scheme.items.get(number="2"), note="8人", points="2.5")
    start, end = selectors.period(scheme)
    counted = metrics.compute("ledger.activity_count", unit_ids=[world.committee_a.pk], start=start, end=end)
    line = selectors.unit_score(scheme, world.committee_a).lines[0]
    assert line.value == counted[world.committee_a.pk] == 3
    services.scoring_run(actor=office_user, scheme=scheme)
    stored = Score.objects.get(scheme=scheme, unit=world.committee_a).total
    assert stored == Decimal("4.5") + Decimal("2.5")
    page = client_for(liaison).get(reverse("assessment:self", args=[scheme.pk, world.committee_a.pk])).content.decode()
    assert Decimal(re.search(r'data-testid="self-total">([\d.]+)<', page).group(1)) == stored
    ranking = client_for(office_user).get(reverse("assessment:ranking", args=[scheme.pk])).content.decode()
    assert f'data-testid="rank-total">{stored.normalize():f}<' in ranking
    by_metric = metrics.compute("assessment.score", unit_ids=[world.committee_a.pk], start=None, end=end)
    assert by_metric[world.committee_a.pk] == stored
