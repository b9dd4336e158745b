"""`pufa demand-train`: retrain the demand classifier on the seed corpus and the offices' corrections."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pufa.core.actors import SYSTEM
from pufa.demand import services


class Command(BaseCommand):
    help = "用种子语料和办公室的人工更正重新训练工单分类模型。"

    def handle(self, *args: Any, **options: Any) -> None:
        row = services.train(actor=SYSTEM)
        self.stdout.write(f"已训练：{row.samples} 条样本，其中人工更正 {row.corrections} 条。")
