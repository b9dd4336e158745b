"""The counts behind the results page, the metrics and the 法治素养 index (`models.Tally`, `models.DayTally`),
derived from the responses: folded in a batch at a time before they are read, rebuilt from them on demand.

A response is stored pending (`Response.tallied` false) and its transaction writes no count: the counts over
every community, which every response of a survey adds to, made the responses of a survey wait for one
another's commits (PostgreSQL: ~100 responses/s, each waiting on the rows the one before it held). `fold()`
adds the pending responses: it reads a batch, counts it with the one rule (`count` — the rule `recount` and
`rebuild` use too), then in one short transaction marks the batch tallied and adds its counts with one upsert
per table (`add`: `INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`, the same statement on SQLite and
PostgreSQL). A batch of a thousand responses writes the rows over every community once, not a thousand times.
Who folds: every reader of the counts, first (`selectors`, `metrics`: a figure counts every response stored
when it is read — inside a response's own transaction, that response too), and a background task asked for
after responses are stored (`tasks.request_fold`), so that few are pending when a reader comes. With nothing
pending a fold is one query, on a partial index of the pending rows.

Which rows are stored (`models.Tally`): a response counts in its cell — its revision, community c and audience
a (`NONE` where not given) — and in the cells over every community, (ALL, a) and (ALL, ALL): three rows per
figure. Not in (c, ALL): that row equals the sum of the (c, a) rows over the audiences, and storing it doubled
the rows a batch upserts over the communities (a survey without the audience question wrote (c, ALL) and
(c, NONE), the same figures twice). A reader of one community over every audience sums its rows of the
audiences, a ≠ ALL (`selectors`). `count` adds each response's figures (`own`) into its cell, then the cells
into those over every community once per batch (`spread`), rather than merging four copies of every
response's figures one by one.

The writers of the counts, `fold` and `rebuild`, hold one lock (`core.locks.TALLY` on PostgreSQL; SQLite's
write transactions run one at a time anyway), so they never add to the same rows at once. A fold adds a
batch's counts only if it marked every response of the batch still pending (otherwise another writer counted
some of them since it read the batch: it rolls back and reads again), and the rebuild marks exactly the
responses it read: a response is counted once, by whichever writer marks it. A response committed while a fold
runs is left for the next one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pufa.core import locks
from pufa.core.prepared import FixedRow

ALL, NONE = 0, -1
RESPONSES, ANSWERED, OPTION, POINT, RIGHT = "r", "a", "o", "p", "c"
SCALE, NUMBER = "scale", "number"

#: (revision, community, audience, question, kind, item) → [n, scored, total, squares]: the table's rows
Counts = dict[tuple[int, int, int, int, str, int], list[int]]
#: (revision, community, audience): the responses a row counts
Cell = tuple[int, int, int]
#: (question, kind, item) → [n, scored, total, squares]: the figures of one cell
Figures = dict[tuple[int, str, int], list[int]]
Cells = dict[Cell, Figures]
#: (day, community) → [n, scored, total]
DayCounts = dict[tuple[dt.date, int], list[int]]


@dataclass(frozen=True)
class Asked:
    """What the counting needs of a question: its type and its correct options (a knowledge question)."""

    kind: str
    correct: frozenset[int]


def hundredths(value: Decimal | float | int) -> int:
    return int((Decimal(value) * 100).to_integral_value(ROUND_HALF_EVEN))


def own(
    *,
    score: Decimal | None,
    answers: Iterable[tuple[int, int | None, Decimal | None, str]],
    questions: Mapping[int, Asked],
) -> Figures:
    """The figures one response adds to its cell: (question id, option, value, text) per answer row, as stored."""
    out: Figures = {}
    s = hundredths(score) if score is not None else None
    out[(0, RESPONSES, 0)] = [1, int(s is not None), s or 0, (s or 0) ** 2]
    chosen: dict[int, set[int]] = defaultdict(set)
    values: dict[int, Decimal] = {}
    answered: set[int] = set()
    for qid, option, value, _text in answers:
        answered.add(qid)
        if option is not None:
            chosen[qid].add(option)
        if value is not None:
            values[qid] = value
    for qid in answered:
        asked = questions.get(qid)
        if asked is None:
            continue
        row = [1, 0, 0, 0]
        if qid in values and asked.kind in (SCALE, NUMBER):
            v = hundredths(values[qid])
            row[2] = v
            if asked.kind == SCALE:
                row[3] = v * v  # number questions keep no squares: nothing reads them, and they could overflow
                out[(qid, POINT, int(values[qid]))] = [1, 0, 0, 0]
        out[(qid, ANSWERED, 0)] = row
        for option in chosen.get(qid, ()):
            out[(qid, OPTION, option)] = [1, 0, 0, 0]
        if asked.correct and chosen.get(qid) == set(asked.correct):
            out[(qid, RIGHT, 0)] = [1, 0, 0, 0]
    return out


def cell_of(revision: int, community: int | None, audience: int | None) -> Cell:
    return (revision, NONE if community is None else community, NONE if audience is None else audience)


def spread(cells: Cells) -> None:
    """Add to cells of responses, each in its own (revision, community c, audience a), the cells over every
    community: (ALL, a) per audience and (ALL, ALL) — the rule of what is stored (module docstring). Summed a
    level at a time: each cell into its audience's, those (a few) into the one over everyone."""
    groups: Cells = {}
    for (revision, _community, audience), figures in cells.items():
        merge(groups.setdefault((revision, ALL, audience), {}), figures)
    everyone: Cells = {}
    for (revision, _all, _audience), figures in groups.items():
        merge(everyone.setdefault((revision, ALL, ALL), {}), figures)
    cells.update(groups)
    cells.update(everyone)


