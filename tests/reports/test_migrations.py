"""The report workflow trail moves from ReportEvent into the audit trail before the table is dropped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0002_report_and_circular_versions")]
AFTER = [("reports", "0004_drop_report_events")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_report_events_become_audit_entries_once(world, liaison, office_user):
    from pufa.reports import services

    report = services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    try:
        apps = _migrate(BEFORE)
        ReportEvent = apps.get_model("reports", "ReportEvent")
        AuditEntry = apps.get_model("core", "AuditEntry")
        ContentType = apps.get_model("contenttypes", "ContentType")
        kind = ContentType.objects.get(app_label="reports", model="report")
        submitted = ReportEvent.objects.create(
            report_id=report.pk, action="submitted", actor_id=liaison.pk, actor_name="陈静"
        )
        ReportEvent.objects.filter(pk=submitted.pk).update(at=submitted.at - dt.timedelta(days=3))
        returned = ReportEvent.objects.create(
            report_id=report.pk, action="returned", comment="请补充案例", actor_id=office_user.pk, actor_name="李文华"
        )
        # This step was already logged by its service beside its event: it must not be copied a second time.
        AuditEntry.objects.create(
            at=returned.at,
            actor_name="李文华",
            action="workflow",
            code="reports.report.return",
            content_type=kind,
            object_id=str(report.pk),
            message="退回修改：请补充案例",
        )
        _migrate(AFTER)
    finally:
        _migrate(AFTER)
    from pufa.reports import selectors

    history = [(e.code, e.actor_name, e.message, e.actor_id) for e in selectors.report_events(report=report)]
    assert history == [
        ("reports.report.submit", "陈静", "报送", liaison.pk),
        ("reports.report.return", "李文华", "退回修改：请补充案例", None),
    ]
    copied = [e for e in selectors.report_events(report=report) if "migrated_from" in e.changes]
    assert len(copied) == 1 and copied[0].scope_path == world.community_a.path
    assert "reports_reportevent" not in connection.introspection.table_names()
