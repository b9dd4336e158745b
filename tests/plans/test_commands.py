"""`pufa import-plan`, `pufa plan-import-quality` and the plans step of `pufa seed-demo`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pufa.core.models import AuditEntry
from pufa.org.demo import seed_org
from pufa.plans.demo import EXAMPLE_TITLE
from pufa.plans.models import Plan, Task, TaskUnit
from pufa.plans.parsing import parse_plan, read_document

ROOT = Path(__file__).resolve().parents[2]
SEED_000 = ROOT / "src" / "pufa" / "plans" / "fixtures" / "seed_000_tuohe_action_plan.txt"
ANNOTATED = ROOT / "tests" / "data" / "plans"


def run(*args: str, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_plan", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_json_prints_exactly_the_parsed_plan(db):
    out, err = run(str(SEED_000), "--json")
    assert err == ""
    assert json.loads(out) == parse_plan(read_document(SEED_000)).to_json()
    assert "沱河街道“法润社区”行动实施方案" in out  # ensure_ascii=False: readable Chinese, not \\u escapes
    first = json.loads(out)["tasks"][0]
    assert set(first) == {
        "number",
        "path",
        "title",
        "text",
        "lead_units",
        "participating_units",
        "responsible_units",
        "deadline_text",
        "deadline",
        "targets",
    }
    assert first["participating_units"] == ["各社区", "街道各部门"]  # names as written


def test_summary_without_unit_lists_names_as_written(db):
    out, _ = run(str(SEED_000))
    assert "识别到任务 14 项" in out and "参加：各社区、街道各部门" in out


def test_summary_with_unit_resolves_against_its_region(db):
    seed_org()
    out, _ = run(str(SEED_000), "--unit", "tuohe-fzb")
    assert "单位名称按“沱河街道”的单位匹配" in out and "未匹配名称 0 个" in out
    assert "参加/配合：各社区 → 6个单位（沱河社区居委会" in out
    assert "牵头：市监所 → 沱河街道市场监督管理所" in out
    assert not Plan.objects.exists()


def test_save_imports_through_the_service(db):
    seed_org()
    out, _ = run(str(SEED_000), "--unit", "tuohe-fzb", "--save", "--kind", "action", "--start", "2022-01-01")
    plan = Plan.objects.get()
    assert f"已保存规划 #{plan.pk}" in out
    assert plan.kind == "action" and plan.tasks.count() == 14 and plan.issuing_unit.code == "tuohe-fzb"
    assert TaskUnit.objects.filter(task__plan=plan, unit__code="tuohe-taoyuan", written_name="各社区").exists()
    entry = AuditEntry.objects.get(code="plans.plan.import")
    assert entry.actor is None and entry.actor_name == "系统"


def test_save_needs_unit(db):
    with pytest.raises(CommandError, match="--unit"):
        run(str(SEED_000), "--save")


def test_unknown_unit(db):
    with pytest.raises(CommandError, match="未找到单位编码"):
        run(str(SEED_000), "--unit", "nowhere")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "文件为空"),
        ("fake.docx", b"plain text pretending", "不是有效的 Word 文档"),
        ("plan.pdf", b"%PDF-1.7", "不支持的文件类型"),
    ],
)
def test_bad_file_exits_non_zero_with_chinese_message(db, tmp_path, name, content, message):
    seed_org()
    path = tmp_path / name
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import_plan", str(path), "--unit", "tuohe-fzb", "--save", stdout=out, stderr=err)
    assert exc.value.code == 2
    assert message in err.getvalue() and out.getvalue() == ""
    assert not Plan.all_objects.exists() and not Task.all_objects.exists()


def test_missing_file(db, tmp_path):
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_plan", str(tmp_path / "none.txt"), "--json", stderr=err)
    assert "找不到" in err.getvalue()


def test_plan_import_quality_prints_the_report(db):
    out = io.StringIO()
    call_command("plan_import_quality", str(ANNOTATED), stdout=out)
    text = out.getvalue()
    assert "任务P" in text and "单位R" in text and "合计" in text
    assert "000_tuohe_action_plan" in text


def test_plan_import_quality_needs_annotations(db, tmp_path):
    with pytest.raises(CommandError, match="没有标注文件"):
        call_command("plan_import_quality", str(tmp_path))
    with pytest.raises(CommandError, match="目录不存在"):
        call_command("plan_import_quality", str(tmp_path / "missing"))


def test_seed_demo_imports_the_seed_plans_once(db):
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    plans = {p.title: p for p in Plan.objects.select_related("issuing_unit")}
    from django.utils import timezone

    assert set(plans) == {
        "沱河街道“法润社区”行动实施方案",
        EXAMPLE_TITLE,  # 罗庄区's plan, plainly labelled an example under 埇桥区
        "关于全面落实普法责任制的实施意见",
        "埇桥区法治宣传教育第九个五年规划（2026—2030年）",
        f"沱河街道{timezone.localdate().year}年普法依法治理工作要点",
    }
    this_year = plans[f"沱河街道{timezone.localdate().year}年普法依法治理工作要点"]
    assert this_year.parent.kind == Plan.Kind.FIVE_YEAR and this_year.tasks.filter(targets__isnull=False).exists()
    action = plans["沱河街道“法润社区”行动实施方案"]
    assert action.issuing_unit.code == "tuohe-fzb" and action.tasks.count() == 14
    annual = plans[EXAMPLE_TITLE]
    assert annual.title.startswith("【示例】") and annual.source_text.count("罗庄区") > 0
    assert annual.issuing_unit.code == "yq-sfj" and str(annual.period_start) == "2023-01-01"
    assert any(t.unresolved_units for t in annual.tasks.all())  # its 科室 stay visible, unresolved
    assert plans["关于全面落实普法责任制的实施意见"].kind == Plan.Kind.SPECIAL
    # 沱河社区's liaison now has real tasks: the seven where 参加部门 names 各社区
    assert TaskUnit.objects.filter(unit__code="tuohe-tuohe", task__plan=action).count() == 7
