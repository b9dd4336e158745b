"""The office edits a scheme and removes a criterion (audited); a community's attached file is downloaded only
through a scoped view (the community and those above it, never another community)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from pufa.core.models import AuditEntry
from pufa.creation import services
from pufa.creation.demo import seed001_scheme
from pufa.creation.models import Criterion, Level
from pufa.org.access import SYSTEM


@pytest.fixture
def scheme(world):
    return seed001_scheme(actor=SYSTEM, region=world.street_a, year=2026)


@pytest.fixture
def attestation(world, scheme, liaison):
    criterion = scheme.criteria.get(title="有一支法制宣传队")
    return services.attest(
        actor=liaison,
        criterion=criterion,
        unit=world.committee_a,
        note="宣传队 8 人",
        file=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
        name="名单.pdf",
    )


def test_office_edits_a_scheme_with_an_audit_entry(world, scheme, office_user, client_for):
    c = client_for(office_user)
    url = reverse("creation:scheme-edit", args=[scheme.pk])
    assert c.get(url).status_code == 200
    response = c.post(url, {"name": "2026年示范社区标准", "level": Level.CITY, "year": 2026})
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.name, scheme.level, scheme.is_active) == ("2026年示范社区标准", Level.CITY, False)
    entry = AuditEntry.objects.get(code="creation.scheme.update")
    assert "name" in entry.changes and "is_active" in entry.changes


def test_scheme_edit_refuses_bad_input_in_chinese(world, scheme, office_user, client_for):
    page = client_for(office_user).post(
        reverse("creation:scheme-edit", args=[scheme.pk]), {"name": "", "level": "x", "year": "abc"}
    )
    assert page.status_code == 200 and "这个字段是必填项" in page.content.decode()


def test_only_the_office_edits_schemes(world, scheme, liaison, other_office, client_for):
    assert client_for(liaison).get(reverse("creation:scheme-edit", args=[scheme.pk])).status_code == 403
    assert client_for(other_office).get(reverse("creation:scheme-edit", args=[scheme.pk])).status_code == 404


def test_office_removes_a_criterion(world, scheme, office_user, liaison, client_for):
    criterion = scheme.criteria.get(title="有一支法制宣传队")
    assert client_for(liaison).post(reverse("creation:criterion-remove", args=[criterion.pk])).status_code == 403
    response = client_for(office_user).post(reverse("creation:criterion-remove", args=[criterion.pk]))
    assert response.status_code == 302
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    assert AuditEntry.objects.filter(code="creation.criterion.remove", message__contains="法制宣传队").exists()


def test_attested_file_is_served_through_a_scoped_view(
    world, attestation, liaison, other_liaison, office_user, inspector, client_for
):
    url = reverse("creation:attestation-file", args=[attestation.pk])
    for user in (liaison, office_user, inspector):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]
    assert client_for(other_liaison).get(url).status_code == 404


def test_checklist_links_the_attached_file(world, scheme, attestation, office_user, client_for):
    page = client_for(office_user).get(reverse("creation:checklist", args=[scheme.pk, world.committee_a.pk]))
    assert reverse("creation:attestation-file", args=[attestation.pk]) in page.content.decode()


def test_anonymous_cannot_download(world, attestation, client):
    response = client.get(reverse("creation:attestation-file", args=[attestation.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
