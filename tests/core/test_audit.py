"""The audit trail: field-level before/after, readable after the record changes."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from pufa.core import audit
from pufa.core.chinese import cn_date, cn_number, mask_id_number, mask_phone, mask_phones_in_text, pinyin_key
from pufa.core.models import AuditEntry
from pufa.org.access import SYSTEM


def test_snapshot_and_diff(world):
    unit = world.committee_a
    before = audit.snapshot(unit)
    assert before["region"] == "沱河社区" and before["name"] == "沱河社区居委会"
    unit.contact_phone = "123"
    assert audit.diff(before, audit.snapshot(unit)) == {"contact_phone": ["", "123"]}


def test_log_update_skips_noop(world):
    unit = world.committee_a
    assert audit.log_update(actor=SYSTEM, obj=unit, before=audit.snapshot(unit)) is None


def test_entry_names_fields_in_chinese(world):
    entry = AuditEntry.objects.filter(code="org.unit.create", object_id=str(world.committee_a.pk)).get()
    labels = {row["field"] for row in entry.change_rows()}
    assert "单位名称" in labels and entry.actor_name == "系统"
    assert entry.scope_path == world.community_a.path


def test_chinese_conventions():
    import datetime as dt

    assert cn_date(dt.date(2023, 3, 31)) == "2023年3月31日"
    assert [cn_number(n) for n in (1, 10, 12, 20, 21)] == ["一", "十", "十二", "二十", "二十一"]
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("320102199001011234") == "320***********1234"
    assert mask_phones_in_text("联系人13812345678，座机") == "联系人138****5678，座机"
    assert sorted(["北关", "安徽", "沱河"], key=pinyin_key) == ["安徽", "北关", "沱河"]


def test_every_code_the_services_log_has_a_chinese_phrase():
    """Each audit code written anywhere in the source is in the table: 操作记录 never shows a dotted code."""
    import re
    from pathlib import Path

    import pufa

    source = Path(pufa.__file__).parent
    codes = set()
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'code="([a-z_]+(?:\.[a-z_]+)+)"', text))
        codes |= set(re.findall(r'_workflow_log\(actor, \w+, "([a-z_.]+)"', text))
    assert "duties.list.submit" in codes and len(codes) > 50
    missing = sorted(c for c in codes if c not in audit.CODE_LABELS)
    assert not missing, missing
    assert audit.code_label("duties.list.submit") == "报送普法责任清单"
    assert audit.code_label("later.app.thing", "update") == "修改"  # unknown: its action, not the code


def test_values_read_as_chinese_not_python(world):
    """Choices by their label, booleans as 是/否, lists joined, dicts summarised, internal fields left out."""
    from pufa.reports.models import Circular

    entry = AuditEntry(
        action=AuditEntry.Action.WORKFLOW,
        code="reports.circular.publish",
        changes={
            "status": ["draft", "published"],
            "data": [None, {"units": [1, 2], "totals": {"tasks": 3}}],
            "intro": ["", "为全面了解和掌握" * 20],
        },
    )
    entry.content_type_id = None
    from django.contrib.contenttypes.models import ContentType

    entry.content_type = ContentType.objects.get_for_model(Circular)
    rows = {r["field"]: r for r in entry.change_rows()}
    assert (rows["状态"]["before"], rows["状态"]["after"]) == ("草稿", "已印发")
    assert "数据" not in rows and all("{" not in r["after"] and "[" not in r["after"] for r in rows.values())
    assert rows["导语"]["after"].endswith("…") and rows["导语"]["cut"]
    assert audit.display_value(True) == ("是", False)
    assert audit.display_value(["老年人", "青少年"])[0] == "老年人、青少年"
    assert audit.display_value(None) == ("空", False)
    assert audit.display_value("2026-05-20T10:00:00+08:00")[0] == "2026-05-20 10:00"


def test_a_targets_metric_reads_by_its_name_in_the_trail(db):
    """A code of another registry (a target's metric) is shown by its name, never as a dotted code."""
    from pufa.core.audit import change_rows
    from pufa.core.models import AuditEntry
    from pufa.plans.models import Target

    entry = AuditEntry(
        content_type=ContentType.objects.get_for_model(Target),
        changes={"metric": ["", "ledger.activity_count"]},
    )
    (row,) = change_rows(entry)
    assert row["after"] == "活动场次"
