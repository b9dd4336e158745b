"""Unit and deadline annotations (牵头单位/配合单位/责任单位/完成时限…) attached to a plan item.

Plans write them three ways, all handled here:
- on their own lines after the item: "牵头部门：法治办、宣传办" / "参加部门：各社区" / "完成时限：6月底前";
- in a bracket, usually at the end of the item: "（牵头单位：…；配合单位：…；完成时限：…）",
  "(责任科室:…,完成时限:…)" — fields are split at the labels, not at punctuation, because a 完成时限 value
  may itself contain commas;
- as a verb phrase in a bracket: "（区司法局牵头，区直各单位配合）", "（由法治办负责）".
Role words map as the design says: 牵头/主办/主责 → lead; 参加/参与/配合/协办/协同/协助/承办/支持 →
participating; 责任/负责/实施/落实 → responsible. Person labels (责任人, 分管领导, 联系人) are recognised so that
they are stripped from the text, but they are not units and are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import fold, matching_close, split_outside_brackets

ROLES = ("lead", "participating", "responsible")

_PERSON = r"(?:责任|牵头|分管|联系|负责|主要|包保)(?:领导|人|科长|处长|局长|同志)|联系人|联系电话|联系方式|备注"
_LEAD = r"牵头|主办|主责"
_PART = r"参加|参与|配合|协办|协同|协助|承办|支持"
_RESP = r"责任|负责|实施|落实"
_SUFFIX = r"(?:部门|单位|科室|处室|股室|机关|机构|主体|方|科|处|股|室)?"
_DEADLINE = (
    r"完成时限|完成时间|时间节点|时间安排|时间要求|时限要求|完成期限|截止时间|截止日期|进度安排|推进时间|"
    r"办结时限|时限|时间"
)
_LABEL_BODY = (
    rf"(?:(?P<person>{_PERSON})|(?:(?P<lead>{_LEAD})|(?P<participating>{_PART})|(?P<responsible>{_RESP})){_SUFFIX}"
    rf"|(?P<deadline>{_DEADLINE}))"
    r"\s*(?P<note>\([^()]{1,14}\))?\s*:"
)
# Matched against the folded line (ASCII brackets and colons). A label starts a line, a bracket or a
# field: the look-behind keeps "具体负责：" or "实施时间" inside running text from being read as labels.
LABEL = re.compile(r"(?<![^\s(\[{,;。、.:])" + _LABEL_BODY)
# A label run after the item's text on the same line ("…入脑入心。责任单位：县委宣传部"): only after a
# sentence end or a blank, so a "负责单位：" inside running prose is left alone.
_INLINE_LABEL = re.compile(r"(?<=[。;.!?\s])(?P<label>" + _LABEL_BODY + ")")
# "【责任单位】市司法局" is the same label written as a heading.
_BRACKET_LABEL = re.compile(
    rf"[【\[［]\s*((?:{_PERSON})|(?:(?:{_LEAD})|(?:{_PART})|(?:{_RESP})){_SUFFIX}|(?:{_DEADLINE}))\s*[】\]］]"
)
_VERB_CLAUSE = re.compile(
    r"^(?:由)?(?P<names>.+?)"
    r"(?P<verb>按职责分工负责|按职责负责|分别负责|共同负责|具体负责|牵头负责|负责落实|牵头|主办|负责|配合|参与|参加|"
    r"协办|协助|协同|落实)$"
)
_VERB_ROLE = {
    "牵头": "lead",
    "主办": "lead",
    "牵头负责": "lead",
    "配合": "participating",
    "参与": "participating",
    "参加": "participating",
    "协办": "participating",
    "协助": "participating",
    "协同": "participating",
}
_NOT_A_NAME = re.compile(r"要|应|将|的|认真|积极|切实|进行|工作|加强|开展|做好|共同|各自")
_NAME_SUFFIX = re.compile(r"(?:按职责分工|按职责|分别|共同|具体)?(?:负责|落实|配合|参与)$")
_ROLE_MARK = re.compile(r"[(（]\s*(牵头|主办|配合|参与|协办|负责)\s*[)）]$")
_FILLERS = {"无", "暂无", "—", "-", "/", "——", "－", "…", "待定"}
_LEAD_FIRST_NOTE = re.compile(r"(?:第一|首)(?:位|个)|排名第一|排在前")
# "列第一位的为牵头单位" / "排名第一的为牵头部门": a convention note, not a unit.
LEAD_FIRST = re.compile(
    r"[(（]?(?:列|排|位|放)?(?:在)?(?:第一位|首位|第一个|排名第一|排在首位|排名首位|第一)的?(?:单位|部门)?"
    r"(?:为|是|系)牵头(?:单位|部门)?[)）]?"
)


@dataclass
class Annotation:
    """Units by role and the deadline text written against one item (possibly empty)."""

    lead: list[str] = field(default_factory=list)
    participating: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    lead_first: bool = False
    """The label said "排在第一位的为牵头单位": the first responsible unit also leads."""

    def __bool__(self) -> bool:
        return bool(self.lead or self.participating or self.responsible or self.deadline_text)

    @property
    def has_units(self) -> bool:
        return bool(self.lead or self.participating or self.responsible)

    def add(self, role: str, names: list[str]) -> None:
        bucket: list[str] = getattr(self, role)
        for name in names:
            if name not in bucket:
                bucket.append(name)

    def add_deadline(self, text: str) -> None:
        text = text.strip()
        if text:
            self.deadline_text = f"{self.deadline_text}；{text}" if self.deadline_text else text

    def merge(self, other: Annotation) -> None:
        """Add everything `other` says (used when sub-points are folded into their task)."""
        for role in ROLES:
            self.add(role, getattr(other, role))
        if other.deadline_text:
            self.add_deadline(other.deadline_text)
        self.lead_first = self.lead_first or other.lead_first

    def inherit(self, parent: Annotation) -> None:
        """Fill roles (and the deadline) this item does not state from an enclosing section's annotation."""
        for role in ROLES:
            if not getattr(self, role):
                self.add(role, getattr(parent, role))
        if not self.deadline_text and parent.deadline_text:
            self.deadline_text = parent.deadline_text
        self.lead_first = self.lead_first or parent.lead_first


