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
            "ledger.keydate.national",
            "duties.view",
            "duties.edit",
            "duties.review",
            "people.view",
            "people.manage",
            "people.reveal",
            "people.rules",
            "people.kinds",
            "people.spotcheck",
            "progress.view",
            "progress.remind",
            "inspection.record",
            "reports.view",
            "reports.write",
            "reports.review",
            "reports.remind",
            "venues.view",
            "venues.edit",
            "venues.manage",
            "creation.view",
            "creation.review",
            "creation.manage",
            "cases.view",
            "cases.record",
            "cases.review",
            "exams.view",
            "exams.manage",
            "surveys.view",
            "surveys.manage",
            "demand.view",
            "demand.manage",
            "demand.push",
            "demand.rules.default",
            "demand.train",
            "demand.order.view",
            "demand.order.handle",
            "assessment.view",
            "assessment.manage",
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
            "venues.view",
            "venues.edit",
            "creation.view",
            "creation.apply",
            "cases.view",
            "cases.record",
            "exams.view",
            "surveys.view",
            "surveys.manage",
            "demand.order.view",
            "demand.order.handle",
            "assessment.view",
            "assessment.self",
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
            "people.spotcheck",
            "progress.view",
            "progress.remind",
            "reports.view",
            "inspection.record",
            "venues.view",
            "creation.view",
            "creation.inspect",
            "cases.view",
            "exams.view",
            "surveys.view",
            "demand.view",
            "demand.order.view",
            "assessment.view",
            "assessment.inspect",
        }
    ),
    Role.MEMBER: frozenset({"org.view", "plans.view", "ledger.view", "cases.view"}),
}

#: Roles whose grant covers the whole region of their unit rather than the unit's own subtree.
REGION_WIDE_ROLES = frozenset({Role.OFFICE, Role.INSPECTOR})

#: Actions on data every region shares (the national key dates): a grant carries them only at the top of the
#: region tree, so a street office adds dates of its own region but does not change the country's.
TOP_LEVEL_ACTIONS = frozenset({"ledger.keydate.national", "demand.rules.default", "demand.train"})


def role_allows(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())


def is_top_level(region_path: str) -> bool:
    """The root of the region tree (a path of one node, "/1/")."""
    return region_path.count("/") == 2


def grant_allows(role: str, region_path: str, action: str) -> bool:
    """Does a grant of `role` in the region at `region_path` carry `action`? The whole table in one test."""
    if action in TOP_LEVEL_ACTIONS and not is_top_level(region_path):
        return False
    return role_allows(role, action)


def roles_with(action: str) -> frozenset[str]:
    """The roles that carry `action`: who receives what waits on it (a submitted list goes to the offices)."""
    return frozenset(role for role, actions in ROLE_ACTIONS.items() if action in actions)
