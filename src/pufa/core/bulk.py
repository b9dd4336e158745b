"""Writing many derived or imported rows that need no id back, as fast as each database allows.

`bulk_create` builds a model instance per row, runs every field's save path and, on PostgreSQL, asks for the
ids back; for the 10,000-row ledger import and the figures it updates (tens of thousands of participation
rows, links, period checks and statuses) that is most of the time. Here rows are plain tuples: PostgreSQL
receives them through COPY, SQLite through multi-row INSERTs. Nothing is validated — callers pass values
they built themselves, ready for the database (`insert_instances` converts model instances). `insert_one`
inserts one instance and gives it its id, for a row written on every request of a hot public page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def insert_rows(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert these rows (values in the order of `attnames`, e.g. "unit_id") into the model's table."""
    rows = list(rows)
    if not rows:
        return
    columns = {f.attname: f.column for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    # Table and column names come from the model's metadata; values are parameters or COPY data.
    names = ", ".join(quote(columns[a]) for a in attnames)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(attnames))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        for i in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[i : i + 5000])


def insert_instances(model: type[models.Model], objs: Iterable[models.Model]) -> int:
    """Insert unsaved instances without fetching their ids (they stay unsaved); returns how many."""
    # Every concrete column but an automatic id; pre_save fills auto_now dates as a save would.
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.remote_field is None)]
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    insert_rows(model, [f.attname for f in fields], rows)
    return len(rows)


#: INSERT … RETURNING of one instance, per (model, database vendor): its fields and SQL.
_ONE: dict[tuple[type[models.Model], str], tuple[list[models.Field[Any, Any]], str]] = {}


def insert_one(obj: models.Model) -> None:
    """Insert one unsaved instance and set its id (INSERT … RETURNING, SQLite ≥ 3.35 and PostgreSQL), as
    `save()` would on a new row but with the SQL built once per model: no signals, no validation, no
    parents — for a hot path (a survey response from a phone, where `save()` cost ten times its query).
    An IntegrityError is raised as `save()` raises it."""
    model = type(obj)
    built = _ONE.get((model, connection.vendor))
    if built is None:
        fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.remote_field is None)]
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608 - names from the model
        built = _ONE[(model, connection.vendor)] = (fields, sql)
    fields, sql = built
    with connection.cursor() as cursor:
        cursor.execute(sql, [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias
