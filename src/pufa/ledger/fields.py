"""A materialised-path column whose prefix filter uses its index on every database.

org.access scopes rows with `<path>__startswith=<prefix>`. PostgreSQL runs that as `LIKE 'p%'` on the
`varchar_pattern_ops` index Django adds for an indexed CharField. SQLite's LIKE is case-insensitive, so it
cannot use an ordinary index and scans the table — harmless for a few thousand units, fatal for a million
ledger rows. On SQLite this field turns the prefix filter into the equivalent range `p <= path < p⁺`
(p⁺ = p with its last character incremented), which the B-tree answers directly.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.lookups import StartsWith


class PathStartsWith(StartsWith):
    lookup_name = "startswith"

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        prefix = self.rhs
        if not isinstance(prefix, str) or not prefix:
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, prefix, *lhs_params, upper]


class PathField(models.CharField):
    """A "/1/5/23/" path copied from a region or unit, for indexed "this node and below" filters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


PathField.register_lookup(PathStartsWith)
