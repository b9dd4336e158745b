"""Assessment figures across surfaces: a unit's total on its live self-assessment page, in the stored scoring
run, on the ranking page, on its own assessment page once published, in the results circular (.docx, read
back with python-docx) and through the registered metric `assessment.score` agree — and the automatic item
agrees with the ledger metric it names (the same counting rule, not a second one). The circular's ranks,
totals, grade bands and band counts are those of the ranking page, row for row."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import docx
import time_machine
from django.urls import reverse

from pufa.assessment import selectors, services
from pufa.assessment.models import Score
from pufa.plans import metrics
from tests.factories import make_activity

ROW = re.compile(
    r'<tr data-testid="rank-row"><td data-label="名次">(\d+)</td><td data-label="单位"><a [^>]*>([^<]+)</a></td>'
    r'<td data-label="所在区划">([^<]*)</td><td data-label="总分" data-testid="rank-total">([\d.]+)</td>'
    r'<td data-label="等次" data-testid="rank-band">([^<]*)</td>'
)


def _page_rows(html: str) -> list[tuple[str, str, str, Decimal, str]]:
    return [(rank, unit, region, Decimal(total), band) for rank, unit, region, total, band in ROW.findall(html)]


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
    services.scheme_bands_set(
        actor=office_user,
        scheme=scheme,
        bands=[{"name": "优秀", "quota": 50, "min": 60}, {"name": "合格", "min": 30}, {"name": "不合格"}],
    )
    services.scheme_publish(actor=office_user, scheme=scheme)
    for month in (1, 2, 3):
        make_activity(world.committee_a, date=dt.date(year, month, 10))
    make_activity(world.committee_b, date=dt.date(year, 1, 10))
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
    services.scoring_run(actor=office_user, scheme=scheme, final=True)

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=scheme.appeal_days + 2)):
        services.scheme_release(actor=office_user, scheme=scheme)
        office = client_for(office_user)
        html = office.get(reverse("assessment:ranking", args=[scheme.pk])).content.decode()
        circular = office.get(reverse("reports:assessment-circular", args=[scheme.pk, "docx"]))
        mine = client_for(liaison).get(reverse("assessment:self", args=[scheme.pk, world.committee_a.pk]))
    rows = _page_rows(html)
    stored_rows = Score.objects.filter(scheme=scheme)
    assert len(rows) == stored_rows.count() >= 3  # both communities and the judicial office
    own = next(r for r in rows if r[1] == world.committee_a.name)
    assert own[3] == stored and own[4] == "优秀"  # 7 of 10 points, first of the two communities
    assert f'data-testid="result-total">{stored.normalize():f}<' in mine.content.decode()
    assert 'data-testid="result-band">优秀<' in mine.content.decode()

    document = docx.Document(io.BytesIO(b"".join(circular.streaming_content)))
    in_doc = [
        (cells[0], cells[1], cells[2], Decimal(cells[3]), cells[4])
        for table in document.tables
        for cells in ([c.text for c in r.cells] for r in table.rows[1:])
    ]
    assert sorted(in_doc) == sorted(rows)
    text = "".join(p.text for p in document.paragraphs)
    page_counts = re.findall(r'data-testid="band-counts">([^<]*)<', html)
    for group, counts in selectors.band_counts(actor=office_user, scheme=scheme).items():
        line = " · ".join(f"{name} {n}" for name, n in counts)
        assert line in page_counts
        assert "，".join(f"{name}{n}个" for name, n in counts) in text, group
    assert f"{world.committee_a.name}考核等次为“优秀”" in text

    by_metric = metrics.compute("assessment.score", unit_ids=[world.committee_a.pk], start=None, end=end)
    assert by_metric[world.committee_a.pk] == stored
