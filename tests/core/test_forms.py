"""Shared form pieces."""

from __future__ import annotations

import pytest


def test_xlsx_field_refuses_other_types_and_big_files():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pufa.core.forms import XlsxField

    field = XlsxField(max_mb=1)
    assert field.clean(SimpleUploadedFile("台账.XLSX", b"PK\x03\x04")).name == "台账.XLSX"
    with pytest.raises(ValidationError, match=r"请上传 \.xlsx"):
        field.clean(SimpleUploadedFile("台账.xls", b"x"))
    with pytest.raises(ValidationError, match="不能超过 1 MB"):
        field.clean(SimpleUploadedFile("台账.xlsx", b"x" * (1024 * 1024 + 1)))
