"""schemathesis against the published schema on a live server (stateless, a bounded number of examples per
operation): no 5xx, every status documented, every body conforming to its schema — first as an office with a
read-write token over every operation, then as a liaison over every read, checking that nothing outside the
liaison's scope is ever returned."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pufa.api.endpoints import api
from pufa.ledger.metrics import COUNT
from pufa.org.access import SYSTEM
from pufa.plans import services as plan_services
from pufa.reports import services as report_services
from tests.api.conftest import token_for
from tests.e2e.conftest import restore_default_rows
from tests.factories import duty_list, make_activity, make_plan, make_task

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: Examples per operation: enough to walk each operation's parameters, bounded so both runs stay under a minute.
EXAMPLES = 10
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,
)
#: Words only records outside the liaison's scope carry (the other community, the other street).
OUTSIDE = ("桃园", "三八", "界外")


@pytest.fixture
def fuzz_world(live_server, transactional_db, settings, world, office_user, liaison, other_office) -> dict[str, Any]:
    """Records inside and outside the liaison's unit, of every resource (on a live server, whose flush empties
    the rows the data migrations put in: they are put back first)."""
    restore_default_rows()
    settings.PUFA_API_RATE = 1_000_000
    plan = make_plan(world.office_unit, title="沱河街道普法工作要点")
    task = make_task(plan, units={"lead": [world.committee_a]})
    plan_services.target_create(actor=SYSTEM, task=task, data=plan_services.TargetData(metric=COUNT, threshold=3))
    make_plan(world.other_office_unit, title="【界外】三八街道普法工作要点")
    make_activity(world.committee_a, title="沱河社区民法典宣讲", co_organisers=[world.judicial_office])
    make_activity(world.committee_a, title="沱河社区宪法宣传", status="draft")
    make_activity(world.committee_b, title="【界外】桃园社区禁毒宣传")
    make_activity(world.other_office_unit, title="【界外】三八街道法治讲座")
    duty_list(world.committee_a, phone="13805571003")
    duty_list(world.committee_b, content="【界外】宣传《禁毒法》", note="【界外】内部备注")
    for unit in (world.committee_a, world.committee_b):
        report_services.report_start(actor=SYSTEM, unit=unit, period="h1", year=2026)
    return {"office": token_for(office_user), "liaison": token_for(liaison, read_only=True)}


# The schema the server publishes, built in-process at collection (schemathesis' lazy fixture loader does not
# run on pytest 9); `test_the_fuzzed_schema_is_the_published_one` checks it is what /api/schema/ serves.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


def test_the_fuzzed_schema_is_the_published_one(client):
    assert client.get("/api/schema/").json() == schema.raw_schema


@schema.parametrize()
@FUZZ
def test_every_operation_conforms_as_an_office(case, live_server, fuzz_world):
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {fuzz_world['office']}"}, checks=CHECKS
    )


@schema.include(method="GET").parametrize()
@FUZZ
def test_a_liaison_never_receives_anything_outside_its_scope(case, live_server, fuzz_world):
    response = case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {fuzz_world['liaison']}"}, checks=CHECKS
    )
    text = response.content.decode(errors="replace")  # JSON (UTF-8, unescaped), or a document's bytes
    assert not any(word in text for word in OUTSIDE), (case.path, text[:500])
