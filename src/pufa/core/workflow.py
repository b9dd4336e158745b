"""The one workflow mechanism (流程): states, allowed steps per role, audit entry, notification and event.

Every record that moves through states — ledger activities, responsibility lists, work reports, circulars and
the areas to come — declares one `Workflow`: its transitions, each with the action code (from
`org/roles.py`) that allows it, the states it leaves from, the state it leads to, optional extra permission
(`allowed`) and preconditions (`checks`), its audit code, and the notification and event that follow it.

    FLOW = Workflow(
        model=Activity, permits=can, target=lambda a: a.unit,
        transitions=[
            Transition("submit", "提交", sources={DRAFT, RETURNED}, target=SUBMITTED, action="ledger.record",
                       code="ledger.activity.submit", refused="…", checks=[_check_date]),
            ...
        ],
    )
    FLOW.run("submit", actor=actor, obj=activity, announce=...)

`run()` is the only way a step happens. In one transaction it locks the row (`select_for_update`), checks the
policy on the *locked* row (so the "before" state in the audit entry is the real one), applies the step, and
writes it with a compare-and-set on the version (`save_checked`), so of twenty parallel submits one wins and
the others are refused — one audit entry, one event. `available()` answers, from the same declarations,
which steps an actor may take on a record now: pages show exactly those buttons.

A name may be declared more than once for different roles (the office deletes any record, the unit only its
drafts); the first declaration the actor's rights and the record's state allow is taken.

Why our own module and not django-fsm-2: its transitions are methods that mutate an instance in memory
(`@transition` plus a later `save()`), and its concurrency mixin compares only the state field. We need the
permission check to go through `org.access.can` on a related object (an activity is the unit's), the lock
and the audit entry inside the step, and a version that edits share with steps. Those are the parts that
matter here; declaring them as data in one table reads shorter than decorated methods spread over models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from pufa.core import audit, notifications, per_request
from pufa.core.models import Versioned

__all__ = ["Conflict", "Step", "Transition", "Versioned", "Workflow", "available_transitions", "save_checked"]

CONFLICT_MESSAGE = "该记录已被他人修改，请刷新后重试。"


class Conflict(ValidationError):
    """Someone else changed the record since the page was loaded (its version moved on)."""

    def __init__(self, message: str = CONFLICT_MESSAGE) -> None:
        super().__init__(message, code="conflict")


# ---------------------------------------------------------------- versions: compare-and-set


def _manager(model: type[models.Model]) -> models.Manager:
    return getattr(model, "all_objects", model._default_manager)


def lock(obj: models.Model) -> Any:
    """The current row of `obj`, locked until the transaction ends (a no-op lock on SQLite, whose writers are
    serialised anyway; the compare-and-set in `save_checked` covers it there)."""
    return _manager(type(obj)).select_for_update().get(pk=obj.pk)


def check_version(row: Any, version: int | None) -> None:
    """Refuse an edit made on a copy older than the row (None: the caller has no copy to compare, e.g. an import)."""
    if version is not None and row.version != version:
        raise Conflict()


def save_checked(obj: Any, *, fields: Iterable[str] | None = None) -> None:
    """Write `obj` only if its row still has the version `obj` was read with, and move the version on.

    One UPDATE … WHERE pk = … AND version = …: if another writer got there first nothing is written and
    `Conflict` is raised, whatever the database and whether or not the row was locked.
    """
    model = type(obj)
    names = set(fields) if fields is not None else None
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name == "version" or (names is not None and f.name not in names | {"updated_at"}):
            continue
        if f.name == "updated_at":
            obj.updated_at = timezone.now()
        values[f.attname] = getattr(obj, f.attname)
    expected = obj.version
    done = _manager(model).filter(pk=obj.pk, version=expected).update(version=F("version") + 1, **values)
    if done != 1:
        raise Conflict()
    obj.version = expected + 1
    per_request.forget()  # what the request read before this write may have changed


def copy_state(source: models.Model, target: models.Model) -> None:
    """Bring the caller's instance up to date with the row a service wrote."""
    if source is target:
        return
    for f in type(source)._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    target._state.fields_cache = dict(source._state.fields_cache)


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Transition:
    """One step: from `sources` to `target` (None: the state stays, e.g. a soft delete), allowed by `action`.

    `allowed(actor, obj)` adds a permission the role table cannot say (an office never reviews its own
    report); it hides the button like the action does. `checks` are preconditions on the record (a report
    needs its prose); they raise `ValidationError` and do not hide the button, so the user learns why.
    """

    name: str
    label: str
    _: KW_ONLY
    # Any collection of states on the way in (a set, a tuple of `EDITABLE`); `__post_init__` freezes it.
    sources: Collection[str]
    target: str | None
    action: str
    code: str
    refused: str = "当前状态下不能进行此操作。"
    allowed: Callable[[Any, Any], bool] | None = None
    denied: str = "您没有权限进行此操作。"
    checks: Sequence[Callable[[Any], None]] = ()
    audit_action: str = audit.Action.WORKFLOW
    event: str = ""
    notify: Callable[[Step], object] | None = None  # a notifier may return what it sent; it is ignored

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(self.sources))
        object.__setattr__(self, "checks", tuple(self.checks))


@dataclass
class Step:
    """A step that has just been taken, handed to the notification and announcement of the transition."""

    transition: Transition
    obj: Any
    actor: Any
    before: str
    message: str = ""
    at: dt.datetime = field(default_factory=timezone.now)


