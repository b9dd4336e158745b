"""The one table of what each role may do (STYLE.md: which actions).

Which *rows* an action applies to is decided by org.access.scope: office and inspector grants cover the
whole region of their unit, liaison and member grants their own unit and the units under it.
Later apps add their action codes here, so the whole permission model stays readable on one screen.
"""

from __future__ import annotations

from pufa.org.models import Membership

Role = Membership.Role

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.OFFICE: frozenset(
        {
            "org.view",
            "org.manage",
            "audit.view",
            "feedback.view",
            "feedback.reply",
            "plans.view",
            "plans.manage",
            "ledger.view",
            "ledger.record",
            "ledger.review",
            "duties.view",
            "duties.edit",
            "duties.review",
            "people.view",
            "people.manage",
            "people.reveal",
            "progress.view",
            "progress.remind",
            "inspection.record",
            "reports.view",
            "reports.write",
            "reports.review",
            "reports.remind",
        }
    ),
    Role.LIAISON: frozenset(
        {
            "org.view",
            "plans.view",
            "ledger.view",
            "ledger.record",
            "duties.view",
            "duties.edit",
            "people.view",
            "people.manage",
            "people.reveal",
            "progress.view",
            "reports.view",
            "reports.write",
        }
    ),
    Role.INSPECTOR: frozenset(
        {
            "org.view",
            "plans.view",
            "ledger.view",
            "duties.view",
            "people.view",
            "people.reveal",
            "progress.view",
            "progress.remind",
            "reports.view",
            "inspection.record",
        }
    ),
    Role.MEMBER: frozenset({"org.view", "plans.view", "ledger.view"}),
}

#: Roles whose grant covers the whole region of their unit rather than the unit's own subtree.
REGION_WIDE_ROLES = frozenset({Role.OFFICE, Role.INSPECTOR})


def role_allows(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())
