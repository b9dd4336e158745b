"""A one-row read that a hot public page runs on every request, its SQL built once per process.

Building and compiling a queryset costs about 0.4 ms of Python; the one-row query it makes runs in 0.03 ms
on SQLite (issue 21's profile of the survey answering page, which reads the survey's state on every phone's
GET and again on its POST). `OneRow` builds the queryset once per database with a marker in place of its one
varying string, keeps the SQL, the parameters and the converters Django would apply to the values (dates on
SQLite, booleans, decimals), and from then on only runs it. The queryset must be a `.values()` read whose only
varying parameter is that string compared for equality; everything else in it is fixed when it is built. The
query goes through Django's cursor like any other (counted by the tests' query counters, logged under DEBUG).

`FixedRow` does the same for a read with no varying value but a few constants named by the code (the metric
codes of an event kind): compiled once per set of constants, as the progress listener's look at the target
table on every survey response is (0.13 ms of queryset for a 0.01 ms query).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

K = TypeVar("K", bound=Hashable)

#: Stands for the varying value while the queryset is compiled; never a real value (a NUL cannot be stored).
MARKER = "\x00pufa.prepared\x00"


def compile_marked(queryset: QuerySet[Any, Any], using: str) -> tuple[str, list[Any], int, SQLCompiler]:
    """The SQL and parameters of a queryset built with MARKER in place of its one varying value, that value's
    position among the parameters, and the compiler (its columns and converters): the SQL can then be run for
    any value without building it again (`OneRow`; the ledger's per-region union of one compiled query)."""
    compiler = queryset.query.get_compiler(using)
    sql, params = compiler.as_sql()
    places = [i for i, p in enumerate(params) if p == MARKER]
    if len(places) != 1:
        raise ValueError("OneRow, compile_marked: the queryset must use its varying value once, compared as it is")
    return sql, list(params), places[0], compiler


class _Compiled:
    def __init__(self, queryset: QuerySet[Any, Any], using: str, *, marked: bool = True) -> None:
        query = queryset.query
        self.place: int | None
        if marked:
            self.sql, self.params, self.place, compiler = compile_marked(queryset, using)
        else:
            compiler = query.get_compiler(using)
            sql, params = compiler.as_sql()
            self.sql, self.params, self.place = sql, list(params), None
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())

    def row(self, using: str, value: str | None = None) -> dict[str, Any] | None:
        connection = connections[using]
        params = list(self.params)
        if self.place is not None:
            params[self.place] = value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for position, (converters, expression) in self.converters:
            for convert in converters:
                values[position] = convert(values[position], expression, connection)
        return dict(zip(self.names, values, strict=False))


class OneRow:
    """`build(value)` returns a `.values()` queryset filtered by `value` (sliced to one row); `get(value)`
    returns that row as a dict, or None."""

    def __init__(self, build: Callable[[str], QuerySet[Any, dict[str, Any]]]) -> None:
        self._build = build
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def get(self, value: str, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any] | None:
        connection = connections[using]
        key = (using, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:  # two threads may both compile it; either result is the same
            compiled = self._compiled[key] = _Compiled(self._build(MARKER), using)
        return compiled.row(using, value)


class FixedRow(Generic[K]):
    """`build(constants)` returns a `.values()` queryset (sliced to one row) whose values all follow from
    `constants` (hashable: a tuple of metric codes, say); `get(constants)` returns that row as a dict, or None.
    Compiled once per process and set of constants, so the constants must come from a small set the code names
    (past `size` sets, a set is compiled on each call rather than kept)."""

    def __init__(self, build: Callable[[K], QuerySet[Any, Any]], *, size: int = 64) -> None:
        self._build = build
        self._size = size
        self._compiled: dict[tuple[str, str, K], _Compiled] = {}

    def get(self, constants: K, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any] | None:
        key = (using, connections[using].vendor, constants)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = _Compiled(self._build(constants), using, marked=False)
            if len(self._compiled) < self._size:
                self._compiled[key] = compiled
        return compiled.row(using)
