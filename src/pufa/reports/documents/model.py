"""A small, neutral model of an official document: what the .docx, .xlsx and .pdf writers render.

Reports and circulars are built as a `Document` once; each writer lays it out in its own format. The model
is plain data that round-trips through JSON (`to_dict`/`from_dict`), which is how a submitted report keeps
its frozen rendering source: later changes to the ledger, or to the code that computes figures, cannot
change what was submitted. Charts are kept as their data, not as pictures, and drawn when rendered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from pufa.core.chinese import cn_date


@dataclass
class Heading:
    """一、 (level 1, 黑体), （一） (level 2, 楷体), 1. (level 3), （1） (level 4); `text` carries its number."""

    level: int
    text: str
    type: str = "heading"


@dataclass
class Paragraph:
    """A body paragraph (仿宋, first line indented two characters).

    `lead` is a run-in heading at the start of the paragraph, as official documents write
    "（一）加强统筹谋划。积极参与……": the lead takes the font of heading `lead_level`, the rest the body font.
    """

    text: str
    lead: str = ""
    lead_level: int = 2
    type: str = "paragraph"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)  # relative column widths; empty = equal
    caption: str = ""
    numeric: list[int] = field(default_factory=list)  # indices of right-aligned (figure) columns
    links: list[str] = field(default_factory=list)  # per row: the URL of the records behind it (xlsx only)
    sheet: str = ""  # the worksheet name in the .xlsx; tables without one stay in the Word document only
    merge: list[int] = field(default_factory=list)  # columns whose runs of equal values merge (Word only)
    type: str = "table"


@dataclass
class Chart:
    """A bar chart drawn with matplotlib in a CJK font when rendered (see reports.charts)."""

    title: str
    labels: list[str]
    values: list[float]
    measure: str = ""
    horizontal: bool = True
    type: str = "chart"


Block = Heading | Paragraph | Table | Chart
_BLOCK_TYPES: dict[str, type] = {"heading": Heading, "paragraph": Paragraph, "table": Table, "chart": Chart}


@dataclass
class Document:
    """A document laid out as GB/T 9704-2012 asks: title, 主送机关, body, 署名 and 成文日期."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    recipient: str = ""  # 主送机关, e.g. "沱河街道法治办"
    number: str = ""  # 发文字号, e.g. "沱法治办〔2024〕3号" (circulars)
    issuer: str = ""  # 发文机关标志 of the 版头, e.g. "沱河街道法治办文件" (circulars); "" = no 版头
    signature: str = ""  # 发文机关署名
    date: dt.date | None = None  # 成文日期
    sheets: dict[str, Table] = field(default_factory=dict)  # extra tables only the .xlsx carries

    def add(self, block: Block) -> Block:
        self.blocks.append(block)
        return block

    def text(self) -> str:
        """All visible text, one block a line: what tests and the PDF check compare against."""
        lines = [self.title, self.recipient]
        for block in self.blocks:
            if isinstance(block, Heading):
                lines.append(block.text)
            elif isinstance(block, Paragraph):
                lines.append(block.lead + block.text)
            elif isinstance(block, Table):
                lines.append(" ".join(block.columns))
                lines.extend(" ".join(row) for row in block.rows)
            elif isinstance(block, Chart):
                lines.append(block.title)
        lines.extend([self.signature, cn_date(self.date)])
        return "\n".join(line for line in lines if line)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        blocks: list[Block] = [_BLOCK_TYPES[b["type"]](**b) for b in data.get("blocks", [])]
        sheets = {name: Table(**table) for name, table in (data.get("sheets") or {}).items()}
        date = dt.date.fromisoformat(data["date"]) if data.get("date") else None
        return cls(
            title=data["title"],
            blocks=blocks,
            recipient=data.get("recipient", ""),
            number=data.get("number", ""),
            issuer=data.get("issuer", ""),
            signature=data.get("signature", ""),
            date=date,
            sheets=sheets,
        )


def paragraphs(text: str) -> list[str]:
    """Split prose typed in a textarea into paragraphs: one per non-blank line, stripped of the indent
    people type by hand (full-width spaces), which the writers add back as a two-character indent."""
    return [line.strip().lstrip("\u3000").strip() for line in (text or "").splitlines() if line.strip()]
