"""The daily pass reminds units of the 31 March list once before and once after the deadline."""

from __future__ import annotations

from django.core.management import call_command

from pufa.core.models import Notification
from tests.factories import duty_list


def titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user, key__startswith="duties.daily").values_list("title", flat=True))


def test_list_reminders_soon_then_overdue_once_each(world, liaison, other_liaison):
    duty_list(world.committee_b, year=2026, status="submitted")
    call_command("remind", "--date", "2026-03-10")
    assert titles(liaison) == []  # more than 7 days ahead
    call_command("remind", "--date", "2026-03-25")
    call_command("remind", "--date", "2026-03-26")
    assert titles(liaison) == ["请于2026年3月31日前报送2026年度普法责任清单并公告普法活动"]
    call_command("remind", "--date", "2026-04-02")
    call_command("remind", "--date", "2026-04-03")
    assert len(titles(liaison)) == 2 and titles(liaison)[0] == "2026年度普法责任清单已逾期未报送"
    assert titles(other_liaison) == []  # its list is submitted
