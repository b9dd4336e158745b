"""Background folding of the survey responses into the results' tally, through the django-tasks API.

A response is stored pending (`surveys.tally`): every reader of the counts folds the pending ones in first,
so no figure waits for this task; it keeps the backlog small, so that a reader seldom has many to fold. After a
response commits, `request_fold` enqueues `fold_pending` at most once per `FOLD_EVERY` seconds, by a mark in
the cache (shared by the app servers with Redis, else per process): one cache call per response. The mark is
left to expire rather than deleted by the task: with hundreds of responses a second, one fold every few seconds
adds a thousand at once. The responses stored after the last fold of a burst wait for the next response after
the mark expires, or the next reader.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django_tasks import task

from pufa.surveys import tally

logger = logging.getLogger(__name__)

FOLD_EVERY = 5
MARK = "pufa:surveys:fold"


@task()
def fold_pending() -> int:
    """Fold every pending response into the counts; returns how many."""
    return tally.fold()


def request_fold() -> bool:
    """Enqueue `fold_pending` unless it was asked for within `FOLD_EVERY` seconds; True if enqueued. Called
    after a response's commit: a queue that is away is logged, not raised (the response is stored, and the
    next reader folds it)."""
    if not cache.add(MARK, 1, timeout=FOLD_EVERY):
        return False
    try:
        fold_pending.enqueue()
    except Exception:
        logger.exception("surveys: could not enqueue the tally's fold")
        return False
    return True
