"""Read a question bank (题库) from the Word and text files banks circulate as — pure Python, no Django.

The layouts real banks use, all read by one pass over the document's lines:

- numbered stems: "1." "1、" "1．" "(1)" — typed or Word's automatic numbering (the plan reader writes the
  number in front of an auto-numbered paragraph);
- section headings naming the type: "一、单项选择题", "二、多选题", "三、判断题（每题1分）";
- options A–F one per line, several on one line ("A.宪法  B.民法典  C.刑法  D.行政法"), or continued on the
  next line;
- the answer in the stem's brackets ("……是（B）。", "（√）"), on a line after the options ("答案：B",
  "【答案】AB", "正确答案：错误"), or in an answer key at the end ("参考答案" then "1.B 2.C", "1-5 BCADA",
  with or without the section headings repeated);
- true/false answers as 正确/错误, 对/错, √/×;
- an explanation after "解析：" / "【解析】".

Nothing is dropped silently: every numbered question that cannot be made whole (no answer, fewer than two
options, an answer that names no option) comes back in `problems` with its number and text; questions that
repeat one another come back in `duplicates`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

SINGLE = "single"
MULTIPLE = "multiple"
JUDGE = "judge"
KIND_LABELS = {SINGLE: "单选题", MULTIPLE: "多选题", JUDGE: "判断题"}
TRUE, FALSE = "T", "F"
LETTERS = "ABCDEFGH"
MAX_QUESTIONS = 5000

_FULL = "（）［］【】：；，．！？０１２３４５６７８９　ＡＢＣＤＥＦＧＨａｂｃｄｅｆｇｈ"
_HALF = "()[][]:;,.!? 0123456789 ABCDEFGHabcdefgh"
_FOLD = str.maketrans(_FULL, _HALF[: len(_FULL)])

_NUMBER = re.compile(r"^\s*(?:第\s*(\d+)\s*题|\(?(\d+)\s*[.、)]|(\d+)\s+(?=\S))\s*")
_SECTION = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.]|第[一二三四五六七八九十]+部分)?\s*(.{0,12}?)(?:\(.*\))?\s*$"
)
_OPTION = re.compile(r"(?:^|(?<=\s))([A-Ha-h])\s*[.、:)]\s*")
_JUDGE_TOKEN = r"正确|错误|对|错|√|×|✓|✔|✗|✘|T|F"  # noqa: S105 (not a password)
_ANSWER_LINE = re.compile(
    rf"^\s*(?:\[答案\]|(?:正确|参考|标准)?答案\s*[:]?)\s*([A-Ha-h](?:\s*[,、]?\s*[A-Ha-h])*|{_JUDGE_TOKEN})\s*(?:[.。;]\s*)?(.*)$"
)
_ANSWER_INLINE = re.compile(
    rf"(?:\[答案\]|(?:正确|参考|标准)?答案\s*:)\s*([A-H](?:\s*[,、]?\s*[A-H])*|{_JUDGE_TOKEN})\s*[.。]?\s*$"
)
_BRACKET = re.compile(rf"\(\s*([A-H](?:\s*[,、]?\s*[A-H])*|{_JUDGE_TOKEN})\s*\)")
_EXPLAIN = re.compile(r"^\s*(?:\[解析\]|(?:答案)?解析\s*:|说明\s*:)\s*(.*)$")
_KEY_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.])?\s*(?:参考答案|答案|标准答案|答案汇总)\s*[:]?\s*$")
_KEY_RANGE = re.compile(r"(\d+)\s*[-~—–]\s*(\d+)\s*[:.、]?\s*((?:[A-H]+|[√×✓✗对错]|\s)+?)(?=\s*\d|\s*$)")
_KEY_PAIR = re.compile(rf"(\d+)\s*[.、:)]?\s*([A-H]+|{_JUDGE_TOKEN})(?![A-Za-z\u4e00-\u9fff])")


class BankReadError(ValueError):
    """The file cannot be read as a question bank; `str(error)` is a Chinese message for the user."""


@dataclass
class ParsedQuestion:
    """One question read from a bank: `answer` is option letters in order ("B", "ACD") or T/F."""

    number: int | None
    kind: str
    stem: str
    options: list[str]
    answer: str
    explanation: str = ""
    section: int = 0
    tags: dict[str, str] = field(default_factory=dict)  # from a spreadsheet: law, domain, audience, difficulty, source

    def fingerprint(self) -> str:
        return fingerprint(self.stem, self.options)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "kind": self.kind,
            "stem": self.stem,
            "options": self.options,
            "answer": self.answer,
            "explanation": self.explanation,
            **({"tags": self.tags} if self.tags else {}),
        }


@dataclass
class Problem:
    """A question that could not be read: its number (or row), its text as written, and why."""

    number: int | None
    text: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "text": self.text, "reason": self.reason}


@dataclass
class BankResult:
    questions: list[ParsedQuestion]
    problems: list[Problem]
    duplicates: list[tuple[int | None, int | None]]  # (number of the repeat, number of the first)

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": len(self.questions),
            "questions": [q.as_dict() for q in self.questions],
            "problems": [p.as_dict() for p in self.problems],
            "duplicates": [{"number": a, "same_as": b} for a, b in self.duplicates],
        }


def fold(text: str) -> str:
    return text.translate(_FOLD)


def fingerprint(stem: str, options: Iterable[str]) -> str:
    """What makes two questions the same: the stem and the set of options, ignoring punctuation, spaces and
    the blank brackets (so "（ ）" and "(  )" and a different option order still match)."""

    def norm(text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        return "".join(ch for ch in text if ch.isalnum())

    return norm(stem) + "|" + "|".join(sorted(norm(o) for o in options))


def judge_value(token: str) -> str | None:
    token = token.strip().upper()
    if token in {"正确", "对", "√", "✓", "✔", "T"}:
        return TRUE
    if token in {"错误", "错", "×", "✗", "✘", "F"}:
        return FALSE
    return None


def _letters(token: str) -> str:
    return "".join(sorted({ch for ch in token.upper() if ch in LETTERS}))


def _section_kind(line: str) -> str | None:
    """A heading naming a question type ("一、单项选择题（每题2分）"), short and without a stem number."""
    folded = fold(line).strip()
    if len(folded) > 40 or _NUMBER.match(folded):
        return None
    head = re.sub(r"\(.*?\)", "", folded)
    if not re.match(
        r"^\s*(?:[一二三四五六七八九十]+\s*[、.]|第[一二三四五六七八九十]+部分)?\s*[^\d]{0,6}(?:题|部分)?", head
    ):
        return None
    if "判断" in head:
        return JUDGE
    if "多选" in head or "多项选择" in head or "不定项" in head:
        return MULTIPLE
    if "单选" in head or "单项选择" in head or head.strip().endswith("选择题"):
        return SINGLE
    return None


# ---------------------------------------------------------------- reading the lines


@dataclass
class _Draft:
    number: int | None
    section: int
    section_kind: str | None
    stem: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    answer: str = ""
    explanation: list[str] = field(default_factory=list)
    in_explanation: bool = False

    @property
    def text(self) -> str:
        parts = [" ".join(self.stem)] + [f"{LETTERS[i]}.{o}" for i, o in enumerate(self.options)]
        return " ".join(p for p in parts if p)


def _split_options(folded: str, original: str, expected: int) -> list[tuple[str, str]] | None:
    """Options on a line, if the line starts with the next expected letter; letters must run in order."""
    matches = list(_OPTION.finditer(folded))
    if not matches or matches[0].start() != len(folded) - len(folded.lstrip()):
        return None
    found: list[tuple[str, str]] = []
    letter_at = expected
    picked = []
    for m in matches:
        if m.group(1).upper() == LETTERS[letter_at] if letter_at < len(LETTERS) else False:
            picked.append(m)
            letter_at += 1
    if not picked or picked[0] is not matches[0]:
        return None
    for i, m in enumerate(picked):
        end = picked[i + 1].start() if i + 1 < len(picked) else len(original)
        found.append((m.group(1).upper(), original[m.end() : end].strip()))
    return found


def parse_lines(lines: Iterable[str]) -> BankResult:
    drafts: list[_Draft] = []
    key: dict[tuple[int, int], str] = {}
    key_sections = 0
    in_key = False
    section = 0
    section_kind: str | None = None
    current: _Draft | None = None

    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        folded = fold(line)
        if _KEY_HEADING.match(folded):
            in_key = True
            current = None
            continue
        if in_key:
            if _section_kind(line):
                key_sections += 1
            _read_key(folded, key_sections, key)
            continue
        kind = _section_kind(line)
        if kind is not None:
            section += 1
            section_kind = kind
            current = None
            continue
        number = _NUMBER.match(folded)
        if number and not _OPTION.match(folded):
            value = int(next(g for g in number.groups() if g))
            current = _Draft(number=value, section=section, section_kind=section_kind)
            drafts.append(current)
            if len(drafts) > MAX_QUESTIONS:
                raise BankReadError(f"题库超过 {MAX_QUESTIONS:,} 道题，请分成几个文件导入")
            rest_original = line[number.end() :]
            _add_stem(current, rest_original)
            continue
        if current is None:
            continue  # a title or a note above the first question
        answer = _ANSWER_LINE.match(folded)
        if answer:
            current.answer = answer.group(1)
            tail = line[answer.start(2) :].strip() if answer.group(2) else ""
            explained = _EXPLAIN.match(fold(tail)) if tail else None
            if explained:
                current.explanation.append(tail[explained.start(1) :].strip())
                current.in_explanation = True
            continue
        explained = _EXPLAIN.match(folded)
        if explained:
            current.explanation.append(line[explained.start(1) :].strip())
            current.in_explanation = True
            continue
        if current.in_explanation:
            current.explanation.append(line)
            continue
        options = _split_options(folded, line, len(current.options))
        if options is not None:
            current.options.extend(text for _, text in options)
            continue
        if current.options:
            current.options[-1] = f"{current.options[-1]}{line}"  # an option's text wrapped onto the next line
        else:
            current.stem.append(line)

    return _finish(drafts, key, key_sections)


def _add_stem(draft: _Draft, text: str) -> None:
    folded = fold(text)
    inline = _ANSWER_INLINE.search(folded)
    if inline:
        draft.answer = inline.group(1)
        text = text[: inline.start()].rstrip()
        folded = fold(text)
    # options written on the stem's own line: "1.我国的根本大法是（ ） A.宪法 B.民法典"
    first = re.search(r"(?<=\s)A\s*[.、:)]", folded)
    if first:
        options = _split_options(folded[first.start() :], text[first.start() :], 0)
        if options and len(options) >= 2:
            draft.options.extend(t for _, t in options)
            text = text[: first.start()].rstrip()
    if text:
        draft.stem.append(text)


def _read_key(folded: str, section: int, key: dict[tuple[int, int], str]) -> None:
    consumed = folded
    for m in _KEY_RANGE.finditer(folded):
        start, end = int(m.group(1)), int(m.group(2))
        answers = m.group(3).split() if " " in m.group(3).strip() else list(m.group(3).strip())
        if len(answers) == end - start + 1:
            for offset, value in enumerate(answers):
                key[(section, start + offset)] = value
            consumed = consumed.replace(m.group(0), " ")
    for m in _KEY_PAIR.finditer(consumed):
        key[(section, int(m.group(1)))] = m.group(2)


def _bracket_answer(draft: _Draft) -> str:
    """The answer written in the stem's brackets, taken out of the stem (which keeps a blank "（ ）")."""
    stem = " ".join(draft.stem)
    folded = fold(stem)
    found = list(_BRACKET.finditer(folded))
    if not found:
        return ""
    m = found[-1]
    token = m.group(1)
    if not draft.options and judge_value(token) is None:
        return ""
    if draft.options and judge_value(token) is not None and not re.fullmatch(r"[A-H, 、]+", token):
        return ""
    draft.stem = [stem[: m.start()] + "（ ）" + stem[m.end() :]]
    return token