def day_increments(*, day: dt.date, community: int | None, score: Decimal | None) -> DayCounts:
    s = hundredths(score) if score is not None else None
    return {(day, NONE if community is None else community): [1, int(s is not None), s or 0]}


def merge(into: dict[Any, list[int]], more: dict[Any, list[int]]) -> None:
    """Add rows of counts to others, key by key, in place (a key new to `into` gets a copy of the row)."""
    for key, row in more.items():
        have = into.get(key)
        if have is None:
            into[key] = list(row)
        else:
            for i, x in enumerate(row):
                have[i] += x


def merge_cells(into: Cells, more: Cells) -> None:
    for cell, figures in more.items():
        merge(into.setdefault(cell, {}), figures)


def flat(cells: Cells) -> Counts:
    """The rows of cells, keyed as the table is: (revision, community, audience, question, kind, item)."""
    return {(*cell, *key): row for cell, figures in cells.items() for key, row in figures.items()}


#: The upsert statements, per (database vendor, table, rows): on PostgreSQL one per table, whatever the rows;
#: on SQLite one per chunk size (500 rows, and the last chunk's).
_SQL: dict[tuple[str, str, int], str] = {}

#: PostgreSQL takes the rows as one array per column (`unnest`): with a parameter per value, psycopg quoted
#: the values one by one (5 ms for a response's 1,200). Columns not named here are integers.
_PG_ARRAYS = {"day": "date", "kind": "text"}


def _pg_array(column: Iterable[int | str | dt.date]) -> str:
    """A column as PostgreSQL's array literal, one string parameter: its values — integers, dates and the
    one-letter kinds — need no quoting inside it. Given a list instead, psycopg dumped it value by value (a
    regular expression each): a fold of a city-wide survey's responses spent 0.17 ms of Python a response, and
    0.10 ms with the literal joined here."""
    return "{" + ",".join(map(str, column)) + "}"


def _sql(table: str, keys: list[str], sums: list[str], rows: int) -> str:
    postgres = connection.vendor == "postgresql"
    built = _SQL.get((connection.vendor, table, 0 if postgres else rows))
    if built is None:
        q = connection.ops.quote_name
        t = q(table)
        columns = ", ".join(q(c) for c in [*keys, *sums])
        if postgres:
            arrays = ", ".join(f"%s::{_PG_ARRAYS.get(c, 'bigint')}[]" for c in [*keys, *sums])
            source = f"SELECT * FROM unnest({arrays})"  # noqa: S608 - types named here; values are parameters
        else:
            one = "(" + ", ".join(["%s"] * (len(keys) + len(sums))) + ")"
            source = f"VALUES {', '.join([one] * rows)}"
        updates = ", ".join(f"{q(c)} = {t}.{q(c)} + excluded.{q(c)}" for c in sums)
        # quoted names of our own columns; the values are parameters
        built = (
            f"INSERT INTO {t} ({columns}) {source} "
            f"ON CONFLICT ({', '.join(q(c) for c in keys)}) DO UPDATE SET {updates}"
        )
        if len(_SQL) < 256:
            _SQL[(connection.vendor, table, 0 if postgres else rows)] = built
    return built


