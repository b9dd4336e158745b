"""Ledger tests keep uploaded files in a temporary MEDIA_ROOT and run on a fixed 'today'."""

from __future__ import annotations

import io

import pytest
import time_machine
from PIL import Image


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUFA_UPLOAD_MAX_MB = 1


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-06-20 10:00 +0800", tick=False):
        yield


def jpeg_bytes(size: tuple[int, int] = (640, 480), color: str = "#b71c1c") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
