"""Exam figures across surfaces, on the demo district: participants, pass rate and each unit's 应考尽考 standing
agree on the exam page, the results page, the .xlsx export, the results circular (成绩通报, .docx), the registered
metrics and a plain count of memberships and sittings."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import docx
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pufa.exams.models import Attempt, Exam
from pufa.org.models import Membership, Unit, User
from pufa.plans import metrics


def _rate(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1")) if whole else Decimal(0)


def plain(exam: Exam) -> dict[str, tuple[int, int, int]]:
    """The rule written out: active members, in a required role, of a live unit under a required unit (each
    person once, for their first such membership); sat = handed in a paper, passed = any passing paper."""
    paths = [u.path for u in exam.required_units.all()]
    unit_of: dict[int, Unit] = {}
    for m in Membership.objects.select_related("unit", "user").order_by("id"):
        if (
            m.is_active
            and m.user.is_active
            and m.unit.deleted_at is None
            and any(m.unit.path.startswith(p) for p in paths)
            and (not exam.required_roles or m.role in exam.required_roles)
        ):
            unit_of.setdefault(m.user_id, m.unit)
    sittings = list(Attempt.objects.filter(exam=exam).values_list("user_id", "status", "passed"))
    sat = {u for u, status, _ in sittings if status == "submitted"}
    passed = {u for u, _, ok in sittings if ok}
    figures: dict[str, list[int]] = {}
    for user_id, unit in unit_of.items():
        row = figures.setdefault(unit.name, [0, 0, 0])
        row[0] += 1
        row[1] += user_id in sat
        row[2] += user_id in passed
    return {name: (r[0], r[1], r[2]) for name, r in figures.items()}


def test_demo_exam_figures_agree_everywhere(client_for, db):
    call_command("seed_demo", "--quiet-logins")
    exam = Exam.objects.get(title="2026年度法治带头人、法律明白人学法考试")
    office = User.objects.get(username="tuohe_fzb")
    expected = plain(exam)
    required, sat, passed = (sum(r[i] for r in expected.values()) for i in range(3))
    assert len(expected) == 2 and 0 < passed < sat < required  # the demo has someone not sat and one failed
    c = client_for(office)

    detail = c.get(reverse("exams:exam-detail", args=[exam.pk])).content.decode()
    rows = re.findall(r'<tr data-testid="unit-row">(.*?)</tr>', detail)
    on_page = {}
    for row in rows:
        cells = dict(re.findall(r'<td data-label="([^"]+)">([^<]*)</td>', row))
        on_page[cells["单位"]] = (int(cells["应考"]), int(cells["参考"]), int(cells["通过"]))
    assert on_page == expected
    total_rate = _rate(passed, required)
    assert f"应考{required}人，参考{sat}人（{_rate(sat, required)}%）" in detail
    assert f'<span data-testid="pass-rate">{total_rate}</span>' in detail

    results = c.get(reverse("exams:exam-results", args=[exam.pk])).context
    assert sum(r["required"] for r in results["regions"]) == required
    assert sum(r["sat"] for r in results["regions"]) == sum(n for _, n in results["bands"]) == sat
    assert sum(r["passed"] for r in results["regions"]) == passed

    export = c.get(reverse("exams:exam-export", args=[exam.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content)))["各单位"]
    exported = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert {name: tuple(r[1:4]) for name, r in exported.items()} == expected

    circular = c.get(reverse("reports:exam-circular", args=[exam.pk, "docx"]))
    document = docx.Document(io.BytesIO(b"".join(circular.streaming_content)))
    text = "".join(p.text for p in document.paragraphs)
    assert f"应参考{required}人，实际参考{sat}人，参考率{_rate(sat, required)}%；" in text
    assert f"考试通过{passed}人，通过率{total_rate}%。" in text
    table = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in document.tables[0].rows[1:]}
    assert {name: tuple(int(v) for v in r[:3]) for name, r in table.items()} == expected

    units = {u.name: u for u in Unit.objects.filter(name__in=list(expected))}
    day = timezone.localdate(exam.ends_at)
    ids = [u.pk for u in units.values()]
    rates = metrics.compute("exams.pass_rate", unit_ids=ids, start=day, end=day)
    shares = metrics.compute("exams.participation", unit_ids=ids, start=day, end=day)
    for name, (req, sat_n, ok) in expected.items():
        unit = units[name]
        assert rates[unit.pk] == _rate(ok, req) == Decimal(str(exported[name][5])) == Decimal(table[name][4])
        assert shares[unit.pk] == _rate(sat_n, req) == Decimal(str(exported[name][4])) == Decimal(table[name][3])
