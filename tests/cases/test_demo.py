from __future__ import annotations

from decimal import Decimal

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


def test_seed_003_target_is_evaluated_live_from_published_cases():
    from django.core.management import call_command

    from pufa.cases import services
    from pufa.cases.demo import TARGET_TITLE
    from pufa.org.access import SYSTEM
    from pufa.plans.models import Task
    from pufa.progress.models import TargetCheck

    call_command("seed_demo", "--quiet-logins")
    task = Task.objects.get(title=TARGET_TITLE)
    sfs_cases = Case.objects.filter(unit__code="tuohe-sfs", status=Case.Status.PUBLISHED)

    def value() -> Decimal:
        return TargetCheck.objects.get(task=task, target__isnull=False, unit__code="tuohe-sfs").value

    assert value() == sfs_cases.count() >= 1
    assert CaseUse.objects.filter(case__title=CASES[0].title).exists()  # the demo's 以案释法 activity names it
    services.case_withdraw(actor=SYSTEM, case=sfs_cases.first())
    assert value() == sfs_cases.count()  # the checks are rewritten on the event, in the same transaction
