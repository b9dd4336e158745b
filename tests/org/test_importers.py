"""Unit import from .xlsx: all or nothing, with row-numbered Chinese errors."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pufa.core.models import AuditEntry
from pufa.org.importers import COLUMNS, unit_import
from pufa.org.models import Unit
from tests import hostile


def sheet(rows: list[list[object]], header: list[str] = COLUMNS) -> io.BytesIO:
    workbook = Workbook()
    ws = workbook.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_import_creates_all_rows(world, office_user):
    result = unit_import(
        actor=office_user,
        file=sheet(
            [
                ["沱河街道妇联", "部门", "沱河街道", "", "妇联", "tuohe-fl", "是", ""],
                ["沱河社区网格站", "社会组织", "沱河社区", "沱河社区居委会", "", "", "否", "0557-123"],
            ]
        ),
    )
    assert result.ok, result.errors
    assert Unit.objects.get(code="tuohe-fl").aliases == ["妇联"]
    grid = Unit.objects.get(name="沱河社区网格站")
    assert grid.parent == world.committee_a and grid.is_responsible_subject is False
    assert AuditEntry.objects.filter(code="org.unit.import").exists()


def test_import_is_all_or_nothing_with_every_row_error(world, office_user):
    before = Unit.objects.count()
    result = unit_import(
        actor=office_user,
        file=sheet(
            [
                ["沱河街道妇联", "部门", "沱河街道", "", "", "", "是", ""],
                ["", "部门", "沱河街道", "", "", "", "", ""],
                ["某单位", "机关", "沱河街道", "", "", "", "", ""],
                ["外区单位", "部门", "三八街道", "", "", "", "", ""],
                ["沱河街道司法所", "司法所", "沱河街道", "", "", "", "", ""],
                ["某单位2", "部门", "沱河街道", "", "", "", "也许", ""],
            ]
        ),
    )
    assert not result.ok
    assert Unit.objects.count() == before
    text = "\n".join(result.errors)
    assert "第3行" in text and "“单位名称”不能为空" in text
    assert "第4行" in text and "单位类型“机关”无效" in text
    assert "第5行" in text and "不在您的管理范围内" in text
    assert "第6行" in text and "已有名为“沱河街道司法所”" in text
    assert "第7行" in text and "普法责任主体" in text
    assert "第2行" not in text


def test_import_rejects_missing_header_and_bad_file(world, office_user):
    result = unit_import(actor=office_user, file=sheet([["x"]], header=["名称"]))
    assert "缺少列" in result.errors[0]
    result = unit_import(actor=office_user, file=io.BytesIO(b"not an excel file"))
    assert "不是有效的 Excel" in result.errors[0]
    result = unit_import(actor=office_user, file=sheet([]))
    assert "没有单位数据" in result.errors[0]


def test_import_page_shows_errors_and_saves_nothing(client_for, world, office_user):
    upload = SimpleUploadedFile("units.xlsx", sheet([["甲", "部门", "不存在街道", "", "", "", "", ""]]).read())
    response = client_for(office_user).post(reverse("org:unit-import"), {"file": upload})
    assert response.status_code == 200
    assert "第2行" in response.content.decode() and not Unit.objects.filter(name="甲").exists()


def test_import_page_rejects_other_types(client_for, world, office_user):
    upload = SimpleUploadedFile("units.csv", b"a,b,c")
    response = client_for(office_user).post(reverse("org:unit-import"), {"file": upload})
    assert "请上传 .xlsx" in response.content.decode()


def test_import_template_download_opens(client_for, world, office_user):
    response = client_for(office_user).get(reverse("org:unit-import-template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in workbook.active[1]] == COLUMNS


def test_import_page_forbidden_to_liaison(client_for, liaison):
    assert client_for(liaison).get(reverse("org:unit-import")).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (hostile.column_bomb("ZZZZ"), "超过 50 列"),
        (hostile.xlsx('<sheetData><row r="1"><c r="A1"><v>1</v></c></row>', sheet_name="单位"), "XML 格式错误"),
        (hostile.shared_strings_bomb(60, 1024 * 1024), "文件解压后超过 50 MB"),
    ],
)
def test_hostile_files_get_a_chinese_error_not_a_500(client_for, world, office_user, data, message):
    upload = SimpleUploadedFile("units.xlsx", data)
    response = client_for(office_user).post(reverse("org:unit-import"), {"file": upload})
    assert response.status_code == 200 and message in response.content.decode()
