"""The section outline of a plan and the rule that decides which numbered items are tasks.

Numbering. A line starting with 一、 （一） 1、/1./1． （1） 1） ① 一是 第一章/第一部分 opens an item. Levels are
not fixed per style: the first style seen is the top level, a new style nests under the current item, and a
style seen before closes everything below it. So "一、 → 1、" and "一、 → （一） → 1、" both work, and numbering
that runs on across sections (1…10 under several （一）) still lands in the right section. "一是/二是" items
are prose enumerations and never hold sub-items.

Which items are tasks. A task is the lowest numbered item that carries the work:
1. When the document annotates units or deadlines anywhere (牵头单位…, 完成时限…, a task table), tasks are
   found from those annotations. The *task style* is the numbering style most annotated items use. An item
   of the task style is a task when it, a sibling of the same style, or an enclosing item is annotated;
   deeper items under it (（1）, ①…) are folded into its text and their annotations into its units — unless
   two or more of those sub-items carry units of their own, in which case they are the tasks. Items above
   the task style pass their annotations down (a task without, say, a lead unit takes its section's).
   Other annotated items (a leaf （五） among 1、-tasks) are tasks too; unannotated numbered paragraphs
   elsewhere (目标任务, 保障措施, 工作要求) are not.
   Units written after the last of an item's sub-points (1、…（1）…（2）…牵头单位：…) belong to the item when
   no other sub-point has units, the sub-points have none of their own below them, and no neighbouring
   item's sub-points of that style all carry units (which would make them tasks whose units were omitted).
2. When nothing is annotated (an implementing opinion, a creation scheme), tasks are the numbered items
   without sub-items below the top level, except in framework sections whose heading says what the
   document is about rather than what to do: 指导思想, 基本原则, 目标, 责任主体, 保障措施, 工作要求,
   实施步骤 and the like (see `FRAMEWORK`).
3. Rows of a task table (tables.py) are always tasks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from .annotations import Annotation, extract, is_bare_label
from .text import first_sentence, fold

_CN = "一二三四五六七八九十"
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"第(?P<n>[{_CN}百零〇两]+|\d{{1,3}})(?:章|部分|篇)(?P<sep>[\s、.:]*)")),
    ("article", re.compile(rf"第(?P<n>[{_CN}百零〇两]+|\d{{1,3}})条(?P<sep>[\s、.:]*)")),
    ("paren_cn", re.compile(rf"\(\s*(?P<n>[{_CN}]{{1,3}})\s*\)(?P<sep>[\s、.]*)")),
    ("paren_arabic", re.compile(r"\(\s*(?P<n>\d{1,3})\s*\)(?P<sep>[\s、.]*)")),
    ("circled", re.compile(r"(?P<n>[\u2460-\u2473\u3251-\u325f\u2776-\u277f])(?P<sep>[\s、.]*)")),
    ("cn", re.compile(rf"(?P<n>[{_CN}]{{1,3}})\s*(?P<sep>[、.]\s*)")),
    ("shi", re.compile(rf"(?P<n>[{_CN}]{{1,3}})是(?=[^\s,.;:、是])(?P<sep>)")),
    ("cn_half_paren", re.compile(rf"(?P<n>[{_CN}]{{1,3}})\s*\)(?P<sep>\s*)")),
    ("arabic", re.compile(r"(?P<n>\d{1,3})\s*(?P<sep>(?:、|\.(?!\d))\s*)(?!\d+\s*[、.])")),
    ("arabic_half_paren", re.compile(r"(?P<n>\d{1,3})\s*\)(?P<sep>\s*)")),
]
_LEAF_ONLY = {"shi"}

FRAMEWORK = re.compile(
    r"指导思想|总体要求|基本原则|工作原则|主要原则|总体目标|主要目标|工作目标|目标要求|责任主体|适用范围|"
    r"保障措施|保障机制|组织保障|工作保障|工作要求|组织实施|实施步骤|工作步骤|方法步骤|步骤安排|时间安排|"
    r"进度安排|附则|重要意义|总体思路|工作思路|背景"
)


@dataclass(frozen=True)
class Marker:
    kind: str
    number: str
    """The numeral as written, digits in ASCII: "1", "一", "十四", "①"."""
    written: str
    """The marker as it appears in the line, with the blank after it if any: "（一）", "1、", "第二部分 "."""
    end: int
    """Where the item's own text starts in the line."""


