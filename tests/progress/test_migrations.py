"""Migrations: schema and data apart, data steps on historical models only, and progress's derivations (0010,
0011) giving the same rows as the live code does."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
from pathlib import Path

from django.db import connection
from django.db.migrations import RunPython, RunSQL
from django.db.migrations.loader import MigrationLoader

from pufa.core.models import ActivityKind, Audience, Domain
from pufa.ledger import services as ledger
from pufa.org.access import SYSTEM
from pufa.progress import rollups, services
from pufa.progress.models import RegionMonthStat, RolledActivity, UnitActivity, UnitStatusCount
from tests.factories import make_plan, make_task

D = dt.date
SRC = Path(__file__).resolve().parents[2] / "src" / "pufa"


def _run(name: str, function: str) -> None:
    """Run a progress migration's data function on the historical models of its own state."""
    state = MigrationLoader(connection).project_state(("progress", name), at_end=True)
    module = importlib.import_module(f"pufa.progress.migrations.{name}")
    getattr(module, function)(state.apps, None)  # neither function uses the schema editor


def _record(unit, day, *, co=(), people=10, kind="jzxc", domains=("minfadian",), audiences=(), submit=True):
    data = ledger.ActivityData(
        unit=unit,
        title="民法典进社区",
        kind=ActivityKind.objects.get(code=kind),
        date=day,
        co_organisers=list(co),
        domains=list(Domain.objects.filter(code__in=domains)),
        audiences=list(Audience.objects.filter(code__in=audiences)),
        people_onsite=people,
        people_online=people // 2,
        materials=3,
        place="社区活动室",
    )
    return ledger.activity_create(actor=SYSTEM, data=data, submit=submit)


STAT_FIELDS = ("region_id", "region_path", "month", "dim", "code", "activities", "people_onsite", "people_online")


def _rollup_rows():
    return (
        set(RolledActivity.objects.values_list(*(f.attname for f in RolledActivity._meta.concrete_fields))),
        set(RegionMonthStat.objects.values_list(*STAT_FIELDS, "materials")),
        set(UnitActivity.objects.values_list("unit_id", "last_date")),
    )


def _ledger(world):
    joint = _record(world.committee_a, D(2024, 3, 5), co=[world.committee_b, world.other_office_unit], people=30)
    # Before consent existed every co-organiser counted: the other street's unit has accepted here, so the
    # historical derivation (which knows no consent) and the live rule describe the same ledger.
    request = joint.participants.get(unit=world.other_office_unit)
    ledger.co_organiser_consent(actor=SYSTEM, participation=request, accept=True)
    _record(world.committee_b, D(2024, 3, 20), kind="ztjz", domains=("xianfa", "minfadian"), audiences=("qsn",))
    _record(world.judicial_office, D(2024, 4, 2), people=5, audiences=("ldgb", "qsn"))
    _record(world.committee_a, D(2024, 3, 9), submit=False)  # a draft counts nowhere
    deleted = _record(world.committee_b, D(2024, 5, 1), people=7)
    ledger.activity_delete(actor=SYSTEM, activity=deleted, reason="重复登记")


def test_derived_contributions_equal_the_live_rebuild(world):
    _ledger(world)
    rollups.rebuild_all()
    expected = _rollup_rows()
    assert len(expected[0]) == 3 and expected[1]  # the ledger above really counts
    # A database from before 0004: rollups (here stale), no contributions.
    RolledActivity.objects.all().delete()
    RegionMonthStat.objects.update(activities=99)
    UnitActivity.objects.all().delete()

    _run("0010_derive_rolled_activities", "derive")

    assert _rollup_rows() == expected


def test_derivation_leaves_a_database_that_has_its_contributions(world):
    _ledger(world)
    rollups.rebuild_all()
    RegionMonthStat.objects.filter(dim="").update(people_onsite=12345)  # would be rewritten by a derivation
    before = _rollup_rows()
    _run("0010_derive_rolled_activities", "derive")
    assert _rollup_rows() == before


def test_counted_statuses_equal_the_live_recount(world):
    plan = make_plan(world.office_unit, period_start=D(2024, 1, 1), period_end=D(2024, 12, 31))
    make_task(plan, units={"responsible": [world.committee_a, world.committee_b]})
    make_task(plan, title="开展宪法宣传周活动", units={"responsible": [world.committee_a]})
    services.recount(None)
    fields = ("unit_id", "region_path", "plan_start", "plan_end", "is_target", "status", "n")
    expected = sorted(UnitStatusCount.objects.values_list(*fields))
    assert sum(row[-1] for row in expected) == 3
    UnitStatusCount.objects.all().delete()

    _run("0011_count_unit_statuses", "count_existing")

    assert sorted(UnitStatusCount.objects.values_list(*fields)) == expected


def test_schema_and_data_migrations_are_separate_and_data_uses_no_app_code():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    checked = 0
    for (app, name), migration in loader.disk_migrations.items():
        if not migration.__module__.startswith("pufa."):
            continue
        checked += 1
        data = [op for op in migration.operations if isinstance(op, RunPython | RunSQL)]
        assert not data or len(data) == len(migration.operations), f"{app}.{name} mixes schema and data"
        if data:
            path = SRC / app / "migrations" / f"{name}.py"
            imported = {
                node.module if isinstance(node, ast.ImportFrom) else alias.name
                for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in node.names
            }
            assert not {m for m in imported if m and m.startswith("pufa")}, f"{app}.{name} imports app code"
    assert checked >= 20
