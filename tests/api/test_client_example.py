"""docs/api.md's liaison client, run as written against a live server with nothing but a token."""

from __future__ import annotations

import re
from pathlib import Path

from pufa.core.models import AuditEntry
from pufa.ledger.models import Activity
from tests.api.conftest import token_for
from tests.e2e.conftest import restore_default_rows
from tests.factories import make_activity

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def example() -> str:
    match = re.search(r"<!-- client-example -->\n```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, "docs/api.md lost its client example"
    return match.group(1)


def test_the_documented_liaison_client_lists_creates_and_submits(
    live_server, transactional_db, monkeypatch, capsys, world, liaison, other_liaison
):
    restore_default_rows()
    make_activity(world.committee_a, title="沱河社区宪法宣传周")
    make_activity(world.committee_b, title="桃园社区禁毒宣传")
    monkeypatch.setenv("PUFA_URL", live_server.url)
    monkeypatch.setenv("PUFA_TOKEN", token_for(liaison))
    exec(compile(example(), str(DOC), "exec"), {"__name__": "pufa_client_example"})  # noqa: S102
    out = capsys.readouterr().out
    assert "沱河社区宪法宣传周" in out and "桃园社区禁毒宣传" not in out
    assert "已提交： 已提交" in out
    created = Activity.objects.get(title="民法典进小区宣讲")
    assert created.status == "submitted" and created.unit == world.committee_a and created.people_onsite == 60
    codes = AuditEntry.objects.filter(object_id=str(created.pk), actor=liaison).values_list("code", flat=True)
    assert sorted(codes) == ["ledger.activity.create", "ledger.activity.submit"]
