"""Chinese full-text search over cases, the same on SQLite and PostgreSQL.

Neither database segments Chinese (FTS5's trigram tokenizer misses every two-character word; Debian's
PostgreSQL has no zhparser/pg_jieba), so pufa segments it: `segment()` turns a case's title, texts, law names
and tags into space-separated words — rjieba in search mode (物业公司 → 物业 公司 物业公司) plus the character
bigrams of longer words, so an unknown word (以刷单) is still found by its parts. That shadow text
(`CaseSearch.body`) is indexed by

- SQLite: the FTS5 table `cases_case_fts(body)` (rowid = case id, tokenizer unicode61: a word is a run
  between spaces), written by `index_case()` in the service's transaction;
- PostgreSQL: `CaseSearch.vector = to_tsvector('simple', body)` with a GIN index, queried with
  `SearchQuery(…, config='simple', search_type='raw')` and ranked with `SearchRank`.

A query is segmented the same way; each word becomes a *concept* — the word OR its expansions from the
small table of colloquial terms (`EXPANSIONS`: 被骗 → 诈骗 …) — and the concepts are OR-ed. The database
ranks at most `POOL` matches (the newest; so a word nearly every case holds costs the same at any size)
and returns the best `CANDIDATES` by its own rank (bm25 / ts_rank); pufa then orders the first hundred by
how many concepts each matches (title first), then by the database's rank, so the same query gives the same
top results on both databases. Snippets and highlights are made here from the case's own texts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import rjieba
from django.db import connection

CANDIDATES = 300  # ids a search returns at most (the list then says "300+")
POOL = 500  # matches ranked by the database at most, per part (the newest)
PUBLIC_TOKEN = "zzpublic"  # noqa: S105 (a word, not a secret)  # in the body of published cases: the portal's searches AND it in
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")

#: Words that carry nothing in a query (a resident types 「我被人骗了怎么办」).
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "在",
        "是",
        "我",
        "你",
        "他",
        "她",
        "它",
        "们",
        "我们",
        "被",
        "把",
        "和",
        "与",
        "及",
        "或",
        "也",
        "都",
        "就",
        "还",
        "又",
        "不",
        "没",
        "没有",
        "有",
        "吗",
        "呢",
        "啊",
        "吧",
        "呀",
        "怎么",
        "怎么办",
        "什么",
        "如何",
        "要",
        "会",
        "能",
        "可以",
        "给",
        "对",
        "从",
        "到",
        "后",
        "前",
        "个",
        "这",
        "那",
        "一",
        "人",
        "被人",
        "别人",
        "家",
        "自己",
        "该",
        "吗",
        "呢",
        "哪里",
        "哪",
        "谁",
        "里",
        "上",
        "下",
        "想",
        "请问",
        "问",
        "咨询",
        "一下",
        "案例",
        "案件",
        "有关",
        "关于",
        "相关",
    ]
)

#: Colloquial words → the terms the cases use. Small on purpose: each line is a real way residents ask.
EXPANSIONS: dict[str, tuple[str, ...]] = {
    "骗": ("诈骗",),
    "被骗": ("诈骗",),
    "骗钱": ("诈骗",),
    "骗走": ("诈骗",),
    "网上": ("网络", "电信", "电信网络"),
    "网络": ("电信",),
    "电话": ("电信",),
    "电诈": ("电信", "诈骗"),
    "刷单": ("诈骗", "返利"),
    "欠钱": ("借款", "民间借贷", "欠款"),
    "借钱": ("借款", "民间借贷"),
    "不还": ("借款", "还款"),
    "欠债": ("借款", "债务"),
    "工资": ("劳动报酬", "欠薪"),
    "讨薪": ("劳动报酬", "欠薪", "工资"),
    "欠薪": ("劳动报酬", "工资"),
    "老板": ("用人单位",),
    "辞退": ("解除劳动合同",),
    "开除": ("解除劳动合同",),
    "打人": ("故意伤害", "殴打"),
    "打架": ("斗殴", "殴打", "故意伤害"),
    "被打": ("故意伤害", "殴打"),
    "酒驾": ("醉酒", "危险驾驶", "饮酒"),
    "醉驾": ("醉酒", "危险驾驶"),
    "喝酒": ("醉酒", "饮酒"),
    "开车": ("驾驶", "机动车"),
    "撞": ("交通事故",),
    "撞人": ("交通事故",),
    "车祸": ("交通事故",),
    "房东": ("租赁", "出租人"),
    "租房": ("租赁",),
    "押金": ("租赁",),
    "物业费": ("物业", "物业服务"),
    "假货": ("假冒", "伪劣", "产品质量"),
    "老人": ("老年人", "养老"),
    "保健品": ("养老", "诈骗"),
    "狗": ("饲养动物", "犬只", "遛狗", "养狗", "犬"),
    "咬": ("饲养动物",),
    "扔": ("高空抛物", "抛掷"),
    "楼上": ("高空抛物",),
    "遗产": ("继承",),
    "分家": ("继承", "分家析产"),
    "孩子": ("子女", "未成年人", "抚养"),
    "小孩": ("未成年人", "子女"),
    "离婚": ("婚姻",),
    "家暴": ("家庭暴力",),
    "打老婆": ("家庭暴力",),
    "偷": ("盗窃",),
    "偷东西": ("盗窃",),
    "小偷": ("盗窃",),
    "网贷": ("套路贷", "借贷"),
    "高利贷": ("套路贷", "借贷"),
    "吵": ("噪声",),
    "噪音": ("噪声",),
    "摆摊": ("占道经营",),
    "过期": ("食品安全",),
    "吃坏": ("食品安全",),
    "医院": ("医疗",),
    "看病": ("医疗",),
    "邻居": ("相邻",),
    "彩礼": ("婚约",),
    "受伤": ("工伤", "人身损害"),
    "干活": ("劳务", "工伤"),
    "赌": ("赌博",),
    "毒": ("毒品",),
    "拉人头": ("传销",),
    "土地": ("承包", "宅基地"),
    "盖房": ("宅基地", "建设"),
}


# ---------------------------------------------------------------- segmentation (no database)


def _bigrams(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)]


def segment(text: str) -> list[str]:
    """Index words of a text: search-mode segmentation, plus bigrams of every Chinese word of 3+ characters."""
    words: list[str] = []
    for token in rjieba.cut_for_search(text or ""):
        token = token.strip().lower()
        if not token or not _WORD.fullmatch(token):
            continue
        words.append(token)
        if len(token) >= 3 and _CJK_ONLY.match(token):
            words.extend(_bigrams(token))
    return words


def index_text(parts: Iterable[str]) -> str:
    return " ".join(w for part in parts for w in segment(part))


@dataclass(frozen=True)
class Query:
    """A parsed query: concepts (each a set of alternative words) and the words to highlight."""

    concepts: tuple[tuple[str, ...], ...]

    @property
    def words(self) -> list[str]:
        return sorted({w for c in self.concepts for w in c}, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self.concepts)


def parse(text: str) -> Query:
    """Segment a query into concepts; stopwords go, colloquial words bring their expansions along."""
    text = (text or "").strip()[:100]
    concepts: list[tuple[str, ...]] = []
    seen: set[str] = set()
    tokens = [t.strip().lower() for t in rjieba.cut_for_search(text) if _WORD.fullmatch(t.strip())]
    # Colloquial phrases that segment apart (网上 被 骗): also look the joined neighbours up.
    joined = [a + b for a, b in pairwise(tokens) if a + b in EXPANSIONS]
    for token in [*tokens, *joined]:
        if token in STOPWORDS or token in seen:
            continue
        seen.add(token)
        alternatives = (token, *EXPANSIONS.get(token, ()))
        concepts.append(tuple(dict.fromkeys(alternatives)))
    return Query(tuple(concepts))


# ---------------------------------------------------------------- the index (one row per case)


def _fts_quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _fts_expression(query: Query, public_only: bool, *, require_all: bool = False) -> str:
    parts = ["(" + " OR ".join(_fts_quote(w) for w in concept) + ")" for concept in query.concepts]
    expression = (" AND " if require_all else " OR ").join(parts)
    return f"({expression}) AND {_fts_quote(PUBLIC_TOKEN)}" if public_only else expression


def _ts_expression(query: Query, public_only: bool, *, require_all: bool = False) -> str:
    def lexeme(word: str) -> str:
        return "'" + word.replace("'", "''").replace("\\", "") + "'"

    parts = ["(" + " | ".join(lexeme(w) for w in concept) + ")" for concept in query.concepts]
    expression = (" & " if require_all else " | ").join(parts)
    return f"({expression}) & {lexeme(PUBLIC_TOKEN)}" if public_only else expression


def write_index(case_ids_bodies: Sequence[tuple[int, str, bool]]) -> None:
    """Write the index rows of these cases (id, body, public) — the row, the FTS5 mirror or the tsvector."""
    from pufa.cases.models import CaseSearch

    if not case_ids_bodies:
        return
    ids = [pk for pk, _, _ in case_ids_bodies]
    rows = [
        CaseSearch(case_id=pk, body=body + (f" {PUBLIC_TOKEN}" if public else ""), is_public=public)
        for pk, body, public in case_ids_bodies
    ]
    CaseSearch.objects.filter(case_id__in=ids).delete()
    CaseSearch.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany("DELETE FROM cases_case_fts WHERE rowid = %s", [(pk,) for pk in ids])
            cursor.executemany(
                "INSERT INTO cases_case_fts(rowid, body) VALUES (%s, %s)", [(r.case_id, r.body) for r in rows]
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE cases_casesearch SET vector = to_tsvector('simple', body) WHERE case_id = ANY(%s)", [ids]
            )


def drop_index(ids: Sequence[int]) -> None:
    """Remove these cases from the index (deleted cases: no search may find them, whatever it filters)."""
    from pufa.cases.models import CaseSearch

    if not ids:
        return
    CaseSearch.objects.filter(case_id__in=ids).delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM cases_case_fts WHERE rowid = %s", [(pk,) for pk in ids])


def candidates(query: Query, *, public_only: bool = False, limit: int = CANDIDATES) -> list[int]:
    """Case ids matching any concept, best first: those matching every concept, then the rest, each part
    ranked by the database's own rank (bm25 / ts_rank).

    Each part ranks at most `POOL` matches, the newest first: ranking every hit of a query whose words most
    cases hold (纠纷, 钱) was what made a search cost 150–400 ms at 100,000 cases. The part that matches
    every concept is asked first (an intersection of the index's lists, small), so the best cases are among
    the candidates however old they are and however common the query's other words; the same pools on both
    databases keep their answers alike."""
    if not query:
        return []
    found: list[int] = []
    seen: set[int] = set()
    for require_all in (True, False) if len(query.concepts) > 1 else (False,):
        for pk in _ranked_pool(query, require_all=require_all, public_only=public_only, limit=limit):
            if pk not in seen:
                seen.add(pk)
                found.append(pk)
        if len(found) >= limit:
            break
    return found[:limit]


def _ranked_pool(query: Query, *, require_all: bool, public_only: bool, limit: int) -> list[int]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT rowid FROM (SELECT rowid, rank FROM cases_case_fts WHERE cases_case_fts MATCH %s "
                "ORDER BY rowid DESC LIMIT %s) ORDER BY rank, rowid DESC LIMIT %s",
                [_fts_expression(query, public_only, require_all=require_all), POOL, limit],
            )
            return [row[0] for row in cursor.fetchall()]
        # PostgreSQL: the GIN index finds the matches; ts_rank ranks only the pool (the newest POOL).
        expression = _ts_expression(query, public_only, require_all=require_all)
        cursor.execute(
            "SELECT case_id FROM cases_casesearch WHERE case_id IN ("
            "  SELECT case_id FROM cases_casesearch WHERE vector @@ to_tsquery('simple', %s)"
            "  ORDER BY case_id DESC LIMIT %s)"
            " ORDER BY ts_rank(vector, to_tsquery('simple', %s)) DESC, case_id DESC LIMIT %s",
            [expression, POOL, expression, limit],
        )
        return [row[0] for row in cursor.fetchall()]


# ---------------------------------------------------------------- ordering and snippets (no database)


def matched(query: Query, words: set[str]) -> int:
    return sum(1 for concept in query.concepts if any(w in words for w in concept))


def order(query: Query, ids: Sequence[int], texts: dict[int, tuple[str, str]]) -> list[int]:
    """Order candidates by concepts matched in the whole text, then in the title, then by the database's rank.

    `texts` maps a case id to (title, index body)."""
    position = {pk: i for i, pk in enumerate(ids)}

    def key(pk: int) -> tuple[int, int, int]:
        title, body = texts.get(pk, ("", ""))
        in_title = sum(1 for concept in query.concepts if any(w in title for w in concept))
        return (-matched(query, set(body.split())), -in_title, position[pk])

    return sorted((pk for pk in ids if pk in texts), key=key)


def highlight(text: str, query: Query) -> str:
    """HTML-escaped text with the query's words marked (<mark>)."""
    words = [w for w in query.words if w]
    if not words:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(texts: Sequence[str], query: Query, width: int = 90) -> str:
    """A window of the first text that holds a query word, highlighted; else the start of the first text."""
    words = query.words
    for text in texts:
        if not text:
            continue
        positions = [p for p in (text.find(w) for w in words) if p >= 0]
        if positions:
            start = max(0, min(positions) - width // 3)
            piece = text[start : start + width]
            prefix = "…" if start > 0 else ""
            suffix = "…" if start + width < len(text) else ""
            return prefix + highlight(piece, query) + suffix
    first = next((t for t in texts if t), "")
    return html.escape(first[:width]) + ("…" if len(first) > width else "")
