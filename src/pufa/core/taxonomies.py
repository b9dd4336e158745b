"""The reference lists (活动形式, 普法领域, 普法对象) as a page's filters offer them, kept in each process's memory.

Every ledger list page offers all three lists, and they change perhaps once a year — while each read of them
was three queries and forty model instances per request. So they are read once per process (`core.memo`)
under a fingerprint of the three tables — row count and latest `updated_at` of each, one small query per
request — so a row added, renamed or retired in any process (`save()` sets `updated_at`) is seen by every
process on its next request; only a bulk `update()` that leaves `updated_at` alone waits for the memo's
`ttl`. Nobody has to remember to bump a version: there are no writers in the code to remember it, only data
migrations and the shell.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from pufa.core.memo import Memo
from pufa.core.models import ActivityKind, Audience, Domain, Taxonomy

MODELS: tuple[type[Taxonomy], ...] = (ActivityKind, Domain, Audience)


@dataclass(frozen=True)
class Term:
    """One row of a reference list, as a filter's option shows it (retired rows included: old records)."""

    pk: int
    code: str
    name: str
    is_active: bool

    def __str__(self) -> str:
        return self.name


_LISTS: Memo[dict[str, tuple[Term, ...]]] = Memo(size=4, ttl=300)


def _fingerprint() -> tuple[tuple[object, ...], ...]:
    """(table, rows, latest change) of the three tables, in one query — written out, as building it through
    the ORM on every request cost as much as the three reads it saves."""
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*), MAX({quote('updated_at')}) FROM {quote(model._meta.db_table)}"  # noqa: S608 - model names only
        for i, model in enumerate(MODELS)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(sorted(cursor.fetchall()))


def _read() -> dict[str, tuple[Term, ...]]:
    return {
        model._meta.label: tuple(
            Term(pk, code, name, active)
            for pk, code, name, active in model._default_manager.values_list("pk", "code", "name", "is_active")
        )
        for model in MODELS
    }


def terms() -> tuple[tuple[Term, ...], tuple[Term, ...], tuple[Term, ...]]:
    """(activity kinds, domains, audiences), each in its list order (`sort_order`, id)."""
    lists = _LISTS.get(_fingerprint(), _read)
    return lists[ActivityKind._meta.label], lists[Domain._meta.label], lists[Audience._meta.label]
