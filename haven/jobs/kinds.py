"""What a kind of job is, and the registry of kinds.

A kind does its work in *steps*. The runner calls `step` inside a transaction of its own and
commits the step's writes together with the job's new progress and cursor, so a crash either
loses the whole step (it runs again from the same cursor) or keeps it (the cursor has moved
on): no step is ever done twice. A step never commits, and should hold the database's write
lock for well under a second: a few hundred rows, not thousands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from haven.security.permissions import Actor, Permission


@dataclass(frozen=True)
class Step:
    """What one step did: progress (`done` of `total` units), where the next step starts
    (`cursor`, plain JSON without personal data), whether the job is finished, and what to
    merge into the job's result (sealed at rest: it may name people; a list extends the list
    already there, any other value replaces it)."""

    done: int
    total: int
    cursor: dict[str, Any]
    finished: bool
    result: dict[str, Any] | None = None
    # A new input for the steps after this one (sealed like the first; e.g. a plan the first
    # step worked out); None keeps the input as it is.
    payload: dict[str, Any] | None = None


class JobKind(Protocol):
    """One kind of job. `title` is a msgid; `permission` is checked again at every step (the
    job acts as the user who started it, with their rights as they are now)."""

    name: str
    title: str
    permission: Permission
    # The template that shows a finished job's result (None: progress and state only).
    result_template: str | None

    def step(
        self,
        session: Session,
        actor: Actor,
        payload: Mapping[str, Any],
        cursor: Mapping[str, Any],
    ) -> Step: ...


def next_size(
    size: int,
    seconds: float,
    *,
    target: float,
    smallest: int,
    largest: int,
    growth: float | None = None,
) -> int:
    """The size of a job's next part, from the size and time of the last: aimed at `target`
    seconds, within bounds, and (with `growth`) at most that many times the last size."""
    aimed = largest if seconds <= 0 else int(size * target / seconds)
    if growth is not None:
        aimed = min(aimed, int(size * growth))
    return max(smallest, min(largest, aimed))


class UnknownJobKind(LookupError):
    """A job names a kind this Haven does not know (started by another version)."""


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    """Make a kind runnable (the shell's wiring registers every domain's kinds). Idempotent."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing is not kind:
        raise ValueError(f"two job kinds are named {kind.name}")
    _KINDS[kind.name] = kind


def kind_of(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownJobKind(name) from None


def registered() -> dict[str, JobKind]:
    return dict(_KINDS)
