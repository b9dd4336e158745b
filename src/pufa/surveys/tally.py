"""The counts behind the results page, the metrics and the 法治素养 index (`models.Tally`, `models.DayTally`):
added to in the transaction that stores a response, rebuilt from the responses on demand.

`increments()` is the one rule turning a response and its answers into counts; `add()` applies them with
one upsert per table (`INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`, the same statement on
SQLite and PostgreSQL): two phones answering at once each add their own counts, never overwrite each
other's. The rows are written in one order, the most shared last (`_shared_last`), so that concurrent
transactions lock them in the same order (no deadlock) and hold the shared ones briefly.
`rebuild()` recomputes a survey's counts from its rows with the same rule; on PostgreSQL it locks the two
tables against writers first, so a response stored during the rebuild is counted exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

ALL, NONE = 0, -1
RESPONSES, ANSWERED, OPTION, POINT, RIGHT = "r", "a", "o", "p", "c"
SCALE, NUMBER = "scale", "number"

#: (revision, community, audience, question, kind, item) → [n, scored, total, squares]
Counts = dict[tuple[int, int, int, int, str, int], list[int]]
#: (day, community) → [n, scored, total]
DayCounts = dict[tuple[dt.date, int], list[int]]


@dataclass(frozen=True)
class Asked:
    """What the counting needs of a question: its type and its correct options (a knowledge question)."""

    kind: str
    correct: frozenset[int]


def hundredths(value: Decimal | float | int) -> int:
    return int((Decimal(value) * 100).to_integral_value(ROUND_HALF_EVEN))


def increments(
    *,
    revision: int,
    community: int | None,
    audience: int | None,
    score: Decimal | None,
    answers: Iterable[tuple[int, int | None, Decimal | None, str]],
    questions: Mapping[int, Asked],
) -> Counts:
    """The counts one response adds: (question id, option, value, text) per answer row, as stored."""
    own: dict[tuple[int, str, int], list[int]] = {}
    s = hundredths(score) if score is not None else None
    own[(0, RESPONSES, 0)] = [1, int(s is not None), s or 0, (s or 0) ** 2]
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
                own[(qid, POINT, int(values[qid]))] = [1, 0, 0, 0]
        own[(qid, ANSWERED, 0)] = row
        for option in chosen.get(qid, ()):
            own[(qid, OPTION, option)] = [1, 0, 0, 0]
        if asked.correct and chosen.get(qid) == set(asked.correct):
            own[(qid, RIGHT, 0)] = [1, 0, 0, 0]
    counts: Counts = {}
    places = (ALL, NONE if community is None else community)
    groups = (ALL, NONE if audience is None else audience)
    for c in places:
        for a in groups:
            for (qid, kind, item), row in own.items():
                counts[(revision, c, a, qid, kind, item)] = list(row)
    return counts


def day_increments(*, day: dt.date, community: int | None, score: Decimal | None) -> DayCounts:
    s = hundredths(score) if score is not None else None
    return {(day, NONE if community is None else community): [1, int(s is not None), s or 0]}


def merge(into: dict[Any, list[int]], more: dict[Any, list[int]]) -> None:
    for key, row in more.items():
        have = into.get(key)
        if have is None:
            into[key] = list(row)
        else:
            for i, x in enumerate(row):
                have[i] += x


#: The upsert statements, per (database vendor, table, rows): a response adds the same number of rows as the
#: last one of its questionnaire, so its SQL (a hundred rows of eleven values) is built once per process.
_SQL: dict[tuple[str, str, int], str] = {}

#: PostgreSQL takes the rows as one array per column (`unnest`): with a parameter per value, psycopg quoted
#: the 1,200 values of a response's rows one by one (5 ms a response). Columns not named here are integers.
_PG_ARRAYS = {"day": "date", "kind": "text"}


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
        if connection.vendor == "postgresql":  # rows in order, so concurrent upserts lock them in the same order
            cursor.execute(_sql(table, keys, sums, len(rows)), [list(column) for column in zip(*rows, strict=True)])
            return
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.execute(_sql(table, keys, sums, len(chunk)), [x for row in chunk for x in row])


def _shared_last(item: tuple[tuple[int, int, int, int, str, int], list[int]]) -> tuple[Any, ...]:
    """The order rows are written in: a community's and an audience's own rows first, the rows over every
    community (`ALL`, which every response of the survey adds to) last, and the row over every community and
    every audience the very last. A row written is locked until the commit, so another phone's response waits
    on these rows only while this one writes its last few and commits (PostgreSQL: written in key order, they
    were held through most of the upsert, and the responses of a survey were stored one at a time). One total
    order for every response, so no two wait on each other."""
    (_revision, community, audience, *_rest), _row = item
    return (community == ALL, audience == ALL, item[0])


def add(survey_id: int, counts: Counts, days: DayCounts) -> None:
    """Add counts to the tables, inside the caller's transaction: the day's row of the community first (shared
    only within a community), then the survey's rows, the most shared last (`_shared_last`)."""
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
        [(survey_id, *key, *row) for key, row in sorted(counts.items(), key=_shared_last)],
    )


