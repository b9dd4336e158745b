"""The demand pages: two-step import, correction and training, scoping, the review 待办, the dashboard's
figures opening their orders, and recommended topics read through the ledger's counting rule."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pufa.core.actors import SYSTEM
from pufa.core.home import inbox
from pufa.core.models import AuditEntry, Domain
from pufa.demand import counts, selectors, services
from pufa.demand.models import TrainedModel, WorkOrder
from tests.demand.conftest import xlsx
from tests.factories import make_activity


def order(world, number: str, text: str, *, place=None, domain: str = "ldjy-shbz", day=dt.date(2026, 3, 5), conf=0.9):
    """An order written directly, counted as the services count theirs (`demand.counts`)."""
    made = WorkOrder.objects.create(
        region=world.street_a,
        number=number,
        received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        text=text,
        place=place or world.community_a,
        place_confidence=0.95,
        domain=Domain.objects.get(code=domain),
        domain_confidence=conf,
    )
    counts.created([made])
    return made


def test_import_in_two_steps_with_the_mapping_shown(client, world, office_user, rows):
    client.force_login(office_user)
    page = client.get(reverse("demand:import"))
    assert "不会被保存" in page.content.decode()
    upload = SimpleUploadedFile("export.xlsx", xlsx(rows))
    step = client.post(reverse("demand:import"), {"file": upload, "region": world.street_a.pk})
    body = step.content.decode()
    assert step.status_code == 200 and "核对导入列" in body and "锦绣花园5栋" in body
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    mapping = {"number": 0, "received_at": 3, "text": 4, "address": 5, "category": 6, "handler": "", "status": ""}
    done = client.post(reverse("demand:import"), {"token": token, **mapping})
    assert done.status_code == 302
    assert WorkOrder.objects.count() == 3 and set(WorkOrder.objects.values_list("handler", flat=True)) == {""}
    again = client.post(reverse("demand:import"), {"token": token, **mapping})
    assert again.status_code == 302 and WorkOrder.objects.count() == 3  # the stored upload is gone


def test_import_errors_are_shown_and_nothing_kept(client, world, office_user, rows):
    rows[0][3] = "不知道"
    client.force_login(office_user)
    body = client.post(
        reverse("demand:import"), {"file": SimpleUploadedFile("e.xlsx", xlsx(rows)), "region": world.street_a.pk}
    ).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    mapping = {"number": 0, "received_at": 3, "text": 4, "address": 5, "category": "", "handler": "", "status": ""}
    result = client.post(reverse("demand:import"), {"token": token, **mapping}).content.decode()
    assert "全部未导入" in result and "第2行" in result
    assert not WorkOrder.objects.exists()


def test_a_token_of_another_user_is_refused(client, world, office_user, rows):
    from django.core import signing

    from pufa.demand.views import UPLOAD_SALT

    token = signing.dumps({"file": "demand/uploads/x.csv", "user": office_user.pk + 99, "region": 1}, salt=UPLOAD_SALT)
    client.force_login(office_user)
    response = client.post(reverse("demand:import"), {"token": token}, follow=True)
    assert "重新上传" in response.content.decode()


def test_correction_is_audited_leaves_the_queue_and_trains_the_model(client, world, office_user):
    low = order(world, "A1", "咨询宠物寄养被弄丢了怎么办", conf=0.1)
    client.force_login(office_user)
    todo = [t for t in inbox(office_user).todos if "待复核" in t.label]
    assert todo[0].count == 1
    assert low in selectors.order_list(actor=office_user, review=True)
    domain = Domain.objects.get(code="scjg-sp")
    response = client.post(
        reverse("demand:order-detail", args=[low.pk]), {"domain": domain.pk, "place": world.community_b.pk}
    )
    assert response.status_code == 302
    low.refresh_from_db()
    assert (low.domain, low.domain_manual, low.place, low.place_manual) == (domain, True, world.community_b, True)
    assert not selectors.order_list(actor=office_user, review=True).exists()
    assert AuditEntry.objects.filter(code="demand.order.correct").exists()
    with pytest.raises(PermissionDenied):  # the model is shared: trained from the top region (or the command)
        services.train(actor=office_user)
    row = services.train(actor=SYSTEM)
    assert row.corrections == 1 and TrainedModel.objects.get(is_active=True) == row


def test_a_place_outside_the_office_is_refused(world, office_user):
    o = order(world, "A2", "拖欠工资")
    from django.core.exceptions import ValidationError

    other = world.street_b
    with pytest.raises(ValidationError):
        services.order_correct(actor=office_user, order=o, domain=None, place=other)


def test_scoping_of_orders(client, world, office_user, liaison, inspector, other_office):
    o = order(world, "A3", "拖欠工资")
    url = reverse("demand:order-detail", args=[o.pk])
    expected = {office_user: 200, inspector: 200, other_office: 404, liaison: 404}
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(inspector)
    assert client.post(url, {"domain": ""}).status_code == 403
    assert selectors.order_list(actor=other_office).count() == 0


def test_dashboard_figures_open_exactly_their_orders(client, world, office_user):
    order(world, "B1", "拖欠工资", day=dt.date(2026, 2, 10))
    order(world, "B2", "拖欠工资", day=dt.date(2026, 3, 10))
    order(world, "B3", "离婚", domain="fnet-hyjt", place=world.community_b, day=dt.date(2026, 3, 11))
    board = selectors.dashboard(actor=office_user, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    assert board.total.count == 3
    client.force_login(office_user)
    figures = [c for row in board.areas for c in [*row.cells, row.total]]
    figures += [c for _, cells, total in board.months for c in [*cells, total]] + board.totals
    assert len(figures) > 6
    for cell in figures:
        listed = client.get(cell.url).context["page"].paginator.count
        assert listed == cell.count, cell
    page = client.get(reverse("demand:dashboard"), {"start": "2026-01-01", "end": "2026-03-31"})
    assert page.status_code == 200 and "劳动就业与社会保障" in page.content.decode()


def test_recommendations_use_the_ledger_counting_rule(world, office_user, settings):
    settings.PUFA_DEMAND_MIN_ORDERS = 2
    today = dt.date(2026, 3, 20)
    for i in range(3):
        order(world, f"C{i}", "拖欠工资", day=dt.date(2026, 3, 1 + i))
    order(world, "C9", "离婚", domain="fnet-hyjt", day=dt.date(2026, 3, 2))  # one order: not high demand
    found = selectors.recommendations(actor=office_user, today=today)
    assert [(r.place, r.domain.code, r.orders) for r in found] == [(world.community_a, "ldjy-shbz", 3)]
    make_activity(world.committee_a, domains=["ldjy-shbz"], date=dt.date(2026, 3, 10), status="draft")
    assert selectors.recommendations(actor=office_user, today=today)  # a draft does not count
    make_activity(world.committee_a, domains=["ldjy-shbz"], date=dt.date(2026, 3, 12), status="submitted")
    assert selectors.recommendations(actor=office_user, today=today) == []


def test_gazetteer_and_rules_pages(client, world, office_user, liaison):
    client.force_login(office_user)
    response = client.post(
        reverse("demand:gazetteer"), {"name": "锦绣花园", "kind": "estate", "region": world.community_b.pk}
    )
    assert response.status_code == 302
    duplicate = client.post(
        reverse("demand:gazetteer"), {"name": "锦绣花园", "kind": "estate", "region": world.community_b.pk}
    )
    assert "已在" in duplicate.content.decode()
    domain = Domain.objects.get(code="jdht")
    added = client.post(
        reverse("demand:rules"),
        {"domain": domain.pk, "keywords": "网贷、催收", "weight": 1, "region": world.street_a.pk},
    )
    assert added.status_code == 302
    from pufa.demand.engine import rules_for

    assert any(r.keywords == ("网贷", "催收") for r in rules_for(world.street_a))
    assert not any(r.keywords == ("网贷", "催收") for r in rules_for(world.street_b))
    client.force_login(liaison)
    assert client.get(reverse("demand:gazetteer")).status_code == 403


def test_default_rules_are_changed_only_from_the_top_region(client, world, office_user):
    from pufa.demand.models import KeywordRule

    rule = KeywordRule.objects.filter(region__isnull=True).first()
    client.force_login(office_user)  # a street office
    assert client.post(reverse("demand:rule-toggle", args=[rule.pk])).status_code == 403
    rule.refresh_from_db()
    assert rule.is_active


def test_a_place_filter_outside_scope_names_no_region(client_for, world, other_office):
    """The other street's office asks for community A's orders: the filter is ignored, its name not shown."""
    api = client_for(other_office)
    for name in ("demand:dashboard", "demand:order-list"):
        response = api.get(reverse(name), {"place": world.community_a.pk})
        assert response.status_code == 200, name
        assert world.community_a.name not in response.content.decode(), name