def split_names(value: str) -> list[tuple[str, str | None]]:
    """Split a list of unit names as written; each comes with a role forced by a "（牵头）" mark, if any."""
    names: list[tuple[str, str | None]] = []
    for raw in split_outside_brackets(value, "、，,；;／/ \t"):
        name = raw.strip(" .。:：")
        if name.startswith("由") and len(name) > 2:
            name = name[1:]
        role: str | None = None
        mark = _ROLE_MARK.search(name)
        if mark:
            role = _VERB_ROLE.get(mark.group(1), "responsible")
            name = name[: mark.start()].strip()
        stripped = _NAME_SUFFIX.sub("", name)
        if len(stripped) >= 2:
            name = stripped
        if name.endswith("等") and len(name) > 2:
            name = name[:-1]
        if name and name not in _FILLERS:
            names.append((name, role))
    return names


def _add_names(ann: Annotation, role: str, value: str) -> None:
    for name, forced in split_names(value):
        ann.add(forced or role, [name])


def parse_fields(text: str, start: int = 0, end: int | None = None) -> Annotation:
    """Read "label：value" fields from text[start:end]; each value runs to the next label."""
    end = len(text) if end is None else end
    folded = fold(text)
    ann = Annotation()
    matches = list(LABEL.finditer(folded, start, end))
    for i, m in enumerate(matches):
        value_end = matches[i + 1].start() if i + 1 < len(matches) else end
        value = text[m.end() : value_end].strip(" \t,，;；。、")
        if m.group("person"):
            continue
        if m.group("deadline"):
            ann.add_deadline(value)
            continue
        role = next(r for r in ROLES if m.group(r))
        if LEAD_FIRST.search(value):
            ann.lead_first = True
            value = LEAD_FIRST.sub("", value)
        if m.group("note") and _LEAD_FIRST_NOTE.search(m.group("note")) and "牵头" in m.group("note"):
            ann.lead_first = True
        _add_names(ann, role, value)
    return ann


