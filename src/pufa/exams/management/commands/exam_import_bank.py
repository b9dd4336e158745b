"""`pufa exam-import-bank FILE [--json] [--bank ID]`: read a question bank (.docx/.txt/.xlsx) from the command line.

Without --bank it only reads and prints what it read: the count, each question, every question it could not
read (number, text, reason) and the duplicates; --json prints the same as JSON and nothing else. With --bank
the questions are added to that bank through the same service as the upload page (as the system actor). A
file that is not a bank exits with status 2 and the reader's Chinese message on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pufa.exams import parsing, services
from pufa.exams.models import Bank
from pufa.org.access import SYSTEM

EXIT_BAD_FILE = 2


class Command(BaseCommand):
    help = "读取题库文件（.docx/.txt/.xlsx），列出识别出的试题、无法识别的题目和重复题；可导入题库。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="题库文件路径")
        parser.add_argument("--json", action="store_true", help="只输出识别结果 JSON")
        parser.add_argument("--bank", type=int, help="导入到该编号的题库")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            self.stderr.write(f"无法读取文件：找不到“{path}”")
            raise SystemExit(EXIT_BAD_FILE)
        try:
            result = parsing.read_bank(path.read_bytes(), path.name)
        except parsing.BankReadError as exc:
            self.stderr.write(str(exc))
            raise SystemExit(EXIT_BAD_FILE) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._summary(result)
        if options["bank"]:
            bank = Bank.objects.filter(pk=options["bank"]).first()
            if bank is None:
                raise CommandError(f"找不到编号为 {options['bank']} 的题库")
            outcome = services.bank_import(actor=SYSTEM, bank=bank, result=result, source=path.name)
            if not options["json"]:
                self.stdout.write(f"已导入“{bank.name}”：{outcome.message()}")

    def _summary(self, result: parsing.BankResult) -> None:
        kinds: dict[str, int] = {}
        for q in result.questions:
            kinds[q.kind] = kinds.get(q.kind, 0) + 1
        counts = "，".join(f"{parsing.KIND_LABELS[k]}{n}道" for k, n in kinds.items())
        self.stdout.write(f"识别出{len(result.questions)}道题（{counts or '无'}）。")
        for q in result.questions:
            options = " ".join(f"{parsing.LETTERS[i]}.{o}" for i, o in enumerate(q.options))
            self.stdout.write(f"  {q.number}. [{parsing.KIND_LABELS[q.kind]}] {q.stem} {options} 答案：{q.answer}")
        if result.problems:
            self.stdout.write(f"无法识别{len(result.problems)}道题：")
            for p in result.problems:
                self.stdout.write(f"  第{p.number}题：{p.reason} — {p.text}")
        for number, first in result.duplicates:
            self.stdout.write(f"  第{number}题与第{first}题重复")
