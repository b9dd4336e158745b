"""Per-request bounds on evidence uploads (issue 13.10): how many files and how many bytes one form may carry."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pufa.ledger.models import Activity, Evidence
from tests.ledger.conftest import jpeg_bytes
from tests.ledger.test_views import form_data


def _photos(n: int, size: int | None = None) -> list[SimpleUploadedFile]:
    body = jpeg_bytes()
    if size is not None:
        body += b"\x00" * (size - len(body))
    return [SimpleUploadedFile(f"现场{i}.jpg", body, "image/jpeg") for i in range(n)]


def test_too_many_files_in_one_request_are_refused_in_chinese(client_for, world, liaison, settings):
    settings.PUFA_UPLOAD_MAX_FILES = 3
    c = client_for(liaison)
    response = c.post(reverse("ledger:activity-create"), {**form_data(world), "files": _photos(4)})
    assert response.status_code == 200
    assert "一次最多上传3个文件，本次选择了4个" in response.content.decode()
    assert not Activity.objects.exists() and not Evidence.all_objects.exists()
    ok = c.post(reverse("ledger:activity-create"), {**form_data(world), "submit": "1", "files": _photos(3)})
    assert ok.status_code == 302 and Evidence.objects.count() == 3


def test_files_over_the_total_size_are_refused_in_chinese(client_for, world, liaison, settings):
    settings.PUFA_UPLOAD_MAX_TOTAL_MB = 1
    c = client_for(liaison)
    response = c.post(reverse("ledger:activity-create"), {**form_data(world), "files": _photos(3, 400 * 1024)})
    assert "一次上传的文件合计不能超过1 MB" in response.content.decode()
    assert not Activity.objects.exists() and not Evidence.all_objects.exists()


def test_evidence_form_has_the_same_bounds(client_for, world, liaison, settings):
    settings.PUFA_UPLOAD_MAX_FILES = 2
    c = client_for(liaison)
    c.post(reverse("ledger:activity-create"), {**form_data(world), "draft": "1"})
    activity = Activity.objects.get()
    response = c.post(reverse("ledger:evidence-add", args=[activity.pk]), {"files": _photos(3)}, follow=True)
    assert "一次最多上传2个文件" in response.content.decode()
    assert not Evidence.all_objects.exists()
