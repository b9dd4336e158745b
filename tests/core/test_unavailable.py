"""The maintenance page: a request that finds the database away gets 503 with Retry-After and 系统正在维护,
logged as a warning; a query the database refuses stays a 500, logged as an error."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from pufa.core.middleware import RETRY_AFTER_SECONDS, DatabaseUnavailableMiddleware, database_unreachable

MAINTENANCE = "系统正在维护，请稍后再试"


def bad_query(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM pufa_no_such_table")
    return HttpResponse("unreachable")


urlpatterns = [path("broken-query/", bad_query)]
handler500 = "pufa.core.views.server_error"


@pytest.fixture
def database_away(monkeypatch):
    """Call it to take the database away: the connection has no link and every connect fails in the driver
    (PostgreSQL restarting, SQLite's file unreadable), as it would, Django wrapping the driver's error."""
    kept = []

    def away():
        connection.close()
        kept.append(connection.connection)  # SQLite's in-memory test database cannot close: set aside
        connection.connection = None

        def refuse(*args, **kwargs):
            raise connection.Database.OperationalError("connection refused (simulated)")

        monkeypatch.setattr(connection, "get_new_connection", refuse)

    yield away
    monkeypatch.undo()
    if kept:
        connection.connection = kept[0]


def assert_maintenance(response, caplog):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert MAINTENANCE in response.content.decode()
    warnings = [r for r in caplog.records if r.name == "pufa.unavailable"]
    assert [r.levelno for r in warnings] == [logging.WARNING]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.django_db(transaction=True)
def test_anonymous_page_while_the_database_is_away(database_away, caplog):
    database_away()
    caplog.set_level(logging.WARNING)
    response = Client(raise_request_exception=False).get("/public/cases/")
    assert_maintenance(response, caplog)


@pytest.mark.django_db(transaction=True)
def test_logged_in_page_while_the_database_is_away(liaison, database_away, caplog):
    """The session is loaded before the view (a middleware): the 500 handler gives the same page."""
    client = Client(raise_request_exception=False)
    client.force_login(liaison)
    database_away()
    caplog.set_level(logging.WARNING)
    response = client.get("/ledger/")
    assert_maintenance(response, caplog)


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__)
def test_a_refused_query_is_still_a_server_error(caplog):
    caplog.set_level(logging.WARNING)
    response = Client(raise_request_exception=False).get("/broken-query/")
    assert response.status_code == 500
    assert MAINTENANCE not in response.content.decode()
    assert not [r for r in caplog.records if r.name == "pufa.unavailable"]
    assert [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]


@pytest.mark.django_db(transaction=True)
def test_a_query_error_is_not_the_database_away(rf):
    """SQLite says OperationalError for a missing table, PostgreSQL ProgrammingError: neither is a 503."""
    with pytest.raises(Exception) as caught, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM pufa_no_such_table")
    assert not database_unreachable(caught.value)
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(rf.get("/"), caught.value) is None


@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_whose_server_went_away():
    """PostgreSQL restarted under a kept connection (PUFA_DB_CONN_MAX_AGE): the driver's link is closed."""
    if connection.vendor != "postgresql":
        pytest.skip("a server that restarts under a kept connection is PostgreSQL's case")
    connection.ensure_connection()
    connection.connection.close()  # what a server restart leaves behind
    with pytest.raises(Exception) as caught, connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert database_unreachable(caught.value)
    connection.close()