def _finish(drafts: list[_Draft], key: dict[tuple[int, int], str], key_sections: int) -> BankResult:
    questions: list[ParsedQuestion] = []
    problems: list[Problem] = []
    numbers = [d.number for d in drafts]
    numbers_unique = len(set(numbers)) == len(numbers)
    section_order = sorted({d.section for d in drafts})
    for d in drafts:
        token = d.answer or _bracket_answer(d)
        if not token and d.number is not None:
            if key_sections and d.section in section_order:
                token = key.get((section_order.index(d.section) + 1, d.number), "")
            if not token and numbers_unique:
                token = next((v for (_, n), v in key.items() if n == d.number), "")
        stem = " ".join(d.stem).strip()
        text = f"{d.number}. {d.text}" if d.number is not None else d.text
        explanation = "".join(d.explanation).strip()
        if not stem:
            problems.append(Problem(d.number, text, "没有题干"))
            continue
        if not token:
            problems.append(Problem(d.number, text, "找不到答案"))
            continue
        judged = judge_value(token)
        if not d.options:
            if judged is None:
                reason = (
                    "选择题的选项少于两个"
                    if d.section_kind in (SINGLE, MULTIPLE)
                    else "判断题的答案应为正确/错误（√/×）"
                )
                problems.append(Problem(d.number, text, reason))
                continue
            questions.append(ParsedQuestion(d.number, JUDGE, stem, [], judged, explanation, d.section))
            continue
        if len(d.options) < 2 or any(not o.strip() for o in d.options):
            problems.append(Problem(d.number, text, "选项少于两个或有空选项"))
            continue
        letters = _letters(token)
        if not letters or any(LETTERS.index(ch) >= len(d.options) for ch in letters):
            problems.append(Problem(d.number, text, f"答案「{token}」不是本题的选项"))
            continue
        kind = MULTIPLE if d.section_kind == MULTIPLE or len(letters) > 1 else SINGLE
        if d.section_kind == SINGLE and len(letters) > 1:
            problems.append(Problem(d.number, text, f"单选题给了多个答案「{letters}」"))
            continue
        questions.append(
            ParsedQuestion(d.number, kind, stem, [o.strip() for o in d.options], letters, explanation, d.section)
        )
    return BankResult(questions=questions, problems=problems, duplicates=find_duplicates(questions))