def item_handled(step: Step) -> None:
    """The one place that hears "this record left a state someone was waiting on" (a 待办 was handled).

    Called after every step, before the step's own notification (which is about the new state): the inbox
    (`core.notifications`) closes the open notifications about `step.obj`, so no workflow needs to know about
    the inbox and no service has to remember to do it.
    """
    notifications.resolve(about=step.obj)


@dataclass
class Workflow:
    """The states and steps of one model. `permits` is `org.access.can` (core cannot import org); `target`
    gives the object the permission is checked on (an activity's unit, a list itself)."""

    model: type[models.Model]
    transitions: list[Transition]
    permits: Callable[[Any, str, Any], bool]
    field: str = "status"
    target: Callable[[Any], Any] = lambda obj: obj
    announce: Callable[[Step], None] | None = None
    alive_only: bool = True

    def __post_init__(self) -> None:
        _REGISTRY[self.model] = self

    # ------------------------------------------------------------ policy

    def state(self, obj: Any) -> str:
        return getattr(obj, self.field)

    def _label(self, state: str) -> str:
        state_field = self.model._meta.get_field(self.field)
        assert isinstance(state_field, models.Field)  # a concrete column (CharField with choices)
        choices = dict(state_field.flatchoices)
        return str(choices.get(state, state))

    def _permitted(self, t: Transition, actor: Any, obj: Any) -> bool:
        return self.permits(actor, t.action, self.target(obj)) and (t.allowed is None or t.allowed(actor, obj))

    def pick(self, name: str, actor: Any, obj: Any) -> Transition:
        """The declaration of step `name` this actor may take on `obj` now, or the reason why not."""
        declared = [t for t in self.transitions if t.name == name]
        if not declared:
            raise ValueError(f"{self.model.__name__} has no transition {name!r}")
        permitted = [t for t in declared if self.permits(actor, t.action, self.target(obj))]
        if not permitted:
            raise PermissionDenied(declared[0].denied)
        for t in permitted:
            if t.allowed is not None and not t.allowed(actor, obj):
                raise PermissionDenied(t.denied)
        if self.alive_only and getattr(obj, "deleted_at", None) is not None:
            raise ValidationError("该记录已删除。")
        for t in permitted:
            if self.state(obj) in t.sources:
                return t
        raise ValidationError(permitted[-1].refused)

    def available(self, obj: Any, actor: Any) -> dict[str, Transition]:
        """The steps `actor` may take on `obj` now, by name: what the page offers as buttons."""
        if self.alive_only and getattr(obj, "deleted_at", None) is not None:
            return {}
        found: dict[str, Transition] = {}
        rights: dict[str, bool] = {}
        for t in self.transitions:
            if t.name in found or self.state(obj) not in t.sources:
                continue
            if t.action not in rights:
                rights[t.action] = self.permits(actor, t.action, self.target(obj))
            if rights[t.action] and (t.allowed is None or t.allowed(actor, obj)):
                found[t.name] = t
        return found

    # ------------------------------------------------------------ the step

    def run(
        self,
        name: str,
        *,
        actor: Any,
        obj: Any,
        apply: Callable[[Any], None] | None = None,
        message: str | Callable[[Any], str] = "",
        changes: dict[str, list[Any]] | None = None,
        version: int | None = None,
        announce: Callable[[Step], None] | None = None,
        after: Callable[[Step], None] | None = None,
    ) -> Any:
        """Take step `name`: lock, check, apply, save with compare-and-set, audit, notify, announce.

        `apply(row)` sets the step's own fields on the locked row (timestamps, reasons, frozen figures);
        `after(step)` does the step's writes to other rows (participant copies, recipients) before the
        notification and the event. `message` may be a function of the applied row (a submitted report names
        the figures it froze). The caller's `obj` is brought up to date and returned.
        """
        with transaction.atomic():
            row = lock(obj)
            check_version(row, version)
            t = self.pick(name, actor, row)
            for check in t.checks:
                check(row)
            before = self.state(row)
            if t.target is not None:
                setattr(row, self.field, t.target)
            if apply is not None:
                apply(row)
            save_checked(row)
            text = message(row) if callable(message) else message
            step = Step(transition=t, obj=row, actor=actor, before=before, message=text)
            if after is not None:
                after(step)
            status = {} if t.target is None else {self.field: [self._label(before), self._label(t.target)]}
            audit.log(
                actor=actor,
                action=t.audit_action,
                obj=row,
                code=t.code,
                changes={**status, **(changes or {})},
                message=text,
            )
            item_handled(step)  # first: the notification below is about the new state, not a handled one
            if t.notify is not None:
                t.notify(step)
            announcer = announce or self.announce
            if announcer is not None:
                announcer(step)
        copy_state(row, obj)
        return obj


_REGISTRY: dict[type[models.Model], Workflow] = {}


def workflow_of(obj: Any) -> Workflow:
    return _REGISTRY[type(obj)]


def available_transitions(obj: Any, actor: Any) -> dict[str, Transition]:
    """The steps `actor` may take on `obj` now (by name), from the policy `Workflow.run` enforces.

    Views pass this to templates as `moves`; a template shows a button with `{% if "submit" in moves %}`.
    """
    return workflow_of(obj).available(obj, actor)
