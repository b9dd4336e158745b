"""The audit trail: field-level before/after, readable after the record changes."""

from __future__ import annotations

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
