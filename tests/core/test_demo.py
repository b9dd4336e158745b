"""`pufa seed-demo` builds the demo district and is idempotent."""

from __future__ import annotations

from django.core.management import call_command

from pufa.core.models import AuditEntry
from pufa.org.models import Membership, Region, Unit, User


def counts() -> tuple[int, ...]:
    return (
        Region.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
    )


def test_seed_demo_builds_district_and_is_idempotent(db, capsys):
    call_command("seed_demo")
    first = counts()
    assert Region.objects.filter(name="沱河街道", level="street").exists()
    for alias in [
        "法治办",
        "宣传办",
        "司法所",
        "派出所",
        "信访办",
        "市监所",
        "环保办",
        "妇联",
        "社保所",
        "应急办",
        "民政所",
        "卫计办",
        "土地所",
        "党政办",
        "团委",
        "工会",
    ]:
        assert any(alias in u.aliases for u in Unit.objects.filter(region__name="沱河街道")), alias
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"office", "liaison", "inspector", "member"}
    assert "tuohe_sfs" in capsys.readouterr().out
    # Pages no longer recompute statuses: the demo leaves them computed for today.
    from django.utils import timezone

    from pufa.progress.models import ProgressStatus

    assert ProgressStatus.objects.exists()
    assert not ProgressStatus.objects.exclude(computed_on=timezone.localdate()).exists()
    call_command("seed_demo", "--quiet-logins")
    assert counts() == first
