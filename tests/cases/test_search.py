"""Search relevance on our own texts: every query finds its expected case in the top 5 — on whichever database
the suite runs (SQLite FTS5 or PostgreSQL tsvector)."""

from __future__ import annotations

import pytest

from pufa.cases import search, selectors
from pufa.org.access import SYSTEM
from tests.cases.conftest import make_case
from tests.cases.corpus import CASES, QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(world):
    units = [world.committee_a, world.committee_b, world.judicial_office]
    keys = {}
    for i, (key, title, kind, facts, outcome, reasoning, tags) in enumerate(CASES):
        case = make_case(
            units[i % 3],
            title=title,
            case_type=kind,
            facts=facts,
            outcome=outcome,
            reasoning=reasoning,
            tags=tags,
            parties=[],
            status="published" if i % 2 == 0 else "draft",
        )
        keys[key] = case.pk
    return keys


def test_thirty_realistic_queries_find_their_case_in_the_top_five(library):
    assert len(QUERIES) >= 30
    misses = []
    for query, key in QUERIES:
        page = selectors.case_page(actor=SYSTEM, filters=selectors.CaseFilters(q=query), size=5)
        top = [h.case.pk for h in page.hits]
        if library[key] not in top:
            misses.append((query, key))
    print(f"relevance: {len(QUERIES) - len(misses)}/{len(QUERIES)} queries with the expected case in the top 5")
    assert misses == []


def test_colloquial_query_reaches_the_telecom_fraud_case_first(library):
    page = selectors.case_page(actor=SYSTEM, filters=selectors.CaseFilters(q="网上被骗了钱"), size=5)
    assert page.hits[0].case.pk == library["telecom"]
    assert "<mark>" in page.hits[0].snippet or "<mark>" in page.hits[0].title_html


def test_search_mode_finds_words_inside_longer_words(library):
    page = selectors.case_page(actor=SYSTEM, filters=selectors.CaseFilters(q="物业"), size=5)
    assert library["property"] in [h.case.pk for h in page.hits]


def test_filters_and_paging(library):
    page = selectors.case_page(actor=SYSTEM, filters=selectors.CaseFilters(q="诈骗", case_type="criminal"), size=2)
    assert page.total >= 3 and len(page.hits) == 2 and page.has_next
    assert all(h.case.case_type == "criminal" for h in page.hits)
    page2 = selectors.case_page(
        actor=SYSTEM, filters=selectors.CaseFilters(q="诈骗", case_type="criminal"), page=2, size=2
    )
    assert not {h.case.pk for h in page.hits} & {h.case.pk for h in page2.hits}
    none = selectors.case_page(actor=SYSTEM, filters=selectors.CaseFilters(q="诈骗", year=1999))
    assert none.total == 0


def test_public_search_sees_published_cases_only(library):
    published = {pk for i, pk in enumerate(library.values()) if i % 2 == 0}
    for query, _ in QUERIES:
        for hit in selectors.public_search(q=query).hits:
            assert hit.case.id in published


def test_highlight_escapes_html():
    query = search.parse("诈骗")
    assert search.highlight("<b>诈骗</b>", query) == "&lt;b&gt;<mark>诈骗</mark>&lt;/b&gt;"


def test_query_parsing_drops_stopwords_and_expands_colloquial_words():
    query = search.parse("我在网上被骗了钱怎么办")
    words = {w for c in query.concepts for w in c}
    assert "诈骗" in words and "电信" in words
    assert not words & {"我", "了", "怎么办"}


def test_the_database_index_answers_the_query(library):
    """SQLite: the FTS5 table holds every case; PostgreSQL: the GIN index on the tsvector serves the match."""
    from django.db import connection

    from pufa.cases.models import Case

    query = search.parse("电信诈骗")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM cases_case_fts")
            assert cursor.fetchone()[0] == Case.objects.count()
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT case_id FROM cases_casesearch WHERE vector @@ to_tsquery('simple', %s)",
                [search._ts_expression(query, False)],
            )
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "cases_casesearch_vector" in plan
    assert search.candidates(query)


def test_list_page_queries_are_bounded(client_for, world, office_user, library, django_assert_max_num_queries):
    from django.urls import reverse

    c = client_for(office_user)
    with django_assert_max_num_queries(30):
        assert c.get(reverse("cases:case-list"), {"q": "网上被骗了钱"}).status_code == 200
    with django_assert_max_num_queries(30):
        assert c.get(reverse("cases:case-list")).status_code == 200
