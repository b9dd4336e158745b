"""成绩通报: an exam's results circular, written by the reports' document layer from the exams' own figures and
opened by real readers (python-docx, and LibreOffice through the PDF it draws)."""

from __future__ import annotations

import io
import subprocess
from urllib.parse import unquote

import docx
import pytest
from django.urls import reverse

from pufa.exams import selectors, services
from pufa.reports.documents import pdf, render
from pufa.reports.exam_circulars import exam_circular_document
from tests import system
from tests.exams.conftest import answer_all, bank, exam, examinees  # noqa: F401  (fixtures)
from tests.factories import member_of
from tests.reports.test_documents import tool


@pytest.fixture
def sat(exam, examinees):  # noqa: F811
    """甲0 passes (100), 甲1 fails (30), 乙0 passes (80); 甲2 and 乙1 have not sat."""
    for user, right in zip(examinees[:2] + examinees[3:4], [10, 3, 8], strict=True):
        attempt = services.attempt_start(actor=user, exam=exam)
        answer_all(attempt, user, right=right)
        services.attempt_submit(actor=user, attempt=attempt)
    return exam


def _download(client, exam, fmt="docx"):  # noqa: F811
    return client.get(reverse("reports:exam-circular", args=[exam.pk, fmt]))


def test_the_docx_carries_the_results_page_figures(client_for, office_user, sat, world):
    response = _download(client_for(office_user), sat)
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"]).endswith("成绩通报.docx")
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"关于{sat.title}成绩情况的通报" in text.replace("\n", "")  # the title breaks over two lines
    assert "应参考5人，实际参考3人，参考率60.0%；考试通过2人，通过率40.0%。" in text
    assert "尚有人员未参考或未通过" in text and "予以通报表扬" not in text
    table = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in document.tables[0].rows[1:]}
    standing = selectors.exam_standing(sat, office_user)
    assert table == {
        u.unit.name: [str(u.required), str(u.sat), str(u.passed), str(u.participation), str(u.pass_rate)]
        for u in standing.units
    }
    bands = {row.cells[0].text: int(row.cells[1].text) for row in document.tables[1].rows[1:]}
    assert sum(bands.values()) == 3 and bands["90–100"] == bands["80–89"] == bands["30–39"] == 1


def test_a_liaison_gets_the_circular_of_their_unit_only(client_for, sat, world):
    liaison = member_of(world.committee_b, "liaison")
    document = docx.Document(io.BytesIO(b"".join(_download(client_for(liaison), sat).streaming_content)))
    assert [row.cells[0].text for row in document.tables[0].rows[1:]] == [world.committee_b.name]
    assert "桃园社区居委会尚有人员未参考或未通过" in "\n".join(p.text for p in document.paragraphs)


def test_other_regions_and_odd_formats_are_404(client_for, sat, world, office_user):
    other = member_of(world.other_office_unit, "office")
    assert _download(client_for(other), sat).status_code == 404
    assert _download(client_for(office_user), sat, fmt="exe").status_code == 404


def test_units_that_all_passed_are_praised(sat, office_user, examinees, world):  # noqa: F811
    attempt = services.attempt_start(actor=examinees[4], exam=sat)
    answer_all(attempt, examinees[4], right=9)
    services.attempt_submit(actor=examinees[4], attempt=attempt)
    text = "".join(b.text for b in exam_circular_document(sat, office_user).blocks if hasattr(b, "text"))
    assert f"{world.committee_b.name}应考人员全部参考并通过考试，予以通报表扬。" in text


@system.requires(pdf.available(), "LibreOffice")
def test_libreoffice_opens_it(sat, office_user, tmp_path):
    path = tmp_path / "circular.pdf"
    path.write_bytes(render(exam_circular_document(sat, office_user), "pdf"))
    text = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, check=True, text=True).stdout
    compact = text.replace(" ", "").replace("\n", "")
    assert "成绩情况的通报" in compact and "参考率60.0%" in compact and "沱河社区居委会" in compact
