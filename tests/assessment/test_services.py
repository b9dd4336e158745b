"""Schemes from an imported table, automatic items that follow their records, the formalism refusal, the
self-assessment workflow and its deadline, scoping, verifiable draws with recusal, findings that adjust
scores, the scoring run with ranks by peer group, its event and metric."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from pufa.assessment import draws, selectors, services
from pufa.assessment.models import Draw, Item, Score, SelfAssessment
from pufa.assessment.parsing import parse_lines
from pufa.core import events
from pufa.core.models import AuditEntry
from pufa.ledger import services as ledger_services
from pufa.org.access import SYSTEM
from pufa.org.models import Membership, Unit
from pufa.plans import metrics as registry
from tests.factories import UnitFactory, make_activity, member_of

D = dt.date
TABLE = [
    "项目\t内容措施\t分值\t备注",
    "宣传活动扎实（10分）\t1.每年开展主题宣传活动不少于2场\t6\t见记录",
    "宣传活动扎实（10分）\t2.建立法律明白人队伍\t4\t见花名册",
    "扣分项\t3.发生重大涉法舆情未及时处置的\t5\t",
]


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False
    )


@pytest.fixture
def scheme(world, office_user):
    parsed = parse_lines(TABLE).as_dict()
    made = services.scheme_import(
        actor=office_user, region=world.street_a, name="普法工作考核", year=2026, parsed=parsed, source="评分表.docx"
    )
    activities = made.items.get(number="1")
    services.item_configure(
        actor=office_user,
        item=activities,
        kind=Item.Kind.AUTOMATIC,
        metric="ledger.activity_count",
        rule="threshold",
        params={"threshold": 2},
    )
    return made


def _item(scheme, number):
    return scheme.items.get(number=number)


def test_import_keeps_sections_points_remarks_and_kinds(scheme):
    assert [(s.name, s.points) for s in scheme.sections.all()] == [("宣传活动扎实", 10), ("扣分项", None)]
    kinds = {i.number: (i.kind, i.points, i.remark) for i in scheme.items.all()}
    assert kinds == {
        "1": ("automatic", Decimal(6), "见记录"),
        "2": ("manual", Decimal(4), "见花名册"),
        "3": ("deduction", Decimal(5), ""),
    }
    assert AuditEntry.objects.filter(code="assessment.scheme.import").count() == 1


def test_an_automatic_score_follows_the_records_behind_it(world, scheme):
    item = _item(scheme, "1")
    with at(D(2026, 6, 1)):
        line = next(x for x in selectors.unit_score(scheme, world.committee_a).lines if x.item == item)
        assert (line.value, line.points, line.source) == (0, Decimal(0), "auto")
        assert line.url.startswith("/ledger/")  # the records behind the figure
        make_activity(world.committee_a, date=D(2026, 3, 1))
        second = make_activity(world.committee_a, date=D(2026, 4, 1))
        line = next(x for x in selectors.unit_score(scheme, world.committee_a).lines if x.item == item)
        assert (line.value, line.points) == (2, Decimal(6))
        assert selectors.unit_score(scheme, world.committee_b).total == 0  # only its own records
        ledger_services.activity_transition(actor=SYSTEM, activity=second, name="delete")
        line = next(x for x in selectors.unit_score(scheme, world.committee_a).lines if x.item == item)
        assert (line.value, line.points) == (1, Decimal(0))


def test_the_editor_refuses_formalism_metrics(office_user, scheme):
    photo = registry.Metric("test.photo_count", "佐证照片张数", "张", lambda q: {})
    registry.register(photo)
    try:
        with pytest.raises(ValidationError, match="照片"):
            services.item_configure(
                actor=office_user,
                item=_item(scheme, "2"),
                kind=Item.Kind.AUTOMATIC,
                metric="test.photo_count",
                rule="threshold",
                params={"threshold": 1},
            )
    finally:
        registry.unregister("test.photo_count")
    assert _item(scheme, "2").kind == Item.Kind.MANUAL
    with pytest.raises(ValidationError, match="筛选条件"):
        services.item_configure(
            actor=office_user,
            item=_item(scheme, "2"),
            kind=Item.Kind.AUTOMATIC,
            metric="ledger.activity_count",
            filters={"title": "签到打卡"},
            rule="threshold",
            params={"threshold": 1},
        )


def test_a_bad_rule_and_an_unknown_metric_are_refused(office_user, scheme):
    with pytest.raises(ValidationError, match="不能相同"):
        services.item_configure(
            actor=office_user,
            item=_item(scheme, "2"),
            kind="automatic",
            metric="ledger.activity_count",
            rule="linear",
            params={"low": 1, "high": 1},
        )
    with pytest.raises(ValidationError, match="统计指标"):
        services.item_configure(
            actor=office_user,
            item=_item(scheme, "2"),
            kind="automatic",
            metric="nope",
            rule="threshold",
            params={"threshold": 1},
        )


def test_self_assessment_notes_submit_deadline_and_return(world, office_user, liaison, other_liaison, scheme):
    services.scheme_publish(actor=office_user, scheme=scheme)
    scheme.submit_by = D(2026, 11, 30)
    scheme.save()
    with at(D(2026, 6, 1)):
        mine = services.self_assessment_for(actor=liaison, scheme=scheme, unit=world.committee_a)
        with pytest.raises(PermissionDenied):
            services.self_assessment_for(actor=other_liaison, scheme=scheme, unit=world.committee_a)
        with pytest.raises(ValidationError, match="不能超过"):
            services.note_save(actor=liaison, assessment=mine, item=_item(scheme, "2"), note="8人", points="5")
        with pytest.raises(ValidationError, match="系统根据记录"):
            services.note_save(actor=liaison, assessment=mine, item=_item(scheme, "1"), note="x")
        with pytest.raises(ValidationError, match="本系统内"):
            services.note_save(
                actor=liaison, assessment=mine, item=_item(scheme, "2"), note="x", links=["https://evil.example/"]
            )
        services.note_save(
            actor=liaison, assessment=mine, item=_item(scheme, "2"), note="队伍8人", links=["/people/"], points="4"
        )
        assert selectors.unit_score(scheme, world.committee_a).total == Decimal(4)
        services.self_transition(actor=liaison, assessment=mine, name="submit")
        assert mine.status == SelfAssessment.Status.SUBMITTED and mine.snapshot["total"] == "4.00"
        with pytest.raises(ValidationError, match="已提交"):
            services.note_save(actor=liaison, assessment=mine, item=_item(scheme, "2"), note="y")
        with pytest.raises(PermissionDenied):
            services.self_transition(actor=liaison, assessment=mine, name="return", note="补充")
        services.self_transition(actor=office_user, assessment=mine, name="return", note="请补充说明")
    with at(D(2026, 12, 2)), pytest.raises(ValidationError, match="截止日期"):
        services.self_transition(actor=liaison, assessment=mine, name="submit")
    codes = list(AuditEntry.objects.filter(code__startswith="assessment.self").values_list("code", flat=True))
    assert {
        "assessment.self.create",
        "assessment.self.note",
        "assessment.self.submit",
        "assessment.self.return",
    } <= set(codes)


def _district_world(world):
    """A district scheme: two street offices, four communities, two departments; inspectors in each street."""
    district_office = UnitFactory(name="测试区法治办", kind=Unit.Kind.OFFICE, region=world.district, code="qu-fzb")
    office = member_of(district_office, Membership.Role.OFFICE, username="qu_office")
    depts = [
        UnitFactory(name=f"区部门{i}", kind=Unit.Kind.DEPARTMENT, region=world.district, code=f"qu-bm{i}")
        for i in range(2)
    ]
    inspectors = {
        "insp_a": member_of(world.office_unit, Membership.Role.INSPECTOR, username="insp_a"),
        "insp_b": member_of(world.other_office_unit, Membership.Role.INSPECTOR, username="insp_b"),
        "insp_d": member_of(depts[0], Membership.Role.INSPECTOR, username="insp_d"),
    }
    return office, depts, inspectors


def test_a_draw_is_recorded_verifiable_and_respects_recusal(world):
    office, _depts, _inspectors = _district_world(world)
    scheme = services.scheme_import(
        actor=office, region=world.district, name="区考核", year=2026, parsed=parse_lines(TABLE).as_dict()
    )
    with pytest.raises(ValidationError, match="已发布"):
        services.draw_create(actor=office, scheme=scheme, seed="123", share="0.5")
    services.scheme_publish(actor=office, scheme=scheme)
    with pytest.raises(ValidationError, match="随机种子"):
        services.draw_create(actor=office, scheme=scheme, seed="  ", share="0.5")
    with pytest.raises(ValidationError, match="抽取比例"):
        services.draw_create(actor=office, scheme=scheme, seed="1", share="1.5")
    draw = services.draw_create(actor=office, scheme=scheme, seed="20261201-3412.56", share="1", per_unit=1)
    assert services.draw_verified(draw)
    assert draws.rerun(draw.inputs, draw.seed) == draw.result
    groups = {g: sorted(codes) for g, codes in draw.result["units"].items()}
    assert groups == {
        "community": ["tuohe-taoyuan", "tuohe-tuohe"],
        "department": ["qu-bm0", "qu-bm1", "tuohe-sfs"],
        "street": ["sanba-fzb", "tuohe-fzb"],
    }
    assignments = draw.result["assignments"]
    assert "insp_a" not in assignments["tuohe-tuohe"] + assignments["tuohe-fzb"] + assignments["tuohe-sfs"]
    assert "insp_b" not in assignments["sanba-fzb"]
    assert "insp_d" not in assignments["qu-bm0"]  # own unit; the district is not "own region"
    assert assignments["qu-bm1"]  # a district department can be checked by any of them
    # A tampered record no longer verifies.
    draw.result["units"]["street"] = ["tuohe-fzb"]
    assert not services.draw_verified(draw)
    assert AuditEntry.objects.filter(code="assessment.draw.create").exists()


def test_findings_adjust_scores_and_the_run_ranks_by_peer_group(world, liaison):
    office, _, inspectors = _district_world(world)
    scheme = services.scheme_import(
        actor=office, region=world.district, name="区考核", year=2026, parsed=parse_lines(TABLE).as_dict()
    )
    manual = _item(scheme, "2")
    services.scheme_publish(actor=office, scheme=scheme)
    with at(D(2026, 6, 1)):
        mine = services.self_assessment_for(actor=liaison, scheme=scheme, unit=world.committee_a)
        services.note_save(actor=liaison, assessment=mine, item=manual, note="8人", points="4")
        services.scoring_run(actor=office, scheme=scheme)
        before = {s.unit.code: (s.total, s.rank, s.group) for s in Score.objects.filter(scheme=scheme)}
        assert before["tuohe-tuohe"] == (Decimal(4), 1, "community")
        assert before["tuohe-taoyuan"] == (Decimal(0), 2, "community")
        draw = services.draw_create(actor=office, scheme=scheme, seed="s", share="1", per_unit=1)
        assigned = draw.result["assignments"]["tuohe-tuohe"][0]
        inspector = inspectors[assigned]
        outsider = next(u for n, u in inspectors.items() if n != assigned)
        with pytest.raises((ValidationError, PermissionDenied)):
            services.finding_record(
                actor=outsider, draw=draw, unit=world.committee_a, item=manual, points="1", note="x"
            )
        with pytest.raises(ValidationError, match="不能超过"):
            services.finding_record(
                actor=inspector, draw=draw, unit=world.committee_a, item=manual, points="9", note="x"
            )
        services.finding_record(
            actor=inspector, draw=draw, unit=world.committee_a, item=manual, points="1", note="名册仅3人"
        )
        services.scoring_run(actor=office, scheme=scheme)
        after = Score.objects.get(scheme=scheme, unit=world.committee_a)
        assert (after.total, after.checked) == (Decimal(1), True)
        # Not yet published: the metric dashboards and units read has no value for it.
        value = registry.compute("assessment.score", unit_ids=[world.committee_a.pk], start=None, end=D(2026, 6, 1))
        assert value == {world.committee_a.pk: 0}
        services.scoring_run(actor=office, scheme=scheme, final=True)
    with at(D(2026, 6, 20)):
        heard = []
        with events.listening(events.RecordsChanged, heard.append):
            services.scheme_release(actor=office, scheme=scheme)
        assert heard and heard[0].metrics == frozenset({"assessment.score"})
        assert world.committee_a.pk in heard[0].unit_ids
        value = registry.compute("assessment.score", unit_ids=[world.committee_a.pk], start=None, end=D(2026, 6, 1))
        assert value == {world.committee_a.pk: Decimal(1)}


def test_scoping_a_unit_sees_its_own_rank_an_office_its_region(world, liaison, office_user, scheme):
    services.scheme_publish(actor=office_user, scheme=scheme)
    with at(D(2026, 6, 1)):
        services.scoring_run(actor=office_user, scheme=scheme)
        services.scoring_run(actor=office_user, scheme=scheme, final=True)
    assert selectors.ranking(actor=liaison, scheme=scheme) == {}  # not published yet: the office's only
    assert selectors.unit_result(actor=liaison, scheme=scheme, unit=world.committee_a) is None
    with at(D(2026, 6, 9)):
        services.scheme_release(actor=office_user, scheme=scheme)
    mine = selectors.ranking(actor=liaison, scheme=scheme)
    assert [r.unit for _, rows in mine.values() for r in rows] == ["沱河社区居委会"]
    ranked = selectors.ranking(actor=office_user, scheme=scheme)
    office_rows = [r.unit for _, rows in ranked.values() for r in rows]
    assert ranked["community"][0] == 2
    one = selectors.ranking(actor=office_user, scheme=scheme, group="community", offset=1, limit=1)
    assert [r.unit for r in one["community"][1]] == [ranked["community"][1][1].unit]
    assert "桃园社区居委会" in office_rows and "沱河街道司法所" in office_rows
    with pytest.raises(PermissionDenied):
        services.scoring_run(actor=liaison, scheme=scheme)


def test_a_draw_is_refused_once_the_scheme_is_finally_scored(world, office_user, scheme):
    services.scheme_publish(actor=office_user, scheme=scheme)
    services.scoring_run(actor=office_user, scheme=scheme, final=True)
    with pytest.raises(ValidationError):
        services.draw_create(actor=office_user, scheme=scheme, seed="late", share="0.5")
    assert not Draw.objects.exists()


def test_appeals_window_decision_and_effect_on_the_score(world, office_user, liaison, scheme):
    manual = _item(scheme, "2")
    services.scheme_publish(actor=office_user, scheme=scheme)
    with at(D(2026, 12, 1)):
        with pytest.raises(ValidationError, match="申诉期"):  # no scoring run yet
            services.appeal_file(actor=liaison, scheme=scheme, unit=world.committee_a, item=manual, reason="x")
        services.scoring_run(actor=office_user, scheme=scheme)
        scheme.refresh_from_db()
        assert services.appeal_open_until(scheme) == D(2026, 12, 8)
        with pytest.raises(ValidationError, match="申诉理由"):
            services.appeal_file(actor=liaison, scheme=scheme, unit=world.committee_a, item=manual, reason=" ")
        appeal = services.appeal_file(
            actor=liaison, scheme=scheme, unit=world.committee_a, item=manual, reason="花名册8人，系统未计入"
        )
        with pytest.raises(PermissionDenied):
            services.appeal_decide(actor=liaison, appeal=appeal, upheld=True, decision="x", points="4")
        with pytest.raises(ValidationError, match="申诉未处理"):
            services.scoring_run(actor=office_user, scheme=scheme, final=True)
        decided = services.appeal_decide(
            actor=office_user, appeal=appeal, upheld=True, decision="经核实名册8人", points="3"
        )
        assert decided.status == "upheld" and decided.decided_by == office_user
        with pytest.raises(ValidationError, match="已处理"):
            services.appeal_decide(actor=office_user, appeal=appeal, upheld=False, decision="again")
        services.scoring_run(actor=office_user, scheme=scheme, final=True)
        assert Score.objects.get(scheme=scheme, unit=world.committee_a).total == Decimal(3)
    with at(D(2026, 12, 20)), pytest.raises(ValidationError, match="申诉期"):
        services.appeal_file(actor=liaison, scheme=scheme, unit=world.committee_a, item=manual, reason="late")
    assert AuditEntry.objects.filter(code__startswith="assessment.appeal").count() == 2


def test_the_demo_scheme_scores_from_records_and_is_idempotent(world, office_user):
    from pufa.assessment.demo import demo_scheme

    scheme = demo_scheme(actor=SYSTEM, region=world.street_a, year=2026)
    assert demo_scheme(actor=SYSTEM, region=world.street_a, year=2026) == scheme
    kinds = dict(scheme.items.values_list("number", "kind"))
    assert kinds == {"1": "manual", "2": "manual", "3": "automatic", "4": "automatic", "5": "manual"}
    assert sum(i.points for i in scheme.items.all()) == 40
    with at(D(2026, 6, 1)):
        for day in (1, 2):
            make_activity(world.committee_a, date=D(2026, 3, day))
        line = next(x for x in selectors.unit_score(scheme, world.committee_a).lines if x.item.number == "3")
        assert (line.value, line.points) == (2, Decimal(5))  # linear 0..4 → half of 10
