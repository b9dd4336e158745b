"""Hand-crafted hostile office files for the import tests: what an attacker uploads, built byte by byte."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def xlsx(sheet_data: str, *, shared: bytes | Iterable[bytes] | None = None, sheet_name: str = "工作台账") -> bytes:
    """A minimal .xlsx whose one sheet holds `sheet_data` (the XML inside <worksheet>) and, if given, the
    shared strings part as it is (bytes, or chunks streamed into the part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEET_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SHEET_TYPE}.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_R}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_R}"><sheets>'
            f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        rels = f'<Relationship Id="rId1" Type="{_R}/worksheet" Target="worksheets/sheet1.xml"/>'
        if shared is not None:
            rels += f'<Relationship Id="rId2" Type="{_R}/sharedStrings" Target="sharedStrings.xml"/>'
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                for chunk in [shared] if isinstance(shared, bytes) else shared:
                    part.write(chunk)
        z.writestr(
            "xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="{_PKG}">{rels}</Relationships>'
        )
        z.writestr(
            "xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}">{sheet_data}</worksheet>'
        )
    return out.getvalue()


def column_bomb(letters: str = "ZZZZZ", rows: int = 10) -> bytes:
    """The probe's 2 KB file: each row one cell far to the right (a dense reader allocates rows × columns)."""
    cells = "".join(
        f'<row r="{n}"><c r="A{n}"><v>1</v></c><c r="{letters}{n}"><v>1</v></c></row>' for n in range(1, rows + 1)
    )
    return xlsx(f"<sheetData>{cells}</sheetData>")


def shared_strings_bomb(count: int = 2000, size: int = 1024 * 1024) -> bytes:
    """`count` shared strings of `size` characters each (2,000 × 1 MB: 2 GB unpacked, a few MB packed)."""
    item = b"<si><t>" + b"x" * size + b"</t></si>"
    chunks = [f'<?xml version="1.0"?><sst xmlns="{_MAIN}">'.encode(), *([item] * count), b"</sst>"]
    return xlsx('<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>', shared=chunks)
