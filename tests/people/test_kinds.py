"""Team kinds: a taxonomy the office extends (added, shown on the portal or not, retired — never deleted)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pufa.core.models import AuditEntry
from pufa.people import services
from pufa.people.models import TeamKind


def test_office_adds_and_retires_a_kind(client_for, office_user, liaison):
    c = client_for(office_user)
    response = c.post(reverse("people:kind-list"), {"name": "一幢一长普法宣传员", "shape": "team", "public": "on"})
    assert response.status_code == 302
    kind = TeamKind.objects.get(name="一幢一长普法宣传员")
    assert kind.public and kind.is_active
    assert c.post(reverse("people:kind-list"), {"name": "一幢一长普法宣传员", "shape": "team"}).status_code == 200
    assert c.post(reverse("people:kind-list"), {"name": "x\x00", "shape": "team"}).status_code == 200
    c.post(reverse("people:kind-edit", args=[kind.pk]), {"public": "on"})
    kind.refresh_from_db()
    assert kind.public and not kind.is_active
    assert AuditEntry.objects.filter(code="people.kind").count() == 2
    cl = client_for(liaison)
    page = cl.get(reverse("people:kind-list")).content.decode()
    assert "一幢一长普法宣传员" in page and 'data-testid="kind-form"' not in page
    assert cl.post(reverse("people:kind-list"), {"name": "新类别", "shape": "team"}).status_code == 403
    assert cl.post(reverse("people:kind-edit", args=[kind.pk]), {"is_active": "on"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.kind_create(actor=liaison, name="新类别")
    with pytest.raises(ValidationError):
        services.kind_create(actor=office_user, name=" ")
