"""`pufa demand-classify FILE --json` and `pufa demand-train`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from pufa.demand.models import GazetteerEntry, TrainedModel, WorkOrder


def test_classify_prints_text_domain_place_and_confidence(world, tmp_path):
    GazetteerEntry.objects.create(name="锦绣花园", kind="estate", region=world.community_b)
    path = tmp_path / "orders.txt"
    path.write_text("家住锦绣花园，楼上漏水物业不管\n\n公司拖欠工资三个月不发\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "demand_classify", str(path), "--json", "--region", world.street_a.name, stdout=out, stderr=io.StringIO()
    )
    rows = json.loads(out.getvalue())
    assert [set(r) for r in rows] == [{"text", "domain", "place", "confidence"}] * 2
    assert (rows[0]["domain"], rows[0]["place"]) == ("房产物业", "桃园社区")
    assert (rows[1]["domain"], rows[1]["place"]) == ("劳动就业与社会保障", "")
    assert all(0 < r["confidence"] <= 1 for r in rows)


def test_classify_refuses_a_missing_file_or_region(world, tmp_path):
    with pytest.raises(CommandError, match="无法读取"):
        call_command("demand_classify", str(tmp_path / "none.txt"), "--json")
    path = tmp_path / "a.txt"
    path.write_text("离婚", encoding="utf-8")
    with pytest.raises(CommandError, match="找不到区划"):
        call_command("demand_classify", str(path), "--region", "没有这个区")


def test_train_learns_from_corrections(world):
    from django.utils import timezone

    from pufa.core.models import Domain

    WorkOrder.objects.create(
        region=world.street_a,
        number="T1",
        received_at=timezone.now(),
        text="咨询宠物美容店把狗弄伤了怎么索赔",
        domain=Domain.objects.get(code="scjg-sp"),
        domain_manual=True,
    )
    out = io.StringIO()
    call_command("demand_train", stdout=out)
    model = TrainedModel.objects.get(is_active=True)
    assert model.corrections == 1 and model.samples == 141
    assert "人工更正 1 条" in out.getvalue()
    call_command("demand_train", stdout=io.StringIO())
    assert TrainedModel.objects.filter(is_active=True).count() == 1 and TrainedModel.objects.count() == 2