def detect_marker(line: str) -> Marker | None:
    """The numbering marker that opens `line`, if any."""
    folded = fold(line)
    for kind, pattern in _MARKERS:
        m = pattern.match(folded)
        if not m:
            continue
        end = m.end()
        if end >= len(line.rstrip()) and kind in ("shi", "arabic_half_paren", "cn_half_paren"):
            return None
        written = line[: m.end("sep")]
        return Marker(kind=kind, number=m.group("n"), written=written, end=end)
    return None


@dataclass(eq=False)
class Item:
    """A numbered item (or a task-table row) with the lines up to the next item."""

    kind: str
    number: str = ""
    marker: str = ""
    heading: str = ""
    line: int = 0
    parent: Item | None = None
    depth: int = 0
    body: list[str] = field(default_factory=list)
    ann: Annotation = field(default_factory=Annotation)
    ann_at_end: bool = False
    children: list[Item] = field(default_factory=list)
    row: object | None = None
    """For kind "table": the `tables.TableRow`."""

    def descendants(self) -> Iterator[Item]:
        for child in self.children:
            yield child
            yield from child.descendants()

    def ancestors(self) -> list[Item]:
        """Enclosing items, outermost first, without the document root."""
        chain: list[Item] = []
        node = self.parent
        while node is not None and node.kind != "root":
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def lead_text(self) -> str:
        return self.heading or (self.body[0] if self.body else "")

    @property
    def path_entry(self) -> str:
        """How the item appears in a task's section path: marker and lead phrase, "（一）明确…内容"."""
        return (self.marker + first_sentence(self.lead_text)).strip()

    def own_lines(self) -> list[str]:
        return [line for line in [self.heading, *self.body] if line]

    def folded_lines(self) -> list[str]:
        """The item's text with every sub-item (marker included) folded in, in document order."""
        lines = self.own_lines()
        for child in self.children:
            if child.kind == "table":
                continue
            child_lines = child.folded_lines()
            if child_lines:
                child_lines[0] = child.marker + child_lines[0]
            else:
                child_lines = [child.marker]
            lines.extend(child_lines)
        return lines

    @property
    def marked(self) -> bool:
        """Annotated, or a task-table row (which is always a task)."""
        return self.kind == "table" or bool(self.ann)


class Outline:
    """Builds the item tree line by line; tables are attached by the caller through `add_rows`."""

    def __init__(self) -> None:
        self.root = Item(kind="root")
        self._stack: list[Item] = [self.root]
        self._pending_label = ""

    @property
    def current(self) -> Item:
        return self._stack[-1]

    def reset(self) -> None:
        """Close every open item: what follows (an attachment, a signature) is not part of them."""
        self._stack = [self.root]
        self._pending_label = ""

    def add_line(self, line: str, number: int) -> bool:
        """Add one line; True when it opened a new item."""
        marker = detect_marker(line)
        if marker is None and is_bare_label(line):
            self._pending_label = line.strip()
            return False
        if marker is None and self._pending_label:
            line = self._pending_label + line.strip()
        self._pending_label = ""
        if marker is None:
            text, ann = extract(line)
            item = self.current
            if text:
                if not item.heading and not item.body and item.kind != "root":
                    item.heading = text
                else:
                    item.body.append(text)
                item.ann_at_end = False
            if ann:
                item.ann.merge(ann)
                item.ann_at_end = True
            return False
        kinds = [it.kind for it in self._stack]
        if marker.kind in kinds:
            del self._stack[kinds.index(marker.kind) :]
        elif self.current.kind in _LEAF_ONLY:
            self._stack.pop()
        parent = self.current
        text, ann = extract(line[marker.end :])
        item = Item(
            kind=marker.kind,
            number=marker.number,
            marker=marker.written,
            heading=text,
            line=number,
            parent=parent,
            depth=parent.depth + 1,
            ann=ann,
            ann_at_end=bool(ann),
        )
        parent.children.append(item)
        self._stack.append(item)
        return True

    def add_rows(self, rows: list[object], lines: list[int]) -> None:
        parent = self.current
        for row, number in zip(rows, lines, strict=True):
            parent.children.append(Item(kind="table", line=number, parent=parent, depth=parent.depth + 1, row=row))

    def items(self) -> list[Item]:
        return list(self.root.descendants())


