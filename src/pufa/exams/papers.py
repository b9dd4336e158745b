"""Drawing a paper (组卷): N questions per type, tag quotas first, options shuffled — from ids alone.

Real platforms fail at the *start* step on the last day, so drawing reads only the bank's (id, kind, law)
rows and the domain tags (two small queries, the same for every examinee of an exam) and stores the result
as plain lists in the attempt's row; nothing is written per question.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from pufa.exams.models import Exam, Kind, Question

KIND_ORDER = (Kind.SINGLE, Kind.MULTIPLE, Kind.JUDGE)


@dataclass(frozen=True)
class PoolItem:
    id: int
    kind: str
    options: int
    law: str
    domains: frozenset[str]


def pool(exam: Exam) -> list[PoolItem]:
    rows = list(Question.objects.filter(bank_id=exam.bank_id).values_list("id", "kind", "options", "law"))
    tags: dict[int, set[str]] = {}
    through = Question.domains.through.objects.filter(question__bank_id=exam.bank_id)
    for question_id, code in through.values_list("question_id", "domain__code"):
        tags.setdefault(question_id, set()).add(code)
    return [
        PoolItem(qid, kind, len(options or []), law, frozenset(tags.get(qid, ()))) for qid, kind, options, law in rows
    ]


def _matches(item: PoolItem, quota: dict) -> bool:
    value = str(quota.get("value", ""))
    if quota.get("kind") and item.kind != quota["kind"]:
        return False
    if quota.get("field") == "domain":
        return value in item.domains
    return bool(value) and value in item.law


def check_rules(exam: Exam, items: list[PoolItem]) -> None:
    """Refuse rules the bank cannot satisfy, with the shortfall named (checked when the exam is published)."""
    errors = []
    for kind in KIND_ORDER:
        wanted = int((exam.rules.get(kind) or {}).get("count", 0))
        have = sum(1 for i in items if i.kind == kind)
        if wanted > have:
            errors.append(f"{Kind(kind).label}需要{wanted}道，题库只有{have}道")
    for quota in exam.rules.get("quotas", []):
        have = sum(1 for i in items if _matches(i, quota))
        if int(quota.get("count", 0)) > have:
            errors.append(f"「{quota.get('value')}」需要{quota.get('count')}道，题库只有{have}道")
    if not any(int((exam.rules.get(k) or {}).get("count", 0)) for k in KIND_ORDER):
        errors.append("组卷规则中没有题目")
    if errors:
        raise ValidationError({"rules": "；".join(errors) + "。"})


def draw(exam: Exam, items: list[PoolItem], rng: random.Random | None = None) -> list[list[object]]:
    """A random paper: quotas filled first (they count toward their question's type), then each type topped
    up to its N; questions in random order within their type; each question's options in random order."""
    rng = rng or random.SystemRandom()
    chosen: dict[str, list[PoolItem]] = {str(k): [] for k in KIND_ORDER}
    taken: set[int] = set()
    wanted: dict[str, int] = {str(k): int((exam.rules.get(k) or {}).get("count", 0)) for k in KIND_ORDER}
    for quota in exam.rules.get("quotas", []):
        candidates = [
            i for i in items if i.id not in taken and _matches(i, quota) and len(chosen[i.kind]) < wanted[i.kind]
        ]
        for item in rng.sample(candidates, min(int(quota.get("count", 0)), len(candidates))):
            if len(chosen[item.kind]) < wanted[item.kind]:
                chosen[item.kind].append(item)
                taken.add(item.id)
    for kind in KIND_ORDER:
        rest = [i for i in items if i.kind == kind and i.id not in taken]
        need = max(0, wanted[kind] - len(chosen[kind]))
        chosen[kind].extend(rng.sample(rest, min(need, len(rest))))
    paper: list[list[object]] = []
    letters = "ABCDEFGH"
    for kind in KIND_ORDER:
        rng.shuffle(chosen[kind])
        for item in chosen[kind]:
            order = list(letters[: item.options])
            rng.shuffle(order)
            paper.append([item.id, "".join(order)])
    return paper
