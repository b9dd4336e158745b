"""A materialised-path column whose prefix filter uses its index on every database — or, on request, not.

org.access scopes rows with `<path>__startswith=<prefix>`. PostgreSQL runs that as `LIKE 'p%'` on a
`varchar_pattern_ops` index and its planner weighs the index against the others from statistics. SQLite's
LIKE is case-insensitive, so it cannot use an ordinary index and scans the table — harmless for a few
thousand units, fatal for a million ledger rows. On SQLite this field turns the prefix filter into the
equivalent range `p <= path < p⁺` (p⁺ = p with its last character incremented), which the B-tree answers.

SQLite keeps no statistics on how much of a range a prefix covers and will happily take a city-wide prefix
through the path index and sort a million rows. Where the caller knows better (an office's list walks the
date index instead), it filters with `__under` — the same range, written `+path` on SQLite so that the
planner may not use an index for it — and wraps dates in `Unindexed` the same way.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Func
from django.db.models.lookups import StartsWith


class PathStartsWith(StartsWith):
    lookup_name = "startswith"
    unary = ""

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        prefix = self.rhs
        if not isinstance(prefix, str) or not prefix:
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        column = f"{self.unary}{lhs}"
        return f"({column} >= %s AND {column} < %s)", [*lhs_params, prefix, *lhs_params, upper]


class PathUnder(PathStartsWith):
    """The same prefix filter, never answered from an index on SQLite (see the module docstring)."""

    lookup_name = "under"
    unary = "+"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        """Elsewhere exactly `startswith` (PostgreSQL's planner weighs the path index from statistics)."""
        return compiler.compile(StartsWith(self.lhs, self.rhs))


class PathField(models.CharField):
    """A "/1/5/23/" path copied from a region or unit, for indexed "this node and below" filters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


PathField.register_lookup(PathStartsWith)
PathField.register_lookup(PathUnder)


class Unindexed(Func):
    """A column the SQLite planner may not answer from an index (`+col`); the plain column elsewhere."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", list(params)