def questions_of(question_model: Any, survey_ids: Iterable[int]) -> dict[int, Asked]:
    return {
        pk: Asked(kind, frozenset(correct or ()))
        for pk, kind, correct in question_model.objects.filter(survey_id__in=list(survey_ids)).values_list(
            "pk", "kind", "correct"
        )
    }


def recount(
    survey_id: int, *, response_model: Any, answer_model: Any, question_model: Any, chunk: int = 5000
) -> tuple[Counts, DayCounts]:
    """A survey's counts recomputed from its responses and answers, with the rule the submissions use."""
    questions = questions_of(question_model, [survey_id])
    counts: Counts = {}
    days: DayCounts = {}
    last = 0
    while True:
        batch = list(
            response_model.objects.filter(survey_id=survey_id, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "revision", "community_id", "audience_id", "score", "submitted_at")[:chunk]
        )
        if not batch:
            break
        last = batch[-1][0]
        rows: dict[int, list[tuple[int, int | None, Decimal | None, str]]] = defaultdict(list)
        for rid, qid, option, value, text in answer_model.objects.filter(
            response_id__in=[b[0] for b in batch]
        ).values_list("response_id", "question_id", "option", "value", "text"):
            rows[rid].append((qid, option, value, text))
        for rid, revision, community, audience, score, at in batch:
            merge(
                counts,
                increments(
                    revision=revision,
                    community=community,
                    audience=audience,
                    score=score,
                    answers=rows.get(rid, ()),
                    questions=questions,
                ),
            )
            merge(days, day_increments(day=timezone.localdate(at), community=community, score=score))
    return counts, days


def rebuild(survey_ids: Iterable[int] | None = None, *, models: Mapping[str, Any] | None = None) -> int:
    """Recompute the counts of the given surveys (default: all) from their responses; returns the surveys
    rebuilt. `models` lets a migration pass its historical models."""
    if models is None:
        from pufa.surveys import models as current

        models = {
            "Survey": current.Survey,
            "Response": current.Response,
            "Answer": current.Answer,
            "Question": current.Question,
            "Tally": current.Tally,
            "DayTally": current.DayTally,
        }
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # writers wait; readers still see the old counts until commit
                cursor.execute("LOCK TABLE surveys_tally, surveys_daytally IN EXCLUSIVE MODE")
        ids = (
            list(models["Survey"].objects.order_by("pk").values_list("pk", flat=True))
            if survey_ids is None
            else sorted(set(survey_ids))
        )
        models["Tally"].objects.filter(survey_id__in=ids).delete()
        models["DayTally"].objects.filter(survey_id__in=ids).delete()
        for survey_id in ids:
            counts, days = recount(
                survey_id,
                response_model=models["Response"],
                answer_model=models["Answer"],
                question_model=models["Question"],
            )
            add(survey_id, counts, days)
    return len(ids)
