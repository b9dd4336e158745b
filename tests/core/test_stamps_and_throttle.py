"""Freshness tokens and rate limits kept in the database, so every process shares them (issue 13 §10's probe
found a per-process limit letting two gunicorn workers take twice the feedback limit)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.cache import cache
from django.utils import timezone

from pufa.core import per_request, stamps, throttle
from pufa.core.models import Stamp, ThrottleWindow


def test_a_stamp_is_read_from_the_database_not_from_a_process_cache(db):
    first = stamps.get("portal")
    assert stamps.get("portal") == first
    cache.clear()  # another process's memory knows nothing: the token still comes from the row
    assert stamps.get("portal") == first
    # Another process bumps it: this one sees the new token at once.
    Stamp.objects.filter(key="portal").update(token="f" * 32)
    assert stamps.get("portal") == "f" * 32
    assert stamps.bump("portal") not in {first, "f" * 32}


def test_the_limit_holds_whatever_a_process_remembers(db):
    assert all(throttle.allow("feedback:1.2.3.4", limit=3, window=3600) for _ in range(3))
    cache.clear()  # a second worker process: it has counted nothing in its own memory
    assert not throttle.allow("feedback:1.2.3.4", limit=3, window=3600)
    assert throttle.allow("feedback:5.6.7.8", limit=3, window=3600)  # another address has its own window
    assert ThrottleWindow.objects.get(key="feedback:1.2.3.4").hits == 4


def test_a_new_window_starts_when_the_old_one_ends(db):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(2):
            throttle.allow("contest:9.9.9.9", limit=2, window=60)
        assert not throttle.allow("contest:9.9.9.9", limit=2, window=60)
        clock.shift(61)
        assert throttle.allow("contest:9.9.9.9", limit=2, window=60)
        assert ThrottleWindow.objects.get(key="contest:9.9.9.9").hits == 1


def test_starting_a_window_clears_the_windows_ended_long_ago(db, django_capture_on_commit_callbacks):
    now = timezone.now()
    with time_machine.travel(now - throttle.KEEP - dt.timedelta(hours=2), tick=False):
        throttle.allow("feedback:1.1.1.1", limit=3, window=3600)  # ended more than a day ago
    with time_machine.travel(now - dt.timedelta(hours=2), tick=False):
        throttle.allow("feedback:2.2.2.2", limit=3, window=3600)  # ended, within the day kept
    with django_capture_on_commit_callbacks(execute=True):
        assert throttle.allow("feedback:3.3.3.3", limit=3, window=3600)  # starts a window: cleared once committed
    assert set(ThrottleWindow.objects.values_list("key", flat=True)) == {"feedback:2.2.2.2", "feedback:3.3.3.3"}


def test_a_request_reads_the_same_stamps_once(db, django_assert_num_queries):
    """The ledger's list and its two option lists read the office's stamps: one query a request, not three. A
    bump in the request forgets what it read (a request that writes then reads sees its write); outside a
    request (a task worker, a command) every read asks the database."""
    from django.core.signals import request_finished, request_started

    for signal, uid in (
        (request_started, "pufa-per-request-started"),
        (request_finished, "pufa-per-request-finished"),
    ):
        assert signal.disconnect(dispatch_uid=uid)  # connected by core.apps (put back below)
    request_started.connect(per_request.started, dispatch_uid="pufa-per-request-started")
    request_finished.connect(per_request.finished, dispatch_uid="pufa-per-request-finished")

    keys = ["pt:/1/", "tree:"]
    stamps.bump_many(keys)
    per_request.started()  # as the signal does (sending it would also run Django's close_old_connections)
    try:
        with django_assert_num_queries(1):
            first = stamps.joined(keys)
            assert stamps.joined(keys) == first
        Stamp.objects.filter(key="tree:").update(token="a" * 32)  # another process: this request keeps its read
        assert stamps.joined(keys) == first
        stamps.bump_many(["pt:/1/"])  # its own write
        after = stamps.joined(keys)
        assert after != first and after.endswith("a" * 32)
        first = after
        per_request.forget()  # a record written through the workflow forgets everything the request read
        Stamp.objects.filter(key="tree:").update(token="c" * 32)
        assert stamps.joined(keys) != first
    finally:
        per_request.finished()
    Stamp.objects.filter(key="tree:").update(token="b" * 32)
    with django_assert_num_queries(2):
        assert stamps.joined(keys).endswith("b" * 32)
        stamps.joined(keys)
