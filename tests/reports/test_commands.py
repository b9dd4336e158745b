"""`pufa report-generate` and `pufa report-generate-all` (through the task API, immediate backend in tests)."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command

from pufa.reports import services
from pufa.reports.documents import pdf
from pufa.reports.models import parse_period
from tests import system


def test_parse_period():
    assert parse_period("2024H1") == ("h1", 2024) and parse_period("2024h1") == ("h1", 2024)
    assert parse_period("2024") == ("year", 2024)
    for bad in ("2024Q3", "H1", "1999", ""):
        with pytest.raises(ValueError):
            parse_period(bad)


def test_report_generate_docx_and_xlsx(world, ledger, tmp_path, capsys):
    out = tmp_path / "a.docx"
    call_command("report_generate", "--unit", "tuohe-tuohe", "--period", "2026H1", "--format", "docx", "-o", str(out))
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == "沱河社区居委会2026年上半年\n普法工作情况报告"  # the title in two lines
    assert any("共开展普法活动5场次" in p.text for p in document.paragraphs)
    assert "已生成" in capsys.readouterr().out
    xlsx = tmp_path / "a.xlsx"
    call_command("report_generate", "--unit", "tuohe-tuohe", "--period", "2026", "--format", "xlsx", "-o", str(xlsx))
    rows = {r[0]: r[1] for r in openpyxl.load_workbook(xlsx)["基本情况"].iter_rows(min_row=3, values_only=True)}
    assert rows["开展普法活动"] == 6  # the year: + the July lecture


def test_report_generate_uses_the_frozen_report(world, ledger, liaison, tmp_path):
    report = services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    services.report_update(
        actor=liaison, report=report, title="自拟标题", intro="", practices="做法。", problems="", plans="打算。"
    )
    services.report_submit(actor=liaison, report=report)
    out = tmp_path / "frozen.docx"
    call_command("report_generate", "--unit", "tuohe-tuohe", "--period", "2026H1", "-o", str(out))
    assert docx.Document(str(out)).paragraphs[0].text == "自拟标题"


def test_report_generate_errors(world, tmp_path, monkeypatch):
    with pytest.raises(CommandError, match="没有编码"):
        call_command("report_generate", "--unit", "nope", "--period", "2026", "-o", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="报告期"):
        call_command("report_generate", "--unit", "tuohe-tuohe", "--period", "2026Q1", "-o", str(tmp_path / "x"))
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    with pytest.raises(CommandError, match="未安装 LibreOffice"):
        call_command(
            "report_generate", "--unit", "tuohe-tuohe", "--period", "2026", "--format", "pdf", "-o", str(tmp_path / "x")
        )


def test_report_generate_summary(world, ledger, tmp_path):
    out = tmp_path / "s.docx"
    call_command("report_generate", "--unit", "tuohe-fzb", "--summary", "--period", "2026H1", "-o", str(out))
    document = docx.Document(str(out))
    assert document.paragraphs[0].text.replace("\n", "") == "沱河街道2026年上半年普法工作情况汇总报告"
    assert "各单位报送情况" in "\n".join(p.text for p in document.paragraphs)


def test_report_generate_all_runs_one_task_per_chunk(world, ledger, tmp_path, capsys):
    call_command(
        "report_generate_all", "--period", "2026", "--format", "docx", "-o", str(tmp_path), "--chunk", "2", "--wait"
    )
    out = capsys.readouterr().out
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == sorted(
        f"{code}.docx" for code in ("tuohe-fzb", "tuohe-sfs", "tuohe-tuohe", "tuohe-taoyuan", "sanba-fzb")
    )
    assert "3 个生成任务" in out and "完成：5 份报告" in out
    text = "\n".join(
        p.text for p in docx.Document(io.BytesIO((tmp_path / "tuohe-taoyuan.docx").read_bytes())).paragraphs
    )
    assert "桃园社区居委会2026年度普法工作情况报告" in text


def test_report_generate_all_for_a_region(world, ledger, tmp_path):
    call_command(
        "report_generate_all", "--period", "2026H1", "-o", str(tmp_path), "--region", str(world.community_b.pk)
    )
    assert [p.name for p in tmp_path.iterdir()] == ["tuohe-taoyuan.docx"]


@system.requires(pdf.available(), "LibreOffice")
def test_report_generate_all_pdf(world, ledger, tmp_path):
    call_command(
        "report_generate_all",
        "--period",
        "2026H1",
        "--format",
        "pdf",
        "-o",
        str(tmp_path),
        "--region",
        str(world.street_a.pk),
        "--wait",
    )
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 4 and all(name.endswith(".pdf") for name in files)
    assert (tmp_path / "tuohe-tuohe.pdf").read_bytes().startswith(b"%PDF")


def test_generate_reports_run_again_keeps_what_it_wrote(world, ledger, tmp_path):
    """A task run again (its worker died mid-chunk) makes only the reports not yet written since the run began,
    removes the half-written file the dead worker left, and replaces reports of an earlier run."""
    import os
    import time

    from pufa.org.models import Unit
    from pufa.reports.tasks import generate_reports

    units = {u.code: u.pk for u in Unit.objects.filter(code__in=["tuohe-tuohe", "tuohe-taoyuan", "tuohe-sfs"])}
    earlier = tmp_path / "tuohe-sfs.docx"
    earlier.write_bytes(b"an earlier run's report")
    os.utime(earlier, (time.time() - 3600, time.time() - 3600))
    since = time.time()
    first = generate_reports.call(
        unit_ids=[units["tuohe-tuohe"]], period="year", year=2026, fmt="docx", out_dir=str(tmp_path), since=since
    )
    assert first["written"] == 1 and first["kept"] == 0
    done = (tmp_path / "tuohe-tuohe.docx").stat()
    (tmp_path / ".tuohe-taoyuan.docx.4242-dead.part").write_bytes(b"half a rep")  # the dead worker's
    again = generate_reports.call(
        unit_ids=list(units.values()), period="year", year=2026, fmt="docx", out_dir=str(tmp_path), since=since
    )
    assert again["written"] == 2 and again["kept"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tuohe-sfs.docx", "tuohe-taoyuan.docx", "tuohe-tuohe.docx"]
    kept = (tmp_path / "tuohe-tuohe.docx").stat()
    assert (kept.st_ino, kept.st_mtime_ns) == (done.st_ino, done.st_mtime_ns)  # made once
    for code in ("tuohe-sfs", "tuohe-taoyuan"):
        assert "普法工作情况报告" in docx.Document(str(tmp_path / f"{code}.docx")).paragraphs[0].text


def test_report_generate_all_waits_through_a_moment_without_the_queue(world, tmp_path, monkeypatch, capsys):
    """--wait outlives the task queue's store restarting (Redis, the database): the tasks go on meanwhile."""
    import types

    from pufa.reports.management.commands import report_generate_all as command

    class Result:
        def __init__(self) -> None:
            self.is_finished, self.status, self.calls = False, "READY", 0
            self.return_value = {"written": 2, "kept": 0}
            self.errors: list[object] = []

        def refresh(self) -> None:
            self.calls += 1
            if self.calls <= 2:
                raise ConnectionError("Redis is restarting")
            self.is_finished, self.status = True, "SUCCESSFUL"

    made: list[Result] = []
    fake = types.SimpleNamespace(enqueue=lambda **kw: made.append(Result()) or made[-1])
    monkeypatch.setattr(command, "generate_reports", fake)
    monkeypatch.setattr(command.time, "sleep", lambda seconds: None)
    call_command("report_generate_all", "--period", "2026", "-o", str(tmp_path), "--chunk", "2", "--wait")
    assert made and all(r.is_finished for r in made)
    assert f"完成：{2 * len(made)} 份报告" in capsys.readouterr().out
    made.clear()
    monkeypatch.setattr(command, "STORE_AWAY_LIMIT", -1)  # away for longer than --wait waits: said, not hidden
    with pytest.raises(CommandError, match="无法读取任务状态"):
        call_command("report_generate_all", "--period", "2026", "-o", str(tmp_path), "--chunk", "2", "--wait")
