"""The one shape of every lifecycle (ARCHITECTURE.md rule 4 as written in docs/architecture.md).

A domain declares its lifecycle once, in its `lifecycle.py`: the states (a `Labelled` enum, so
each state carries its label), the transition table, the audit action a move writes and what
the subject is called. Services move a record with `Lifecycle.move`, which refuses an illegal
move with a 409 naming both states in the user's language, stamps who moved it and when (on
the record's `<state>_at`/`<state>_by` columns where the model has them) and writes the audit
event in the same transaction. No domain keeps a state machine of another shape.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict
from haven.i18n import N_, Text
from haven.kernel.labels import Labelled
from haven.security.permissions import Actor

S = TypeVar("S", bound=Labelled)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """States, transitions, labels, who and when, and the audit action of one lifecycle."""

    states: type[S]
    transitions: Mapping[S, frozenset[S]]
    subject_type: str  # the audit trail's name for the record ("agreement", "vetting_case")
    action: AuditAction | None = None  # the audit action of a move; None: the caller audits
    attribute: str = "status"  # the record's column holding the state
    what: str = N_("This record")  # how the generic refusal names the record, a msgid
    # The record's own refusal, a msgid with {current} and {target} (the states' labels);
    # None: "{what} cannot move from “{current}” to “{target}”."
    refusal: str | None = None
    terminal: frozenset[S] = field(default=frozenset())

    def __post_init__(self) -> None:
        missing = [state for state in self.states if state not in self.transitions]
        if missing:
            raise ValueError(f"{self.subject_type}: no transitions declared for {missing}")

    def state_of(self, record: Any) -> S:
        return self.states(getattr(record, self.attribute))

    def allows(self, current: S | str, target: S) -> bool:
        return target in self.transitions.get(self.states(current), frozenset())

    def targets(self, current: S | str) -> frozenset[S]:
        return self.transitions.get(self.states(current), frozenset())

    def check(self, current: S | str, target: S) -> None:
        """Raise Conflict (409) unless a record may move from `current` to `target`."""
        if not self.allows(current, target):
            now = self.states(current)
            states = {"current": Text(now.label), "target": Text(target.label)}
            message = (
                Text(self.refusal, states)
                if self.refusal is not None
                else Text(
                    N_("{what} cannot move from “{current}” to “{target}”."),
                    {"what": Text(self.what), **states},
                )
            )
            raise Conflict(message, code="illegal_transition")

    def move(
        self,
        session: Session,
        actor: Actor,
        record: Any,
        target: S,
        *,
        organisation_id: uuid.UUID | None = None,
        changes: Mapping[str, Any] | None = None,
    ) -> S:
        """Check and make the move; stamp `<target>_at`/`<target>_by` where the model has them;
        write the audit event (when the lifecycle names an action). Returns the old state."""
        before = self.state_of(record)
        self.check(before, target)
        setattr(record, self.attribute, target.value)
        now = utcnow()
        if hasattr(record, f"{target.value}_at"):
            setattr(record, f"{target.value}_at", now)
        if hasattr(record, f"{target.value}_by") and actor.user_id is not None:
            setattr(record, f"{target.value}_by", actor.user_id)
        if self.action is not None:
            audit.record(
                session,
                actor,
                self.action,
                subject_type=self.subject_type,
                subject_id=getattr(record, "id", None),
                organisation_id=organisation_id
                if organisation_id is not None
                else getattr(record, "organisation_id", None),
                changes={
                    self.attribute: {"before": before.value, "after": target.value},
                    **dict(changes or {}),
                },
            )
        return before
