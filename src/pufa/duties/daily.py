"""The duties part of the daily pass (`pufa remind`): the 31 March list and announcement.

Seven days before a unit's deadline (31 March unless its region set another) and once after it has passed,
the liaisons of every responsible unit that has not submitted its list are reminded — once each, whatever
the number of runs, because the notification key names the unit, the year and which reminder it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from pufa.core.chinese import cn_date
from pufa.core.events import DailyPass
from pufa.core.notifications import notify
from pufa.duties.models import DutyList
from pufa.duties.selectors import ReportRow, deadline_for
from pufa.org.models import Membership, Unit

SOON_DAYS = 7


def send_list_reminders(*, today: dt.date) -> int:
    year = today.year
    units = list(Unit.objects.filter(is_responsible_subject=True).select_related("region"))
    lists = {dl.unit_id: dl for dl in DutyList.objects.filter(year=year, unit__in=[u.pk for u in units])}
    dues: dict[int, dt.date] = {}
    liaisons: dict[int, list[Any]] = {}
    for m in Membership.objects.filter(
        role=Membership.Role.LIAISON, is_active=True, user__is_active=True, unit__in=[u.pk for u in units]
    ).select_related("user"):
        liaisons.setdefault(m.unit_id, []).append(m.user)
    sent = 0
    for unit in units:
        if unit.pk not in liaisons:
            continue
        if unit.region_id not in dues:
            dues[unit.region_id] = deadline_for(region=unit.region, year=year)
        due = dues[unit.region_id]
        row = ReportRow(unit=unit, duty_list=lists.get(unit.pk), due=due, today=today)
        if row.has_submitted:
            continue
        if 0 <= (due - today).days <= SOON_DAYS:
            which, title = "soon", f"请于{cn_date(due)}前报送{year}年度普法责任清单并公告普法活动"
        elif today > due:
            which, title = "overdue", f"{year}年度普法责任清单已逾期未报送"
        else:
            continue
        for user in liaisons[unit.pk]:
            if notify(
                user=user,
                key=f"duties.daily:{year}:{unit.pk}:{which}",
                title=title,
                body=f"{unit.name}的{year}年度普法责任清单尚未报送（截止{cn_date(due)}）。报送备案后，"
                "清单中拟开展的普法活动将向社会公告。",
                url=reverse("duties:index"),
                email=True,
            ):
                sent += 1
    return sent


def daily(event: DailyPass) -> None:
    event.results["责任清单报送提醒"] = send_list_reminders(today=event.today)
