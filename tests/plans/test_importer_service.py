"""From a seed document to saved tasks: reading uploads, the proposal (unit resolution against the demo
district, collective phrases, section numbers, targets), and plan_import_save as one transaction."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from pufa.core.models import AuditEntry, Domain
from pufa.org.access import SYSTEM
from pufa.org.demo import seed_org
from pufa.org.models import Unit
from pufa.org.services import unit_delete
from pufa.plans import importers, selectors, services
from pufa.plans.models import Plan, Target, Task, TaskUnit
from pufa.plans.parsing import PlanReadError

SEEDS = Path(__file__).resolve().parents[2] / "src" / "pufa" / "plans" / "fixtures"
SEED_000 = SEEDS / "seed_000_tuohe_action_plan.txt"
SEED_003 = SEEDS / "seed_003_luozhuang_annual_plan.txt"
SEED_004 = SEEDS / "seed_004_shapotou_opinion.txt"
Role = TaskUnit.Role
COMMUNITIES = {"tuohe-tuohe", "tuohe-taoyuan", "tuohe-yinhe", "tuohe-bianhe", "tuohe-huaihe", "tuohe-longhe"}
# 街道各部门: the street's departments, judicial office and police station (seed_org's STREET_UNITS_FULL).
DEPARTMENTS = {
    f"tuohe-{s}"
    for s in ["xcb", "sfs", "pcs", "xfb", "sjs", "hbb", "fl", "sbs", "yjb", "mzs", "wjb", "tds", "dzb", "tw", "gh"]
}


def _propose(path: Path, code: str, **kw):
    unit = Unit.objects.select_related("region").get(code=code)
    lines = importers.read_upload(path.read_bytes(), path.name)
    proposal = importers.propose(
        lines=lines,
        source_name=path.name,
        issuing_unit=unit,
        units=selectors.assignable_units(actor=SYSTEM, region=unit.region),
        domains=selectors.domain_choices(),
        audiences=selectors.audience_choices(),
        **kw,
    )
    return unit, proposal


def _codes(task: Task, role: str) -> set[str]:
    return set(task.task_units.filter(role=role).values_list("unit__code", flat=True))


@pytest.fixture
def demo(db):
    seed_org()


def test_seed_000_saved_into_demo_district(demo, no_ledger_metric):
    # 团委 is removed from the district first: its name must come back unresolved, not vanish.
    unit_delete(actor=SYSTEM, unit=Unit.objects.get(code="tuohe-tw"))
    unit, proposal = _propose(SEED_000, "tuohe-fzb")
    result = services.plan_import_save(actor=SYSTEM, issuing_unit=unit, proposal=importers.accept(proposal))
    plan = result.plan
    tasks = list(plan.tasks.order_by("order"))
    assert plan.title == "沱河街道“法润社区”行动实施方案" and plan.kind == Plan.Kind.ACTION
    assert (plan.period_start, plan.period_end) == (dt.date(2022, 1, 1), dt.date(2025, 12, 31))
    assert len(tasks) == result.tasks == 14
    assert [t.section for t in tasks[:4]] == ["二、（一）1", "二、（一）2", "二、（一）3", "二、（二）1"]
    assert tasks[0].path == ["二、工作措施", "（一）明确社区普法重点内容"]

    first = tasks[0]  # 牵头部门：法治办、宣传办、司法所 / 参加部门：各社区、街道各部门
    assert _codes(first, Role.LEAD) == {"tuohe-fzb", "tuohe-xcb", "tuohe-sfs"}
    participants = _codes(first, Role.PARTICIPANT)
    assert participants >= COMMUNITIES  # 各社区 expanded to the six community committees
    assert participants - COMMUNITIES == DEPARTMENTS - {"tuohe-xcb", "tuohe-sfs", "tuohe-tw"}  # minus the leads
    written = dict(first.task_units.filter(unit__code="tuohe-yinhe").values_list("role", "written_name"))
    assert written == {Role.PARTICIPANT: "各社区"}
    assert first.task_units.get(role=Role.LEAD, unit__code="tuohe-fzb").written_name == "法治办"

    third = tasks[2]  # 参加部门：派出所、信访办、市监所、环保办、妇联、社保所、应急办、民政所、卫计办
    assert _codes(third, Role.PARTICIPANT) == {
        "tuohe-pcs",
        "tuohe-xfb",
        "tuohe-sjs",
        "tuohe-hbb",
        "tuohe-fl",
        "tuohe-sbs",
        "tuohe-yjb",
        "tuohe-mzs",
        "tuohe-wjb",
    }
    assert third.task_units.get(unit__code="tuohe-sjs").written_name == "市监所"  # alias of 市场监督管理所

    assert _codes(tasks[7], Role.RESPONSIBLE) == {"tuohe-pcs", "tuohe-sfs"}  # 二、（三）2 责任部门：派出所、司法所
    last = tasks[13]  # 责任部门：法治办、司法所、妇联、团委、工会
    assert _codes(last, Role.RESPONSIBLE) == {"tuohe-fzb", "tuohe-sfs", "tuohe-fl", "tuohe-gh"}
    assert last.unresolved_units == [{"name": "团委", "role": "responsible"}]
    assert result.unresolved == 1
    assert last.deadline_kind == Task.DeadlineKind.DATE and last.deadline == dt.date(2025, 12, 31)
    culture = tasks[10]  # 二、（三）5 每个社区每年组织开展1次以上基层法治文化活动
    assert culture.deadline_kind == Task.DeadlineKind.RECURRING and culture.recurrence == Task.Recurrence.YEARLY

    # no metric is registered yet: the four targets are left out, with the warning, never invented
    assert not Target.objects.exists() and result.targets == 0
    assert result.warnings == ["未注册可用指标，量化指标未保存"]

    entries = AuditEntry.objects.filter(scope_path=unit.region.path, code__startswith="plans.")
    assert sorted(entries.values_list("code", flat=True)) == ["plans.plan.create", "plans.plan.import"]
    assert "导入任务14项" in entries.get(code="plans.plan.import").message


def test_targets_saved_with_registered_metric(demo, ledger_metric):
    unit, proposal = _propose(SEED_000, "tuohe-fzb")
    result = services.plan_import_save(actor=SYSTEM, issuing_unit=unit, proposal=importers.accept(proposal))
    assert result.targets == 4 and result.warnings == []
    culture = Target.objects.get(text="每个社区每年组织开展1次以上基层法治文化活动")
    assert culture.metric == "ledger.activity_count" and culture.threshold == Decimal("1.00")
    assert culture.period == Target.Period.YEAR and culture.measure == "次"
    assert (culture.scope, culture.scope_kind) == (Target.Scope.EACH_OF_KIND, Unit.Kind.COMMUNITY_COMMITTEE)
    roster = Target.objects.get(text__startswith="2022 年底各社区")
    assert (roster.period, roster.due, roster.threshold) == (Target.Period.BY_DATE, dt.date(2022, 12, 31), 4)


def test_import_is_one_transaction(demo, no_ledger_metric):
    unit, proposal = _propose(SEED_000, "tuohe-fzb")
    draft = importers.accept(proposal)
    outsider = Unit.objects.get(code="sanba-sfs")  # another street's judicial office
    draft.tasks[5].units.append((Role.LEAD, outsider, "三八街道司法所"))
    with pytest.raises(ValidationError) as exc:
        services.plan_import_save(actor=SYSTEM, issuing_unit=unit, proposal=draft)
    assert "第6项任务：“三八街道司法所”不在“沱河街道”区划内。" in exc.value.message_dict["tasks"]
    assert not Plan.all_objects.exists() and not Task.all_objects.exists() and not TaskUnit.objects.exists()
    assert not AuditEntry.objects.filter(code__startswith="plans.").exists()


def test_import_needs_the_right_to_manage_the_issuing_unit(demo):
    from django.core.exceptions import PermissionDenied

    from pufa.org.models import User

    unit, proposal = _propose(SEED_000, "tuohe-fzb")
    liaison = User.objects.get(username="tuohe_sq")
    with pytest.raises(PermissionDenied):
        services.plan_import_save(actor=liaison, issuing_unit=unit, proposal=importers.accept(proposal))
    assert not Plan.objects.exists()


def test_seed_003_units_of_a_district_bureau(demo):
    _unit, proposal = _propose(SEED_003, "yq-sfj")
    tasks = proposal["tasks"]
    assert len(tasks) == 10 and tasks[2]["section"] == "二、（二）3"
    sfs = set(Unit.objects.filter(kind=Unit.Kind.JUDICIAL_OFFICE).values_list("pk", flat=True))
    assert set(tasks[2]["units"][Role.RESPONSIBLE]) == sfs  # 各街镇司法所 → the three streets' 司法所
    unresolved = [u["name"] for u in tasks[2]["unresolved"]]
    assert unresolved == ["普法与依法治理科"]  # a 科室 the district does not have: shown, not dropped
    assert tasks[0]["deadline_kind"] == Task.DeadlineKind.ALL_YEAR  # 完成时限：贯穿全年
    assert tasks[4]["deadline"] == "2023-11-30"
    assert proposal["kind"] == Plan.Kind.ANNUAL_PLAN
    assert (proposal["period_start"], proposal["period_end"]) == ("2023-01-01", "2023-12-31")


def test_seed_004_sections_and_yearly_duties(demo):
    _unit, proposal = _propose(SEED_004, "yq-fxb")
    sections = [t["section"] for t in proposal["tasks"]]
    assert sections[0] == "三、（四）" and sections[-3] == "四、（十四）"
    report = proposal["tasks"][-3]  # 每年6月底前报告半年普法工作情况，每年12月底前报告本年度普法工作情况
    assert report["deadline_kind"] == Task.DeadlineKind.RECURRING and report["recurrence"] == Task.Recurrence.YEARLY


def test_proposal_guesses_domains_and_target_scope(demo):
    _unit, proposal = _propose(SEED_000, "tuohe-fzb")
    first = proposal["tasks"][0]

    assert Domain.objects.get(name="习近平法治思想").pk in first["domains"]
    target = proposal["tasks"][10]["targets"][0]
    assert target["scope"] == Target.Scope.EACH_OF_KIND and target["scope_kind"] == Unit.Kind.COMMUNITY_COMMITTEE
    assert importers.target_fields("典型案例每个街镇司法所年内各完成1篇", "year", None)["scope_kind"] == (
        Unit.Kind.JUDICIAL_OFFICE
    )
    assert importers.target_fields("今年计划开展普法演出5场次", None, None)["scope"] == Target.Scope.RESPONSIBLE


def test_guess_kind():
    assert importers.guess_kind("宿州市埇桥区“八五”普法规划") == Plan.Kind.FIVE_YEAR
    assert importers.guess_kind("2024年普法依法治理工作要点") == Plan.Kind.ANNUAL_POINTS
    assert importers.guess_kind("罗庄区司法局2023年普法工作计划") == Plan.Kind.ANNUAL_PLAN
    assert importers.guess_kind("沱河街道“法润社区”行动实施方案") == Plan.Kind.ACTION
    assert importers.guess_kind("关于全面落实普法责任制的实施意见") == Plan.Kind.SPECIAL


# ---------------------------------------------------------------- reading uploads


def _docx(lines: list[str]) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_upload_reads_like_the_text(demo):
    text_lines = SEED_000.read_text(encoding="utf-8").splitlines()
    lines = importers.read_upload(_docx(text_lines), "法润社区行动方案.docx")
    unit = Unit.objects.get(code="tuohe-fzb")
    proposal = importers.propose(
        lines=lines,
        source_name="法润社区行动方案.docx",
        issuing_unit=unit,
        units=selectors.assignable_units(actor=SYSTEM, region=unit.region),
    )
    assert len(proposal["tasks"]) == 14
    assert proposal["tasks"][13]["title"] == "壮大社会普法力量"


def test_gb18030_text_is_read():
    lines = importers.read_upload(SEED_000.read_text(encoding="utf-8").encode("gb18030"), "方案.txt")
    assert "沱河街道“法润社区”行动实施方案" in lines


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "文件为空"),
        (b"  \r\n \n", "blank.txt", "文件为空"),
        (b"%PDF-1.4 ...", "plan.pdf", "不支持的文件类型"),
        (b"this is not a zip", "plan.docx", "不是有效的 Word 文档"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.doc", "旧版 Word"),
        (b"\x00\x01\x02\xff\xfe\x00binary", "data.txt", "无法读取文件"),
    ],
)
def test_unreadable_uploads_are_rejected_in_chinese(data, name, message):
    with pytest.raises(PlanReadError, match=message):
        importers.read_upload(data, name)


def test_docx_without_document_xml_is_rejected():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("hello.txt", "不是 Word")
    with pytest.raises(PlanReadError, match=r"word/document\.xml"):
        importers.read_upload(buffer.getvalue(), "伪装.docx")


def test_upload_size_limit():
    with pytest.raises(PlanReadError, match="10 MB"):
        importers.read_upload(b"a" * (importers.MAX_UPLOAD_BYTES + 1), "big.txt")


def test_section_markers():
    assert importers._marker("二、工作措施") == "二、"
    assert importers._marker("(一)突出“一个重点”") == "（一）"
    assert importers._marker("（十四）建立工作报告制度") == "（十四）"
    assert importers._marker("1、深入学习宣传") == "1"
    assert importers._marker("12.加强") == "12"
    assert importers._marker("第三部分 保障") == "第三部分"
    assert importers._marker("没有编号") == ""
