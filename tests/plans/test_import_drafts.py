"""The plan import between upload and save: drafts in their own table (surviving a new login, owner-only,
bounded, expiring), the warning and choice when the plan is already in pufa, the confirmation for a plan
whose deadlines have all passed, and hostile .docx files refused before parsing."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from pufa.plans import services, views
from pufa.plans.models import Plan, PlanImportDraft
from pufa.plans.parsing import PlanReadError, read_document
from pufa.plans.parsing import reader as plan_reader
from tests.plans.test_views import SEED_000, _draft, _long_plan, _review_data, _token, _upload

TODAY = "2026-03-02 10:00 +0800"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_a_draft_survives_logging_out_and_in_and_only_its_owner_sees_it(client_for, world, office_user, other_office):
    c = client_for(office_user)
    response = _upload(c, world, text=_long_plan(3))
    url, token = response["Location"], _token(response)
    assert PlanImportDraft.objects.get(token=token).owner == office_user
    assert "plans_import" not in c.session  # nothing in the session any more
    c.logout()
    c = client_for(office_user)
    html = c.get(url).content.decode()
    assert "核对导入内容" in html and "开展第3项普法宣传活动" in html
    other = client_for(other_office).get(url)
    assert other.status_code == 302 and other["Location"] == reverse("plans:plan-import")
    assert PlanImportDraft.objects.filter(token=token).exists()  # another office cannot drop it either


def test_review_edits_are_kept_in_the_draft(client_for, world, office_user):
    c = client_for(office_user)
    response = _upload(c, world, text=_long_plan(25))
    url, token = response["Location"], _token(response)
    data = {k: v for k, v in _draft(token)["data"].items() if not k.startswith(("t2", "t3"))}
    c.post(url, {**data, "t0-title": "改过的第1项", "page": "1", "go": "2"})
    c.logout()
    assert _draft(token)["data"]["t0-title"] == ["改过的第1项"]
    assert 'value="改过的第1项"' in client_for(office_user).get(url).content.decode()


def test_drafts_expire_and_each_user_keeps_a_few(client_for, world, office_user):
    c = client_for(office_user)
    tokens = [_token(_upload(c, world, text=_long_plan(2))) for _ in range(PlanImportDraft.KEEP + 1)]
    assert not PlanImportDraft.objects.filter(token=tokens[0]).exists()
    assert PlanImportDraft.objects.filter(owner=office_user).count() == PlanImportDraft.KEEP
    url = reverse("plans:plan-import-review", args=[tokens[-1]])
    later = dt.datetime(2026, 3, 2, 10) + dt.timedelta(days=PlanImportDraft.DRAFT_DAYS + 1)
    with time_machine.travel(later.replace(tzinfo=dt.UTC), tick=False):
        assert client_for(office_user).get(url)["Location"] == reverse("plans:plan-import")


def test_a_draft_has_a_size_limit(world, office_user):
    huge = {"tasks": [], "source_text": "法" * (PlanImportDraft.MAX_BYTES // 3 + 1)}
    with pytest.raises(ValidationError, match="超过 4 MB"):
        services.plan_import_draft_create(actor=office_user, payload=huge)
    assert not PlanImportDraft.objects.exists()


# ---------------------------------------------------------------- already in pufa, or already over


def _save(c, token, **extra):
    return c.post(reverse("plans:plan-import-review", args=[token]), _review_data(_draft(token), **extra))


def test_importing_a_plan_again_warns_and_offers_to_update(client_for, world, office_user):
    c = client_for(office_user)
    text = _long_plan(4)
    token = _token(_upload(c, world, text=text))
    first = _review_data(_draft(token), **{"t3-keep": ""})  # the office left out the last task
    assert c.post(reverse("plans:plan-import-review", args=[token]), first).status_code == 302
    plan = Plan.objects.get()
    assert plan.tasks.count() == 3

    token = _token(_upload(c, world, text=text))
    html = c.get(reverse("plans:plan-import-review", args=[token])).content.decode()
    assert "此规划可能已在平台中" in html and f'value="update-{plan.pk}"' in html
    response = _save(c, token)  # no choice made: nothing saved, the question is asked
    assert response.status_code == 200 and views.REPEAT_CHOICE in response.content.decode()
    assert Plan.objects.count() == 1

    response = _save(c, token, import_as=f"update-{plan.pk}")
    assert response.status_code == 302 and Plan.objects.count() == 1
    assert plan.tasks.count() == 4  # the missing task added, the three there left as they were
    assert not PlanImportDraft.objects.filter(token=token).exists()

    token = _token(_upload(c, world, text=text))
    assert _save(c, token, import_as="new").status_code == 302 and Plan.objects.count() == 2


def test_the_same_title_and_period_is_a_repeat_even_if_reworded(client_for, world, office_user):
    c = client_for(office_user)
    token = _token(_upload(c, world, text=_long_plan(2)))
    assert _save(c, token).status_code == 302
    token = _token(_upload(c, world, text=_long_plan(3)))  # a revised document with the same title
    assert "此规划可能已在平台中" in c.get(reverse("plans:plan-import-review", args=[token])).content.decode()


def test_a_plan_whose_deadlines_have_all_passed_asks_for_confirmation(client_for, world, office_user):
    c = client_for(office_user)
    token = _token(_upload(c, world, file=SimpleUploadedFile("法润社区.txt", SEED_000.read_bytes())))  # 2022—2025
    html = c.get(reverse("plans:plan-import-review", args=[token])).content.decode()
    assert 'data-testid="import-past"' in html and 'name="confirm_past"' in html
    response = _save(c, token)
    assert response.status_code == 200 and views.PAST_CHOICE in response.content.decode()
    assert not Plan.objects.exists()
    assert _save(c, token, confirm_past="1").status_code == 302 and Plan.objects.count() == 1
    current = _token(_upload(c, world, text=_long_plan(2)))  # 2026: nothing to confirm
    assert 'name="confirm_past"' not in c.get(reverse("plans:plan-import-review", args=[current])).content.decode()


# ---------------------------------------------------------------- hostile documents


def _docx_expanding_to(size: int) -> bytes:
    """A small .docx whose document.xml unpacks to `size` bytes of paragraphs."""
    paragraph = b"<w:p><w:r><w:t>" + "开展普法宣传活动。".encode() * 20 + b"</w:t></w:r></w:p>"
    body = paragraph * (size // len(paragraph))
    ns = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document " + ns + b"><w:body>" + body + b"</w:body></w:document>")
    return out.getvalue()


def test_a_docx_expanding_to_10_mb_is_refused_before_parsing(client_for, world, office_user):
    data = _docx_expanding_to(10 * 1024 * 1024)
    assert len(data) < 200 * 1024
    started = time.perf_counter()
    with pytest.raises(PlanReadError, match="解压后超过 8 MB"):
        read_document(data, "要点.docx")
    assert time.perf_counter() - started < 0.5
    response = _upload(client_for(office_user), world, file=SimpleUploadedFile("要点.docx", data))
    assert response.status_code == 200 and "解压后超过 8 MB" in response.content.decode()
    assert not PlanImportDraft.objects.exists()


def test_text_and_paragraph_bounds_apply_to_every_source(monkeypatch):
    monkeypatch.setattr(plan_reader, "MAX_TEXT_CHARS", 1_000)
    with pytest.raises(PlanReadError, match="文字超过 1,000 字"):
        read_document(("一、开展普法宣传。\n" * 200).encode(), "a.txt")
    monkeypatch.setattr(plan_reader, "MAX_BLOCKS", 50)
    document = Document()
    for n in range(60):
        document.add_paragraph(f"{n}．开展普法宣传活动。")
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(PlanReadError, match="超过 50 个段落或表格行"):
        read_document(buffer.getvalue(), "a.docx")