@dataclass
class Selected:
    """A task chosen from the outline, with the annotation that applies to it after folding/inheriting."""

    item: Item
    ann: Annotation


def select_tasks(root: Item) -> list[Selected]:
    """Apply the module's task rule to the outline under `root`, in document order."""
    items = list(root.descendants())
    if not any(item.marked for item in items):
        return _unannotated(items)
    text_items = [item for item in items if item.kind != "table"]
    _lift_trailing(text_items)
    task_kind = _dominant_kind([item for item in text_items if item.ann])
    out: list[Selected] = []
    _visit(root.children, Annotation(), False, task_kind, out)
    return out


def _dominant_kind(annotated: list[Item]) -> str | None:
    if not annotated:
        return None
    counts = Counter(item.kind for item in annotated)
    depth = {item.kind: item.depth for item in annotated}
    return max(counts, key=lambda kind: (counts[kind], depth[kind]))


def _lift_trailing(text_items: list[Item]) -> None:
    """Give units written after an item's last sub-point to the item itself (see the module rule).

    Not done when a neighbouring item (same parent, same style) has sub-items of this style that all carry
    their own units: then this section's sub-items are tasks too and the earlier ones simply lack units.
    """
    candidates: list[Item] = []
    for parent in text_items:
        kids = [kid for kid in parent.children if kid.kind != "table"]
        if len(kids) < 2 or parent.ann:
            continue
        annotated = [kid for kid in kids if kid.ann]
        last = kids[-1]
        if annotated == [last] and last.ann_at_end and not any(kid.children for kid in kids):
            candidates.append(last)
    for item in candidates:
        parent = item.parent
        assert parent is not None and parent.parent is not None
        neighbours = [n for n in parent.parent.children if n is not parent and n.kind == parent.kind]
        if any(_all_annotated([k for k in n.children if k.kind == item.kind]) for n in neighbours):
            continue
        parent.ann.merge(item.ann)
        item.ann = Annotation()


def _all_annotated(items: list[Item]) -> bool:
    return len(items) >= 2 and all(item.ann for item in items)


def _visit(
    children: list[Item], inherited: Annotation, in_context: bool, task_kind: str | None, out: list[Selected]
) -> None:
    annotated_kinds = {child.kind for child in children if child.ann}
    for child in children:
        if child.kind == "table":
            out.append(Selected(child, _with_inherited(Annotation(), inherited)))
            continue
        context = in_context or bool(child.ann) or child.kind in annotated_kinds
        below = _with_inherited(child.ann, inherited)
        descendants = list(child.descendants())
        has_table = any(d.kind == "table" for d in descendants)
        subtree_marked = any(d.marked for d in descendants)
        own_tasks = sum(1 for kid in child.children if kid.ann) >= 2
        if child.kind == task_kind and not has_table and not own_tasks:
            if context or subtree_marked:
                out.append(Selected(child, _folded(child, inherited)))
            continue
        goes_deeper = has_table or own_tasks or any(d.kind == task_kind for d in descendants)
        if child.children and (goes_deeper or (not child.ann and subtree_marked)):
            _visit(child.children, below, in_context or bool(child.ann), task_kind, out)
            continue
        if context or subtree_marked:
            out.append(Selected(child, _folded(child, inherited)))


def _with_inherited(own: Annotation, inherited: Annotation) -> Annotation:
    ann = Annotation()
    ann.merge(own)
    ann.inherit(inherited)
    return ann


def _folded(item: Item, inherited: Annotation) -> Annotation:
    ann = Annotation()
    ann.merge(item.ann)
    for descendant in item.descendants():
        ann.merge(descendant.ann)
    ann.inherit(inherited)
    return ann


def _unannotated(items: list[Item]) -> list[Selected]:
    text_items = [item for item in items if item.kind != "table"]
    if not text_items:
        return []
    max_depth = max(item.depth for item in text_items)
    out: list[Selected] = []
    for item in text_items:
        if item.children or (item.depth < 2 and max_depth > 1):
            continue
        if any(FRAMEWORK.search(first_sentence(node.lead_text)) for node in [*item.ancestors(), item]):
            continue
        out.append(Selected(item, _with_inherited(item.ann, Annotation())))
    return out