def find_duplicates(questions: list[ParsedQuestion]) -> list[tuple[int | None, int | None]]:
    seen: dict[str, ParsedQuestion] = {}
    found = []
    for q in questions:
        fp = q.fingerprint()
        if fp in seen:
            found.append((q.number, seen[fp].number))
        else:
            seen[fp] = q
    return found


# ---------------------------------------------------------------- files


def read_bank(source: bytes | IO[bytes], filename: str) -> BankResult:
    """Read a .docx, .txt or .xlsx bank. Raises `BankReadError` for a file that is not one."""
    data = source if isinstance(source, bytes) else source.read()
    name = filename.lower()
    if name.endswith(".xlsx"):
        return read_sheet_rows(_xlsx_rows(data))
    from pufa.plans.parsing.model import PlanReadError
    from pufa.plans.parsing.reader import read_document

    try:
        lines = read_document(data, filename)
    except PlanReadError as error:
        raise BankReadError(str(error).replace("规划计划", "题库").replace("规划正文", "题目")) from error
    return parse_lines(lines)


def _xlsx_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    from pufa.core.spreadsheets import SpreadsheetError, read_xlsx

    try:
        sheet = read_xlsx(data, max_rows=MAX_QUESTIONS, max_cols=20)
    except SpreadsheetError as error:
        raise BankReadError(str(error)) from error
    return sheet.rows