def _upsert(table: str, keys: list[str], sums: list[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                _sql(table, keys, sums, len(rows)), [_pg_array(column) for column in zip(*rows, strict=True)]
            )
            return
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.execute(_sql(table, keys, sums, len(chunk)), [x for row in chunk for x in row])


def add(survey_id: int, cells: Cells, days: DayCounts) -> None:
    """Add counts to the tables, inside the caller's transaction, which holds the tally's lock (`fold`,
    `rebuild`): one writer at a time, so the rows may go in any order; in key order here (the cells sorted,
    then each cell's figures: a few hundred short sorts rather than one of every row)."""
    _upsert(
        "surveys_daytally",
        ["survey_id", "day", "community"],
        ["n", "scored", "total"],
        [(survey_id, *key, *row) for key, row in sorted(days.items())],
    )
    _upsert(
        "surveys_tally",
        ["survey_id", "revision", "community", "audience", "question", "kind", "item"],
        ["n", "scored", "total", "squares"],
        [(survey_id, *cell, *key, *figures[key]) for cell, figures in sorted(cells.items()) for key in sorted(figures)],
    )


def questions_of(question_model: Any, survey_ids: Iterable[int]) -> dict[int, Asked]:
    return {
        pk: Asked(kind, frozenset(correct or ()))
        for pk, kind, correct in question_model.objects.filter(survey_id__in=list(survey_ids)).values_list(
            "pk", "kind", "correct"
        )
    }


#: What the counting reads of a response, in this order.
FIELDS = ("pk", "survey_id", "revision", "community_id", "audience_id", "score", "submitted_at")
Row = tuple[Any, ...]


def count(
    rows: Sequence[Row], *, answer_model: Any, questions: Mapping[int, Asked]
) -> dict[int, tuple[Cells, DayCounts]]:
    """The counts these responses (`FIELDS`) add, per survey, by the one rule: each response's figures (`own`,
    from its answers, read here in one query) added up in its cell, then the cells over every community once
    for them all (`spread`); the days by `day_increments`. `questions`: those of their surveys."""
    answers: dict[int, list[tuple[int, int | None, Decimal | None, str]]] = defaultdict(list)
    for rid, qid, option, value, text in answer_model.objects.filter(
        response_id__in=[row[0] for row in rows]
    ).values_list("response_id", "question_id", "option", "value", "text"):
        answers[rid].append((qid, option, value, text))
    out: dict[int, tuple[Cells, DayCounts]] = {}
    for rid, survey_id, revision, community, audience, score, at in rows:
        cells, days = out.setdefault(survey_id, ({}, {}))
        figures = own(score=score, answers=answers.get(rid, ()), questions=questions)
        cell = cell_of(revision, community, audience)
        have = cells.get(cell)
        if have is None:
            cells[cell] = figures  # its own: `own` built it for this response
        else:
            merge(have, figures)
        merge(days, day_increments(day=timezone.localdate(at), community=community, score=score))
    for cells, _days in out.values():
        spread(cells)
    return out


def _batches(rows: Any, chunk: int) -> Iterator[list[Row]]:
    """The responses of a queryset, `chunk` at a time by id."""
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).order_by("pk").values_list(*FIELDS)[:chunk])
        if not batch:
            return
        last = batch[-1][0]
        yield batch


def _recount(survey_id: int, models: Mapping[str, Any], chunk: int, mark: bool) -> tuple[Cells, DayCounts]:
    questions = questions_of(models["Question"], [survey_id])
    cells: Cells = {}
    days: DayCounts = {}
    response = models["Response"]
    for batch in _batches(response.objects.filter(survey_id=survey_id), chunk):
        for more, more_days in count(batch, answer_model=models["Answer"], questions=questions).values():
            merge_cells(cells, more)
            merge(days, more_days)
        if mark:  # exactly the responses read: one committed since, below the last id read, stays pending
            response.objects.filter(pk__in=[row[0] for row in batch], tallied=False).update(tallied=True)
    return cells, days


