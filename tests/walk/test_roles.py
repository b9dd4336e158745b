"""Every URL of the site, as every role of the cast, against the role table (org/roles.py).

The walk resolves `pufa.urls` recursively, so a new URL fails `test_every_url_is_in_the_table` until it is
described here by the action it needs and the record its path names. The expected status is derived, not
listed: anonymous → the login page (public pages excepted); a record outside the role's scope → 404; a role
whose table lacks the action → 403; otherwise the page works (no 403/404/5xx). POST-only URLs are posted to
(empty) by the roles that must be refused; the allowed roles only GET them (405), so nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pufa.org.roles import role_allows
from tests.walk.conftest import ROLES

#: The role of each user of the walk in the role table.
ROLE_OF = {
    "office": "office",
    "liaison": "liaison",
    "other_liaison": "liaison",
    "inspector": "inspector",
    "member": "member",
    "outsider": "office",
}

UNIT_A = frozenset({"office", "inspector", "liaison", "member"})  # records of community A
STREET_A = UNIT_A | {"other_liaison"}  # issued by the street A office to everyone below it
REGION_WIDE = frozenset({"office", "inspector"})  # regions, feedback: seen by office and inspector
ALL = frozenset(ROLE_OF)

#: Who may see each record of the walk (scope without an action).
SEEN_BY: dict[str, frozenset[str]] = {
    "region": REGION_WIDE,
    "unit": UNIT_A,
    "progress_unit": UNIT_A,
    "user": UNIT_A,
    "membership": UNIT_A,
    "feedback": frozenset({"office", "liaison"}),  # the office of its region, and its author
    "plan": STREET_A,
    "task": STREET_A,
    "target": STREET_A,
    "activity": UNIT_A,
    "evidence": UNIT_A,
    "key_date": STREET_A,
    "duty_list": UNIT_A,
    "item": UNIT_A,
    "planned": UNIT_A,
    "law": ALL,
    "template": STREET_A,
    "report": UNIT_A,
    "circular": REGION_WIDE | {"liaison", "member"},  # published to community A
    # A request to community A to co-organise: found by the units one records for (those without
    # ledger.record are refused before the lookup).
    "consent_request": frozenset({"liaison", "member", "inspector"}),
    "person": UNIT_A,  # kept by community A's committee
    "person_membership": UNIT_A,
    "team_kind": ALL,  # the taxonomy every region shares
    "spot_check": REGION_WIDE,  # drawn by the street A office across street A
    "spot_item": REGION_WIDE,
    "venue": UNIT_A,  # a board of community A kept by its committee
    "upkeep": UNIT_A,
    "photo": UNIT_A,
    "boundary": REGION_WIDE,  # the street A outline: regions are the offices' and inspectors'
    "scheme": STREET_A,  # issued by the street A office for its communities
    "criterion": STREET_A,  # a line of that scheme
    "checklist_unit": UNIT_A,
    "attestation": UNIT_A,  # community A's note with its file
    "application": UNIT_A,  # community A's
    "title": UNIT_A,
    # ---- cases, exams, api tokens
    "case": UNIT_A,  # cases of community A: no "above", so community B does not see them
    "attachment": UNIT_A,
    "finding": UNIT_A,
    "published_case": UNIT_A,
    "case_use": UNIT_A,  # found through its activity
    "bank": STREET_A,  # banks, questions and exams of the street A office are seen below it ("above")
    "question": STREET_A,
    "exam": STREET_A,
    "my_exam": frozenset({"member"}),  # the exam as its examinee takes it: community A's members must sit it
    "attempt": frozenset({"member"}),  # an attempt is its examinee's own
    "contest": REGION_WIDE,
    "api_token": frozenset({"liaison"}),  # a token is its owner's own, an office's included
    "survey": UNIT_A,  # community A's survey about its activity
    "survey_question": UNIT_A,
    "campaign": UNIT_A,  # community A's campaign, its activity linked
    # ---- demand: hotline orders are the street A office's (offices and inspectors of the region)
    "work_order": REGION_WIDE,
    "gazetteer_entry": REGION_WIDE,
    "keyword_rule": REGION_WIDE,
    "menu_order": UNIT_A,  # a 点单 in community A routed to its committee (by its published list)
    # ---- assessment
    "assessment_scheme": STREET_A,  # issued by the street A office, seen below it ("above")
    "assessment_item": STREET_A,  # a line of that scheme, found through it
    "assessment_draw": REGION_WIDE,  # a draw is the office's and its inspectors'
    "assessed_unit": UNIT_A,  # community A, whose self-assessment and findings the pages show
    "assessment_appeal": UNIT_A,  # community A's appeal
}


@dataclass(frozen=True)
class Page:
    action: str | None  # the role-table action the URL needs; None: any logged-in user
    obj: str | None = None  # the record the path's pk names
    fmt: str | None = None
    post_only: bool = False
    public: bool = False
    token: str | None = None
    seen: frozenset[str] | None = None  # the roles a page without a record exists for (others: 404)
    key: str = "pk"  # the name of the path parameter that carries the record's id
    more: tuple[tuple[str, str], ...] = ()  # further (path parameter, record) pairs: the page needs them all
    path: tuple[tuple[str, str], ...] = ()  # further path parameters, as (name, value)


P = Page
PAGES: dict[str, Page] = {
    "home": P(None),
    "login": P(None, public=True),
    "logout": P(None, post_only=True),
    "password_change": P(None),
    "password_change_done": P(None),
    "healthz": P(None, public=True),
    "notification-list": P(None),
    "org:region-list": P("org.view"),
    "org:region-create": P("org.manage"),
    "org:region-edit": P("org.manage", "region"),
    "org:unit-list": P("org.view"),
    "org:unit-create": P("org.manage"),
    "org:unit-import": P("org.manage"),
    "org:unit-import-template": P("org.manage"),
    "org:unit-deleted-list": P("org.manage"),
    "org:unit-detail": P("org.view", "unit"),
    "org:unit-edit": P("org.manage", "unit"),
    "org:unit-delete": P("org.manage", "unit", post_only=True),
    "org:unit-restore": P("org.manage", "unit", post_only=True),
    "org:user-list": P("org.manage"),
    "org:user-create": P("org.manage"),
    "org:user-detail": P("org.manage", "user"),
    "org:user-edit": P("org.manage", "user"),
    "org:user-password": P("org.manage", "user"),
    "org:membership-end": P("org.manage", "membership", post_only=True),
    "org:audit-list": P("audit.view"),
    "org:feedback-list": P(None),
    "org:feedback-create": P(None, public=True),  # anonymous feedback is welcome
    "org:feedback-detail": P(None, "feedback"),
    "plans:plan-list": P("plans.view"),
    "plans:plan-create": P("plans.manage"),
    "plans:my-tasks": P("plans.view"),
    "plans:plan-import": P("plans.manage"),
    "plans:plan-import-review": P("plans.manage", token="no-such-draft"),
    "plans:plan-detail": P("plans.view", "plan"),
    "plans:plan-edit": P("plans.manage", "plan"),
    "plans:plan-delete": P("plans.manage", "plan", post_only=True),
    "plans:task-create": P("plans.manage", "plan"),
    "plans:task-detail": P("plans.view", "task"),
    "plans:task-edit": P("plans.manage", "task"),
    "plans:task-delete": P("plans.manage", "task", post_only=True),
    "plans:target-create": P("plans.manage", "task"),
    "plans:target-edit": P("plans.manage", "target"),
    "plans:target-delete": P("plans.manage", "target", post_only=True),
    "ledger:activity-list": P("ledger.view"),
    "ledger:activity-create": P("ledger.record"),
    "ledger:activity-export": P("ledger.view"),
    "ledger:activity-import": P("ledger.record"),
    "ledger:activity-import-template": P("ledger.record"),
    "ledger:task-suggestions": P("ledger.record"),
    "ledger:activity-detail": P("ledger.view", "activity"),
    "ledger:activity-edit": P("ledger.record", "activity"),
    "ledger:activity-submit": P("ledger.record", "activity", post_only=True),
    "ledger:activity-withdraw": P("ledger.record", "activity", post_only=True),
    "ledger:activity-confirm": P("ledger.review", "activity", post_only=True),
    "ledger:activity-return": P("ledger.review", "activity", post_only=True),
    "ledger:activity-reopen": P("ledger.review", "activity", post_only=True),
    "ledger:activity-delete": P("ledger.record", "activity", post_only=True),
    "ledger:activity-restore": P("ledger.record", "activity", post_only=True),
    "ledger:activity-highlight": P("ledger.record", "activity", post_only=True),  # or ledger.review
    "ledger:evidence-add": P("ledger.record", "activity", post_only=True),
    "ledger:evidence-file": P("ledger.view", "evidence"),
    "ledger:evidence-thumb": P("ledger.view", "evidence"),
    "ledger:evidence-delete": P("ledger.record", "evidence", post_only=True),
    "ledger:evidence-restore": P("ledger.record", "evidence", post_only=True),
    "ledger:consent-list": P("ledger.record"),
    "ledger:consent-accept": P("ledger.record", "consent_request", post_only=True),
    "ledger:consent-decline": P("ledger.record", "consent_request", post_only=True),
    "ledger:calendar": P("ledger.view"),
    "ledger:key-date-list": P("ledger.view"),
    "ledger:key-date-create": P("ledger.review"),
    "ledger:key-date-edit": P("ledger.review", "key_date"),
    "duties:index": P("duties.view"),
    "duties:list-create": P("duties.edit"),
    "duties:list-detail": P("duties.view", "duty_list"),
    "duties:list-edit": P("duties.edit", "duty_list"),
    "duties:list-submit": P("duties.edit", "duty_list", post_only=True),
    "duties:list-file": P("duties.review", "duty_list", post_only=True),
    "duties:list-return": P("duties.review", "duty_list", post_only=True),
    "duties:list-publish": P("duties.edit", "duty_list", post_only=True),  # the unit publishes once filed
    "duties:list-withdraw": P("duties.review", "duty_list", post_only=True),
    "duties:list-export": P("duties.view", "duty_list", fmt="docx"),
    "duties:item-create": P("duties.edit", "duty_list"),
    "duties:item-edit": P("duties.edit", "item"),
    "duties:item-delete": P("duties.edit", "item", post_only=True),
    "duties:planned-create": P("duties.edit", "duty_list"),
    "duties:planned-edit": P("duties.edit", "planned"),
    "duties:planned-delete": P("duties.edit", "planned", post_only=True),
    "duties:planned-link": P("duties.edit", "planned"),
    "duties:planned-unlink": P("duties.edit", "planned", post_only=True),
    "duties:overview": P("duties.review"),
    "duties:deadline-set": P("duties.review", post_only=True),
    "duties:remind": P("duties.review", post_only=True),
    "duties:region-export": P("duties.review", fmt="xlsx"),
    "duties:law-list": P("duties.view"),
    "duties:law-create": P("duties.edit"),
    "duties:law-edit": P("duties.review", "law"),
    "duties:template-list": P("duties.view"),
    "duties:template-create": P("duties.review"),
    "duties:template-detail": P("duties.view", "template"),
    "duties:template-edit": P("duties.review", "template"),
    "duties:template-item-delete": P("duties.review", "template", post_only=True),
    "duties:template-issue": P("duties.review", "template", post_only=True),
    "progress:dashboard": P("progress.view"),
    "progress:dashboard-export": P("progress.view", seen=REGION_WIDE),  # a region's figures
    "progress:status-list": P("progress.view"),
    "progress:unit": P("progress.view", "progress_unit"),
    "progress:unit-note": P("inspection.record", "progress_unit", post_only=True),
    "progress:unit-notice": P("progress.remind", "progress_unit", post_only=True),
    "progress:status-remind": P("progress.remind", post_only=True),
    "progress:my-tasks": P("plans.view"),
    "reports:report-list": P("reports.view"),
    "reports:report-start": P("reports.write", post_only=True),
    "reports:report-overview": P("reports.review"),
    "reports:report-remind": P("reports.remind", post_only=True),
    "reports:deadline-set": P("reports.review", post_only=True),
    "reports:summary-create": P("reports.review", post_only=True),
    "reports:report-detail": P("reports.view", "report"),
    "reports:report-edit": P("reports.write", "report"),
    "reports:report-submit": P("reports.write", "report", post_only=True),
    "reports:report-return": P("reports.review", "report", post_only=True),
    "reports:report-accept": P("reports.review", "report", post_only=True),
    "reports:report-download": P("reports.view", "report", fmt="docx"),
    "reports:circular-list": P("reports.view"),
    "reports:circular-create": P("reports.review", post_only=True),
    "reports:circular-detail": P("reports.view", "circular"),
    "reports:circular-edit": P("reports.review", "circular"),
    "reports:circular-publish": P("reports.review", "circular", post_only=True),
    "reports:circular-download": P("reports.view", "circular", fmt="docx"),
    "people:person-list": P("people.view"),
    "people:person-create": P("people.manage"),
    "people:person-export": P("people.view"),
    "people:roster-import": P("people.manage"),
    "people:import-template": P("people.manage"),
    "people:person-detail": P("people.view", "person"),
    "people:person-edit": P("people.manage", "person"),
    "people:person-reveal": P("people.reveal", "person", post_only=True),
    "people:person-login": P("people.manage", "person", post_only=True),
    "people:membership-add": P("people.manage", "person", post_only=True),
    "people:household-create": P("people.manage", "person", post_only=True),
    "people:membership-end": P("people.manage", "person_membership"),
    "people:activity-attendees": P("people.manage", "activity", key="activity_id"),
    "people:kind-list": P("people.view"),
    "people:kind-edit": P("people.kinds", "team_kind", post_only=True),
    "people:me": P(None),  # the person linked to the login, if any
    "people:adjust": P("people.view"),
    "people:adjust-rules": P("people.rules"),
    "people:person-keep": P("people.manage", "person", post_only=True),
    "people:person-retire": P("people.manage", "person", post_only=True),
    "people:spotcheck-list": P("people.spotcheck"),
    "people:spotcheck-detail": P("people.spotcheck", "spot_check"),
    "people:spot-item-record": P("people.spotcheck", "spot_item", post_only=True),
    "portal:index": P(None, public=True),
    "portal:region": P(None, "portal_region", public=True),
    "portal:list-detail": P(None, "published_list", public=True),
    "portal:unit-laws": P(None, "unit", public=True),
    "portal:calendar": P(None, public=True),
    "portal:search": P(None, public=True),
    "portal:venues": P(None, public=True),
    "portal:people": P(None, public=True),
    "portal:venues-map": P(None, public=True),  # the street A outline is shown on the portal
    "venues:index": P("venues.view"),
    "venues:venue-list": P("venues.view"),
    "venues:venue-detail": P("venues.view", "venue"),
    "venues:venue-create": P("venues.edit"),
    "venues:venue-export": P("venues.view"),  # the list as the role sees it
    "venues:venue-import": P("venues.edit"),
    "venues:import-template": P("venues.edit"),
    "venues:venue-edit": P("venues.edit", "venue"),
    "venues:venue-delete": P("venues.edit", "venue", post_only=True),
    "venues:photo-add": P("venues.edit", "venue", post_only=True),
    "venues:photo-file": P("venues.view", "photo"),
    "venues:photo-thumb": P("venues.view", "photo"),
    "venues:photo-delete": P("venues.edit", "photo", post_only=True),
    "venues:upkeep-delete": P("venues.edit", "upkeep", post_only=True),
    "venues:use-list": P("venues.view"),  # without ?unit=: the units the role acts for
    "venues:coverage": P("venues.view"),
    "venues:coverage-rollup": P("venues.view"),
    "venues:map": P("venues.view"),
    "venues:map-data": P("venues.view"),
    "venues:boundary-list": P("venues.manage"),
    "venues:boundary-portal": P("venues.manage", "boundary", post_only=True),
    "venues:kind-list": P("venues.view"),
    "venues:activity-venue": P("ledger.record", "activity", post_only=True),  # where it took place
    "creation:index": P("creation.view"),
    "creation:scheme-list": P("creation.view"),
    "creation:scheme-detail": P("creation.view", "scheme"),
    "creation:scheme-edit": P("creation.manage", "scheme"),
    "creation:criterion-remove": P("creation.manage", "criterion", post_only=True),
    "creation:attestation-file": P("creation.view", "attestation"),
    "creation:checklist": P("creation.view", "scheme", more=(("unit_pk", "checklist_unit"),)),
    "creation:attest": P("creation.apply", "criterion", post_only=True, more=(("unit_pk", "checklist_unit"),)),
    "creation:application-list": P("creation.view"),
    "creation:application-create": P("creation.apply", post_only=True),
    "creation:application-detail": P("creation.view", "application"),
    # Each step checks its own action (apply, review, inspect); the URL needs the area's.
    "creation:application-step": P("creation.view", "application", post_only=True),
    "creation:title-list": P("creation.view"),
    "creation:title-detail": P("creation.view", "title"),
    "assessment:index": P("assessment.view"),
    "assessment:scheme-import": P("assessment.manage"),
    "assessment:scheme-detail": P("assessment.view", "assessment_scheme"),
    "assessment:scheme-step": P("assessment.manage", "assessment_scheme", post_only=True),
    "assessment:scheme-bands": P("assessment.manage", "assessment_scheme", post_only=True),
    "assessment:ranking": P("assessment.view", "assessment_scheme"),
    "assessment:draw-create": P("assessment.manage", "assessment_scheme", post_only=True),
    "assessment:item-configure": P("assessment.manage", "assessment_item", post_only=True),
    "assessment:self": P("assessment.view", "assessment_scheme", more=(("unit_pk", "assessed_unit"),)),
    "assessment:self-note": P(
        "assessment.self", "assessment_scheme", post_only=True, more=(("unit_pk", "assessed_unit"),)
    ),
    "assessment:self-step": P(
        "assessment.view", "assessment_scheme", post_only=True, more=(("unit_pk", "assessed_unit"),)
    ),
    "assessment:appeal-file": P(
        "assessment.self", "assessment_scheme", post_only=True, more=(("unit_pk", "assessed_unit"),)
    ),
    "assessment:appeal-decide": P("assessment.manage", "assessment_appeal", post_only=True),
    "assessment:draw-detail": P("assessment.view", "assessment_draw"),
    "assessment:inspect": P("assessment.inspect", "assessment_draw", more=(("unit_pk", "assessed_unit"),)),
    # ---- cases, exams, api tokens
    "cases:case-list": P("cases.view"),
    "cases:case-create": P("cases.record"),
    "cases:case-import": P("cases.record"),
    "cases:case-detail": P("cases.view", "case"),
    "cases:case-edit": P("cases.record", "case"),
    "cases:case-submit": P("cases.record", "case", post_only=True),
    "cases:case-review": P("cases.review", "case", post_only=True),
    "cases:case-return": P("cases.review", "case", post_only=True),
    "cases:case-publish": P("cases.review", "case", post_only=True),
    "cases:case-withdraw": P("cases.review", "case", post_only=True),
    "cases:case-delete": P("cases.record", "case", post_only=True),  # the unit its drafts, the reviewer more
    "cases:case-restore": P("cases.record", "case", post_only=True),
    "cases:finding-decide": P("cases.review", "finding", post_only=True),
    "cases:attachment-file": P("cases.view", "attachment"),
    "cases:case-use-add": P("ledger.record", "activity", post_only=True, key="activity_pk"),  # the organiser's
    "cases:case-use-remove": P("ledger.record", "case_use", post_only=True),
    "exams:index": P("exams.view"),
    "exams:mine": P(None),  # the exams the user must sit, if any
    "exams:bank-create": P("exams.manage"),
    "exams:bank-detail": P("exams.view", "bank"),
    "exams:bank-import": P("exams.manage", "bank", post_only=True),
    "exams:question-create": P("exams.manage", "bank"),
    "exams:question-edit": P("exams.manage", "question"),
    "exams:exam-create": P("exams.manage"),
    "exams:contest-create": P("exams.manage"),
    "exams:exam-detail": P("exams.view", "exam"),
    "exams:exam-edit": P("exams.manage", "exam"),
    "exams:exam-results": P("exams.view", "exam"),
    "exams:exam-export": P("exams.view", "exam"),
    "reports:exam-circular": P("exams.view", "exam", fmt="docx"),
    "reports:spotcheck-circular": P("people.spotcheck", "spot_check", fmt="docx"),
    # the circular of a scheme's published results (before publication it redirects to the ranking page)
    "reports:assessment-circular": P("assessment.view", "assessment_scheme", fmt="docx"),
    "exams:exam-remind": P("exams.manage", "exam", post_only=True),
    "exams:exam-step": P("exams.manage", "exam", post_only=True, path=(("name", "close"),)),
    "exams:take": P(None, "my_exam"),  # examinees only, whatever their role
    "exams:attempt": P(None, "attempt"),
    "exams:answer-save": P(None, "attempt", post_only=True),
    "exams:attempt-submit": P(None, "attempt", post_only=True),
    "portal:survey": P(None, public=True, token="walk-survey"),  # answered without an account
    "surveys:index": P("surveys.view"),
    "surveys:survey-list": P("surveys.view"),
    "surveys:survey-create": P("surveys.manage"),
    "surveys:literacy": P("surveys.view"),
    "surveys:campaign-list": P("surveys.view"),
    "surveys:campaign-create": P("surveys.manage"),
    "surveys:campaign-detail": P("surveys.view", "campaign"),
    "surveys:campaign-edit": P("surveys.manage", "campaign"),
    "surveys:campaign-delete": P("surveys.manage", "campaign", post_only=True),
    "surveys:survey-detail": P("surveys.view", "survey"),
    "surveys:survey-edit": P("surveys.manage", "survey"),
    "surveys:survey-delete": P("surveys.manage", "survey", post_only=True),
    "surveys:survey-step": P("surveys.manage", "survey", post_only=True, path=(("name", "close"),)),
    "surveys:question-add": P("surveys.manage", "survey"),
    "surveys:question-edit": P("surveys.manage", "survey", more=(("qid", "survey_question"),)),
    "surveys:question-delete": P("surveys.manage", "survey", post_only=True, more=(("qid", "survey_question"),)),
    "surveys:results": P("surveys.view", "survey"),
    "surveys:responses": P("surveys.view", "survey"),
    "surveys:export": P("surveys.view", "survey"),
    "surveys:poster": P("surveys.view", "survey"),
    "surveys:qr": P("surveys.view", "survey"),
    "exams:attempt-result": P(None, "attempt"),
    "portal:case-library": P(None, public=True),
    "portal:case-detail": P(None, "published_case", public=True),
    "portal:contest": P(None, "contest", public=True),
    "portal:contest-paper": P(None, "contest", public=True),
    "portal:contest-submit": P(None, "contest", post_only=True, public=True),
    "demand:dashboard": P("demand.view"),
    "demand:order-list": P("demand.view"),
    "demand:order-detail": P("demand.view", "work_order"),
    "demand:import": P("demand.manage"),
    "demand:gazetteer": P("demand.view"),
    "demand:gazetteer-delete": P("demand.manage", "gazetteer_entry", post_only=True),
    "demand:rules": P("demand.view"),
    "demand:rule-toggle": P("demand.manage", "keyword_rule", post_only=True),
    "demand:train": P("demand.train", post_only=True),  # the shared model: an office of the top region
    "demand:menu-loop": P("demand.view"),
    "demand:menu-order-list": P("demand.order.view"),
    "demand:menu-order-detail": P("demand.order.view", "menu_order"),
    "demand:menu-order-step": P("demand.order.handle", "menu_order", post_only=True, path=(("name", "accept"),)),
    "demand:menu-order-reveal": P("demand.order.handle", "menu_order", post_only=True),
    "portal:menu": P(None, public=True),
    "portal:menu-order": P(None, public=True),
    "portal:menu-order-status": P(None, public=True, token="walk-menu-order"),  # the orderer's private link
    "api:token-list": P(None),  # the user's own tokens
    "api:token-revoke": P(None, "api_token", post_only=True),
}

#: Namespaces the walk leaves out, each with the reason.
NOT_WALKED = {
    "api-v1": "JSON endpoints: their permission matrix and schemathesis runs are in tests/api",
}


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> list[str]:
    """Every named URL of the site, "namespace:name", found by walking the resolver."""
    names: list[str] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver) and entry.namespace in NOT_WALKED:
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            names += url_names(entry.url_patterns, inner or "")
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def url_for(name: str, page: Page, objects: dict[str, Any]) -> str:
    kwargs: dict[str, Any] = {}
    if page.obj is not None:
        kwargs[page.key] = objects[page.obj].pk
    for key, obj in page.more:
        kwargs[key] = objects[obj].pk
    if page.fmt is not None:
        kwargs["fmt"] = page.fmt
    if page.token is not None:
        kwargs["token"] = page.token
    kwargs.update(page.path)
    return reverse(name, kwargs=kwargs)


def expected(who: str, page: Page) -> int | None:
    """The status the role table demands, or None for "the page works" (any status but 403/404/5xx)."""
    if page.public:
        return None
    if who == "anonymous":
        return 302
    records = ([page.obj] if page.obj is not None else []) + [obj for _, obj in page.more]
    if any(who not in SEEN_BY[obj] for obj in records):
        return 404
    if page.seen is not None and ROLE_OF[who] not in page.seen:
        return 404 if role_allows(ROLE_OF[who], page.action or "") else 403
    if page.action is not None and not role_allows(ROLE_OF[who], page.action):
        return 403
    return None


def test_every_url_is_in_the_table():
    names = url_names()
    assert len(names) > 100
    assert sorted(set(names) - set(PAGES)) == []
    assert sorted(set(PAGES) - set(names)) == []


@pytest.mark.parametrize("who", ROLES)
def test_every_url_answers_as_the_role_table_says(who, site, client):
    user = site.users[who]
    if user is not None:
        client.force_login(user)
    wrong: list[str] = []
    for name in url_names():
        page = PAGES[name]
        url = url_for(name, page, site.objects)
        want = expected(who, page)
        refused = want in (403, 404)
        response = client.post(url) if page.post_only and (refused or who == "anonymous") else client.get(url)
        got = response.status_code
        if want == 302:
            ok = got == 302 and response["Location"].startswith(reverse("login"))
        elif want is None:
            ok = got < 500 and got not in (403, 404)
        else:
            ok = got == want
        if not ok:
            wrong.append(f"{name} {url}: {got}, expected {want or 'a working page'}")
    assert wrong == [], "\n".join(wrong)
