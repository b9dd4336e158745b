from __future__ import annotations

import pytest

from pufa.cases import selectors
from pufa.cases.demo import CASES, seed_cases
from pufa.cases.models import Case, CaseUse, Finding
from pufa.org.demo import seed_org

pytestmark = pytest.mark.django_db


def test_demo_cases_are_published_awaiting_and_idempotent():
    from pufa.duties.demo import _seed_laws

    seed_org()
    _seed_laws()
    seed_cases()
    seed_cases()
    assert Case.objects.count() == len(CASES)
    published = Case.objects.filter(status=Case.Status.PUBLISHED)
    assert published.count() == 4
    waiting = Case.objects.get(status=Case.Status.SUBMITTED)
    assert Finding.objects.filter(case=waiting, status=Finding.Status.OPEN, kind__in=["id_card", "phone"]).count() == 2
    assert "朱晓燕" not in waiting.facts and "黄德明" not in waiting.facts
    for case in published:
        assert not any(p.name in case.facts for p in case.parties.all())
    hits = selectors.public_search(q="网上被骗了钱").hits
    assert hits and hits[0].case.title == CASES[0].title
    assert CaseUse.objects.count() == 0  # no ledger activity in this test: nothing to name