def recount(
    survey_id: int, *, response_model: Any, answer_model: Any, question_model: Any, chunk: int = 5000
) -> tuple[Counts, DayCounts]:
    """A survey's counts recomputed from all its responses and answers (pending or not), by the one rule: the
    rows the tally should hold."""
    models = {"Response": response_model, "Answer": answer_model, "Question": question_model}
    cells, days = _recount(survey_id, models, chunk, mark=False)
    return flat(cells), days


def _current() -> dict[str, Any]:
    from pufa.surveys import models as current

    return {
        "Survey": current.Survey,
        "Response": current.Response,
        "Answer": current.Answer,
        "Question": current.Question,
        "Tally": current.Tally,
        "DayTally": current.DayTally,
    }


class _Counted(Exception):
    """Another writer counted some of a batch since it was read: roll the marks back and read again."""


#: Responses per fold transaction. A batch's counts are tens of rows per community answered and a few hundred
#: over every community (a thousand responses from 250 communities: 14,000 rows, 0.2 s to count and 0.35 s to
#: add on PostgreSQL), and the transaction adding them holds SQLite's one write lock (PostgreSQL: the tally's).
BATCH = 1000


#: "Is any response pending?", its SQL compiled once per process (`core.prepared`): every read of the figures
#: asks it first, and building the queryset cost twenty times running it (1 ms against 0.05 ms). Unordered: with
#: the model's ordering (newest first) PostgreSQL read and sorted every pending row to return one.
_ANY_PENDING: FixedRow[tuple[()]] = FixedRow(
    lambda _: _current()["Response"].objects.filter(tallied=False).order_by().values("pk")[:1]
)


def fold(survey_ids: Iterable[int] | None = None, *, batch: int = BATCH) -> int:
    """Add the pending responses of these surveys (default: every survey) to the counts; returns how many.
    Nothing pending: one query. Called inside a transaction, that transaction's own responses are folded too."""
    ids = None if survey_ids is None else sorted(set(survey_ids))
    if ids == [] or _ANY_PENDING.get(()) is None:
        return 0
    models = _current()
    response = models["Response"]
    pending = response.objects.filter(tallied=False)
    if ids is not None:
        pending = pending.filter(survey_id__in=ids)
    folded = last = 0
    while True:
        rows = list(pending.filter(pk__gt=last).order_by("pk").values_list(*FIELDS)[:batch])
        if not rows:
            return folded
        # read and counted outside the transaction: on SQLite it holds the database's one write lock
        counted = count(
            rows,
            answer_model=models["Answer"],
            questions=questions_of(models["Question"], {row[1] for row in rows}),
        )
        pks = [row[0] for row in rows]
        try:
            with transaction.atomic():
                locks.hold(locks.TALLY)
                if response.objects.filter(pk__in=pks, tallied=False).update(tallied=True) != len(pks):
                    raise _Counted
                for survey_id, (cells, days) in sorted(counted.items()):
                    add(survey_id, cells, days)
        except _Counted:
            continue  # read the batch again: those counted since are no longer pending
        folded += len(pks)
        last = pks[-1]


def rebuild(survey_ids: Iterable[int] | None = None, *, models: Mapping[str, Any] | None = None) -> int:
    """Recompute the counts of the given surveys (default: all) from all their responses, and mark those
    responses tallied; returns the surveys rebuilt. Under the tally's lock, so that no fold adds to the rows
    at the same time. `models` lets a migration pass its historical models."""
    if models is None:
        models = _current()
    with transaction.atomic():
        locks.hold(locks.TALLY)  # writers wait; readers see the old counts until the commit
        ids = (
            list(models["Survey"].objects.order_by("pk").values_list("pk", flat=True))
            if survey_ids is None
            else sorted(set(survey_ids))
        )
        models["Tally"].objects.filter(survey_id__in=ids).delete()
        models["DayTally"].objects.filter(survey_id__in=ids).delete()
        for survey_id in ids:
            cells, days = _recount(survey_id, models, 5000, mark=True)
            add(survey_id, cells, days)
    return len(ids)
