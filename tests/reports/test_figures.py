"""Every figure of a report equals a direct count of the records behind it, and links to exactly those records."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.db.models import Q, Sum
from django.http import QueryDict

from pufa.ledger import services as ledger_services
from pufa.ledger.forms import parse_filters
from pufa.ledger.models import Activity
from pufa.ledger.selectors import activity_list
from pufa.org.access import SYSTEM
from pufa.progress.models import ProgressStatus
from pufa.reports.figures import compute, summary_sentence
from tests.factories import make_activity

H1 = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def direct(unit=None, region=None, start=H1[0], end=H1[1], **filters):
    """The counted activities, straight from the Activity table (not through the ledger's participation copies)."""
    acts = Activity.objects.filter(status__in=["submitted", "confirmed"], date__gte=start, date__lte=end)
    if unit is not None:
        acts = acts.filter(Q(unit=unit) | Q(participants__unit=unit))
    if region is not None:
        acts = acts.filter(
            Q(unit__region__path__startswith=region.path) | Q(participants__unit__region__path__startswith=region.path)
        )
    return Activity.objects.filter(pk__in=acts.filter(**filters).values("pk"))


def people(acts) -> int:
    totals = acts.aggregate(a=Sum("people_onsite"), b=Sum("people_online"))
    return (totals["a"] or 0) + (totals["b"] or 0)


def test_unit_figures_equal_direct_counts(world, ledger):
    data = compute(unit=world.committee_a, period="h1", year=2026)
    acts = direct(unit=world.committee_a)
    assert data.value("activities") == acts.count() == 5
    assert data.value("people") == people(acts) == 615
    assert data.value("people_onsite") == acts.aggregate(n=Sum("people_onsite"))["n"]
    assert data.value("people_online") == acts.aggregate(n=Sum("people_online"))["n"]
    assert data.value("materials") == acts.aggregate(n=Sum("materials"))["n"] == 890
    assert data.value("trainings") == acts.filter(kind__code="px").count() == 1
    assert data.value("training_people") == people(acts.filter(kind__code="px")) == 45
    assert data.value("cases") == acts.filter(kind__code="yasf").count() == 1
    assert data.value("exams") == acts.filter(kind__code="xfks").count() == 1
    assert data.value("exam_people") == people(acts.filter(kind__code="xfks"))
    assert data.value("highlights") == acts.filter(is_highlight=True).count() == 2
    for figure in data.group("活动形式"):
        assert figure.value == acts.filter(kind__code=figure.key.split(".", 1)[1]).count(), figure
    for figure in data.group("普法领域"):
        assert figure.value == acts.filter(domains__code=figure.key.split(".", 1)[1]).distinct().count(), figure
    for figure in data.group("普法对象"):
        assert figure.value == acts.filter(audiences__code=figure.key.split(".", 1)[1]).distinct().count(), figure
    assert {f.label for f in data.group("活动形式")} == {"专题讲座/法治课", "集中宣传", "培训", "以案释法", "学法考试"}


def test_what_does_not_count(world, ledger):
    """Drafts, returned records, records outside the period and deleted records are not counted."""
    titles = set(direct(unit=world.committee_a).values_list("title", flat=True))
    assert "法治文艺演出" not in titles  # a draft (and in August)
    assert "被退回的记录" not in titles
    assert "下半年的宣讲" not in titles
    before = compute(unit=world.committee_a, period="h1", year=2026).value("activities")
    ledger_services.activity_delete(actor=SYSTEM, activity=ledger.activities[2], reason="重复登记")
    after = compute(unit=world.committee_a, period="h1", year=2026)
    assert after.value("activities") == before - 1 == direct(unit=world.committee_a).count()
    assert after.value("trainings") == 0


def test_co_organised_activity_counts_for_each_unit_and_once_in_the_region(world, ledger):
    b = compute(unit=world.committee_b, period="h1", year=2026)
    assert b.value("activities") == 1 and b.value("cases") == 1  # organised by B, co-organised by A
    region = compute(region=world.street_a, period="h1", year=2026)
    acts = direct(region=world.street_a)
    assert region.value("activities") == acts.count() == 5  # the joint activity once, not twice
    assert region.value("people") == people(acts)
    assert region.value("materials") == acts.aggregate(n=Sum("materials"))["n"]
    other = compute(region=world.street_b, period="h1", year=2026)
    assert other.value("activities") == 0


def test_year_figures_include_the_second_half(world, ledger):
    data = compute(unit=world.committee_a, period="year", year=2026)
    acts = direct(unit=world.committee_a, start=YEAR[0], end=YEAR[1])
    assert data.value("activities") == acts.count() == 6  # + 下半年的宣讲 (the August draft still does not count)


@pytest.mark.parametrize("scope", ["unit", "region"])
def test_links_list_exactly_the_counted_records(world, ledger, office_user, scope):
    """Each link, fed to the ledger list's own filter parsing, lists the records the figure counts."""
    if scope == "unit":
        data = compute(unit=world.committee_a, period="h1", year=2026)
    else:
        data = compute(region=world.community_a, period="h1", year=2026)
        assert "region=" in data.get("activities").url
    checked = 0
    for figure in data.figures:
        if not figure.url:
            continue
        parts = urlsplit(figure.url)
        if figure.key.startswith("roster.people."):  # roster figures link to the people behind them
            from pufa.people.selectors import parse_filters as roster_filters
            from pufa.people.selectors import person_list

            assert parts.path == "/people/"
            roster = person_list(actor=office_user, filters=roster_filters(QueryDict(parts.query)))
            assert roster.count() == figure.value
            continue
        if figure.key.startswith("roster.venues."):  # venue figures link to the venues behind them
            from pufa.org.models import Unit
            from pufa.venues.selectors import venue_list

            assert parts.path == "/venues/list/"
            query = QueryDict(parts.query)
            venues = venue_list(
                actor=office_user,
                unit=Unit.objects.get(pk=query["unit"]),
                as_of=dt.date.fromisoformat(query["as_of"]),
                boards=query.get("boards") == "1",
            )
            if figure.key == "roster.venues.count":
                assert venues.count() == figure.value
            continue
        assert parts.path == "/ledger/"
        listed = activity_list(actor=office_user, filters=parse_filters(QueryDict(parts.query), office_user))
        if figure.key in {"activities", "highlights", "trainings", "cases", "exams"} or "." in figure.key:
            assert listed.count() == figure.value, figure
        elif figure.key == "people":
            assert people(listed) == figure.value
        elif figure.key == "materials":
            assert listed.aggregate(n=Sum("materials"))["n"] == figure.value
        checked += 1
    assert checked >= 15


def test_tasks_and_targets_are_progress_statuses(world, ledger):
    """A report reads progress's one status per (task, unit) — the row the unit page and dashboard read —
    and describes each target by the stored checks of the periods within the report."""
    h1 = compute(unit=world.committee_a, period="h1", year=2026)
    rows = {t.title: t for t in h1.tasks}
    lectures = rows["每季度开展一堂法治课"]
    assert lectures.status == "lagging" and lectures.status_label == "滞后"  # a lecture in Q1, none in Q2
    assert lectures.done == ["2个季度中1个季度达标"] and lectures.targets == ["每季度法治课不少于1堂"]
    assert "participant=" in lectures.url and f"task={ledger.lectures.pk}" in lectures.url
    culture = rows["组织开展法治文化活动"]
    # A yearly target of 2 with nothing by 10 July is behind its pace: lagging, as progress says today.
    assert culture.status == "lagging"
    for row in h1.tasks:
        stored = ProgressStatus.objects.get(task_id=row.task_id, unit=world.committee_a, target__isnull=True)
        assert row.status == stored.status, row.title
    assert h1.value("tasks") == 2 and h1.value("tasks.lagging") == 2 and h1.value("tasks.not_started") == 0
    assert [i.text for i in h1.issues] == [
        "“每季度开展一堂法治课”滞后，2个季度中1个季度达标",
        "“组织开展法治文化活动”滞后，尚未开展（目标2场）",
    ]


def test_yearly_target_in_a_half_year_report_shows_its_value_so_far(world, ledger):
    """A period reaching past the report (a yearly target in a half-year report) shows its stored value so
    far and the task's one status — the figures the unit page shows, not a second judgement."""
    make_activity(world.committee_a, title="七一法治文化活动", kind="whhd", date=dt.date(2026, 7, 1))
    make_activity(world.committee_a, title="法治文化广场活动", kind="whhd", date=dt.date(2026, 7, 2))
    h1 = {t.title: t for t in compute(unit=world.committee_a, period="h1", year=2026).tasks}
    year = {t.title: t for t in compute(unit=world.committee_a, period="year", year=2026).tasks}
    assert h1["组织开展法治文化活动"].done == year["组织开展法治文化活动"].done == ["已完成2场，达到目标"]
    assert h1["组织开展法治文化活动"].status == year["组织开展法治文化活动"].status == "done"


def test_region_tasks_count_units_by_status(world, ledger):
    data = compute(region=world.street_a, period="h1", year=2026)
    lectures = next(t for t in data.tasks if t.title == "每季度开展一堂法治课")
    assert lectures.units == {"lagging": 2} and lectures.done == ["2个单位均滞后"]
    assert lectures.lagging_units == ["桃园社区居委会", "沱河社区居委会"]
    assert any("尚未登记普法活动" in i.text and "沱河街道司法所" in i.text for i in data.issues)
    assert "沱河街道司法所" in data.silent_units and "沱河社区居委会" not in data.silent_units


def test_summary_sentence_weaves_the_figures_into_prose(world, ledger):
    data = compute(unit=world.committee_a, period="h1", year=2026)
    sentence = summary_sentence(data, "2026年上半年")
    assert sentence.startswith("2026年上半年，共开展普法活动5场次，参与群众615人次（现场415人次、线上200人次）")
    assert "发放宣传资料890份" in sentence and "举办培训班1期、培训45人次" in sentence
    assert "承担普法任务2项，其中滞后2项。" in sentence  # only the statuses that are not zero
    assert "0项" not in sentence


def test_summary_sentence_uses_each_kinds_measure_word_and_says_when_nothing_was_recorded(world, ledger):
    make_activity(world.committee_a, title="更新宣传栏", kind="xcl", date=dt.date(2026, 3, 1))
    sentence = summary_sentence(compute(unit=world.committee_a, period="h1", year=2026), "2026年上半年")
    assert "更新宣传栏1期" in sentence and "宣传栏更新1场次" not in sentence
    empty = summary_sentence(compute(unit=world.judicial_office, period="h1", year=2026), "2026年上半年")
    assert empty.startswith("2026年上半年，普法工作台账中没有登记普法活动。") and "0场次" not in empty


def test_data_round_trips_through_json(world, ledger):
    import json

    from pufa.reports.figures import ReportData

    data = compute(unit=world.committee_a, period="h1", year=2026)
    again = ReportData.from_dict(json.loads(json.dumps(data.to_dict())))
    assert again == data


def test_generated_files_carry_the_direct_counts(world, ledger):
    """The .xlsx and .docx a unit gets: every figure row equals a count made straight from the records."""
    import io

    import docx
    import openpyxl

    from pufa.reports import selectors
    from pufa.reports.documents import render

    acts = direct(unit=world.committee_a)
    kinds = acts.values_list("kind__code", flat=True)
    expected = {
        "开展普法活动": acts.count(),
        "参与群众": people(acts),
        "其中现场参与": acts.aggregate(n=Sum("people_onsite"))["n"],
        "其中线上参与": acts.aggregate(n=Sum("people_online"))["n"],
        "发放宣传资料": acts.aggregate(n=Sum("materials"))["n"],
        "举办培训班": list(kinds).count("px"),
        "参加培训": people(acts.filter(kind__code="px")),
        "开展以案释法": list(kinds).count("yasf"),
        "组织学法考试": list(kinds).count("xfks"),
        "参加学法考试": people(acts.filter(kind__code="xfks")),
        "选为典型做法的活动": acts.filter(is_highlight=True).count(),
    }
    # Roster figures (队伍人数 …) come from whatever cumulative metrics the apps register, valued at the end.
    from pufa.plans import metrics

    for metric in metrics.all_metrics():
        if metric.cumulative:
            values = metrics.compute(metric.code, unit_ids=[world.committee_a.pk], start=None, end=dt.date(2026, 6, 30))
            expected[metric.label] = int(sum(values.values()))
    expected = {label: value for label, value in expected.items() if value}  # zero rows are left out
    document = selectors.generated_document(unit=world.committee_a, period="h1", year=2026)
    wb = openpyxl.load_workbook(io.BytesIO(render(document, "xlsx")))
    rows = {r[0]: r[1] for r in wb["基本情况"].iter_rows(min_row=3, values_only=True)}
    assert rows == expected
    by_kind = {r[0]: r[1] for r in wb["活动形式"].iter_rows(min_row=3, values_only=True)}
    assert by_kind == {name: acts.filter(kind__name=name).count() for name in by_kind} and sum(by_kind.values()) == 5
    table = docx.Document(io.BytesIO(render(document, "docx"))).tables[0]
    assert {row.cells[0].text: int(row.cells[1].text) for row in table.rows[1:]} == expected


def test_a_region_report_never_sums_a_metric_that_is_not_additive(world, office_user):
    """A maximum (the longest a board waited for an update) added over units is a number that means nothing."""
    from pufa.plans import metrics

    metrics.register(
        metrics.Metric(
            "test.longest_wait",
            "最长等待月数",
            "个月",
            lambda q: dict.fromkeys(q.unit_ids, 5),
            cumulative=True,
            additive=False,
        )
    )
    try:
        street = compute(region=world.street_a, period="h1", year=2026)
        unit = compute(unit=world.committee_a, period="h1", year=2026)
    finally:
        metrics.unregister("test.longest_wait")
    assert street.get("roster.test.longest_wait") is None
    assert unit.value("roster.test.longest_wait") == 5


def test_a_units_report_leaves_out_figures_about_the_unit_itself(world, ledger):
    """The assessment score is a figure about the unit, not its work: the report is the 述职 it reads."""
    data = compute(unit=world.committee_a, period="h1", year=2026)
    keys = {figure.key for figure in data.figures}
    assert "roster.assessment.score" not in keys
    assert "roster.people.roster_count" in keys  # other "as of" figures stay
