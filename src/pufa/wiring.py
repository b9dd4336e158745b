"""Who listens to which event: the one table of the event bus (`pufa.core.events`).

Publishers live low (the ledger, plans, org, the `remind` command in core) and never import the apps that
listen; listeners live high (duties, progress, reports). This module sits above them all (the top layer of
the import-linter contract, beside urls and cli) and connects them when Django starts: `WiringConfig` is the
last entry of INSTALLED_APPS, so every app is ready when it runs.

Listeners run in the order listed, inside the publisher's transaction. A new area that registers metrics
needs no line here: it publishes `RecordsChanged` with its metric codes and progress recomputes the targets
on them. A new listener is one line below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import AppConfig

from pufa.core import events


def subscriptions() -> list[tuple[type, Callable[[Any], None]]]:
    from pufa.demand import menu as demand_menu
    from pufa.duties import daily as duties_daily
    from pufa.duties import matching
    from pufa.ledger import services as ledger
    from pufa.people import services as people
    from pufa.progress import cache, rollups, services
    from pufa.progress import reminders as progress_daily
    from pufa.reports import reminders as reports_daily

    return [
        # The ledger recorded, changed or imported activities.
        (events.ActivitiesChanged, matching.on_activities_changed),  # duties: planned against done
        (events.ActivitiesChanged, rollups.on_activities_changed),  # progress: monthly region rollups
        (events.ActivitiesChanged, people.on_activities_changed),  # people: trainings attended count with them
        (events.ActivitiesChanged, demand_menu.on_activities_changed),  # demand: a withdrawn delivery reopens 点单
        # Records behind registered metrics changed (the ledger's three, and any later area's).
        (events.RecordsChanged, services.on_records_changed),  # progress: targets on those metrics
        (events.RecordsChanged, cache.on_records_changed),  # progress: dashboards of those units' regions
        # Tasks changed in plans; the organisation changed.
        (events.PlansChanged, services.on_plans_changed),  # progress: recompute those tasks
        (events.OrgChanged, cache.on_org_changed),  # progress: every dashboard
        # `pufa remind`, once a day.
        (events.DailyPass, progress_daily.daily),  # values and statuses for today, deadline reminders
        (events.DailyPass, duties_daily.daily),  # 31 March list and announcement reminders
        (events.DailyPass, reports_daily.daily),  # 30 June and 31 December report reminders
        (events.DailyPass, ledger.daily),  # purge evidence files past the retention period
        (events.DailyPass, demand_menu.daily),  # 点单 past their time limits: remind the units
    ]


def connect() -> None:
    for event_type, listener in subscriptions():
        events.subscribe(event_type, listener)


class WiringConfig(AppConfig):
    name = "pufa.wiring"
    label = "wiring"
    verbose_name = "事件订阅"

    def ready(self) -> None:
        connect()
