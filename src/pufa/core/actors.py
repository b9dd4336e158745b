"""Who acts when no person does: the one system actor (系统).

`None` means *nobody*: an anonymous or missing actor is denied everywhere (`org.access.scope` returns no rows,
`can` returns False). Work started by the system itself — the daily pass, management commands, `seed-demo`,
imports run from the command line — passes `SYSTEM` instead, which may do anything and is recorded in the
audit trail as 系统. Keeping the two apart means a forgotten actor fails closed instead of open.
"""

from __future__ import annotations

from typing import Any, Final


class SystemActor:
    """The trusted system itself. Not a user: no row, never authenticated, never logged in."""

    is_authenticated: Final = False
    is_anonymous: Final = False
    is_active: Final = True
    is_superuser: Final = False
    pk: Final = None
    audit_name: Final = "系统"

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return self.audit_name

    def __reduce__(self) -> str:
        return "SYSTEM"


#: The one system actor; compare with `is`.
SYSTEM: Final = SystemActor()


def is_system(actor: Any) -> bool:
    return actor is SYSTEM


def person(actor: Any) -> Any:
    """The user to store in an "author"/"by" column: the actor if a signed-in person, else None."""
    return actor if getattr(actor, "is_authenticated", False) else None