#: Spreadsheet headings (any of the names) → field.
COLUMNS = {
    "kind": ("题型", "类型"),
    "stem": ("题干", "题目", "试题"),
    "answer": ("答案", "正确答案", "参考答案"),
    "explanation": ("解析", "答案解析"),
    "law": ("法律", "法律法规", "依据"),
    "domain": ("领域", "普法领域"),
    "audience": ("对象", "普法对象"),
    "difficulty": ("难度",),
    "source": ("来源", "出处"),
}


def read_sheet_rows(rows: list[tuple[int, list[Any]]]) -> BankResult:
    """A spreadsheet bank: a heading row (题型, 题干, 选项A…选项F or A…F, 答案, 解析, 法律, 领域, 对象, 难度, 来源),
    then one question per row; a question that cannot be read is reported with its row number."""
    if not rows:
        raise BankReadError("表格为空，没有可导入的题目")
    _, heading = rows[0]
    names = [str(h or "").strip() for h in heading]
    where: dict[str, int] = {}
    options: list[int] = []
    for index, name in enumerate(names):
        plain = fold(name).replace("选项", "").strip().upper()
        if len(plain) == 1 and plain in LETTERS:
            options.append(index)
            continue
        for key, labels in COLUMNS.items():
            if name in labels and key not in where:
                where[key] = index
    if "stem" not in where or "answer" not in where:
        raise BankReadError("表格第一行应为列名，至少包含「题干」和「答案」两列")
    questions: list[ParsedQuestion] = []
    problems: list[Problem] = []

    def cell(values: list[Any], key: str) -> str:
        index = where.get(key)
        if index is None or index >= len(values) or values[index] is None:
            return ""
        value = values[index]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    for row_number, values in rows[1:]:
        stem = cell(values, "stem")
        opts = [str(values[i]).strip() for i in options if i < len(values) and values[i] not in (None, "")]
        token = cell(values, "answer")
        kind_text = cell(values, "kind")
        text = " ".join([stem, *(f"{LETTERS[i]}.{o}" for i, o in enumerate(opts))])
        if not stem:
            problems.append(Problem(row_number, text, f"第{row_number}行没有题干"))
            continue
        tags = {k: cell(values, k) for k in ("law", "domain", "audience", "difficulty", "source") if cell(values, k)}
        explanation = cell(values, "explanation")
        judged = judge_value(token) if token else None
        if "判断" in kind_text or (not opts and judged is not None):
            if judged is None:
                problems.append(Problem(row_number, text, f"第{row_number}行：判断题的答案应为正确/错误（√/×）"))
                continue
            questions.append(ParsedQuestion(row_number, JUDGE, stem, [], judged, explanation, tags=tags))
            continue
        letters = _letters(token)
        if len(opts) < 2:
            problems.append(Problem(row_number, text, f"第{row_number}行：选项少于两个"))
            continue
        if not letters or any(LETTERS.index(ch) >= len(opts) for ch in letters):
            problems.append(Problem(row_number, text, f"第{row_number}行：答案「{token}」不是本题的选项"))
            continue
        kind = MULTIPLE if "多" in kind_text or len(letters) > 1 else SINGLE
        questions.append(ParsedQuestion(row_number, kind, stem, opts, letters, explanation, tags=tags))
    return BankResult(questions=questions, problems=problems, duplicates=find_duplicates(questions))