def _verb_annotation(inner: str) -> Annotation | None:
    """Read "区司法局牵头，区直各单位配合" (every clause must be names + a role verb), else None."""
    ann = Annotation()
    parts = [p.strip() for p in re.split(r"[，,；;]", inner) if p.strip()]
    if not parts:
        return None
    for part in parts:
        m = _VERB_CLAUSE.match(part)
        if not m:
            return None
        names = [n for n, _ in split_names(m.group("names"))]
        if not names or any(len(n) > 20 or len(n) < 2 or _NOT_A_NAME.search(n) for n in names):
            return None
        ann.add(_VERB_ROLE.get(m.group("verb"), "responsible"), names)
    return ann


_BARE_LABEL = re.compile(r"^\s*[(\[]?\s*" + _LABEL_BODY + r"\s*[)\]]?\s*$")


def is_bare_label(line: str) -> bool:
    """True for a label alone on its line ("牵头单位：") whose value is written on the next line."""
    return bool(_BARE_LABEL.match(fold(_label_words(line))))


def starts_with_label(line: str) -> bool:
    """True if the line is an annotation line ("牵头部门：…", "（责任单位：…）")."""
    folded = fold(line).lstrip(" ([")
    return bool(LABEL.match(folded))


def _label_words(line: str) -> str:
    """Rewrite "【责任单位】X" as " 责任单位：X" (same length), so one label syntax serves both."""

    def colon(m: re.Match[str]) -> str:
        return " " + m.group(1) + "："

    return _BRACKET_LABEL.sub(colon, line)


def extract(line: str) -> tuple[str, Annotation]:
    """Split one line into its text and the annotations written in it.

    Returns the line with annotation brackets, a trailing "。责任单位：…" run, or the whole annotation line
    removed.
    """
    line = _label_words(line)
    folded = fold(line)
    lead_len = len(folded) - len(folded.lstrip(" (["))
    if LABEL.match(folded, lead_len):
        close = len(line)
        if lead_len and folded[lead_len - 1] in "([":
            found = matching_close(line, lead_len - 1)
            close = found if found >= 0 else len(line)
        ann = parse_fields(line, lead_len, close)
        rest = line[close + 1 :].strip() if close < len(line) else ""
        if rest:
            more_text, more = extract(rest)
            ann.merge(more)
            return more_text, ann
        return "", ann
    ann = Annotation()
    kept: list[str] = []
    i = 0
    copied = 0
    while i < len(line):
        if folded[i] in "([":
            close = matching_close(line, i)
            inner_end = close if close >= 0 else len(line)
            inner = line[i + 1 : inner_end]
            inner_folded = folded[i + 1 : inner_end].lstrip()
            found: Annotation | None = None
            if LABEL.match(inner_folded):
                offset = len(inner) - len(inner.lstrip())
                found = parse_fields(inner, offset)
            elif close >= 0:
                found = _verb_annotation(inner)
            if found is not None:
                ann.merge(found)
                kept.append(line[copied:i])
                copied = i = (close + 1) if close >= 0 else len(line)
                continue
            if close > i:
                i = close + 1
                continue
        i += 1
    kept.append(line[copied:])
    text = "".join(kept).strip()
    inline = _INLINE_LABEL.search(fold(text))
    if inline and inline.group("deadline") != "时间":  # a bare "时间：" mid-line is usually prose
        ann.merge(parse_fields(text, inline.start("label")))
        text = text[: inline.start("label")].strip()
    return text, ann
