"""In-transaction domain events: how one domain learns of another's change.

A service that changes something other domains care about publishes an event (a frozen
dataclass declared in its domain's `events.py`) with `publish(session, actor, event)`. Every
handler subscribed to that event type runs at once, in the same session and transaction, so
the change and everything it causes commit or roll back together. A handler that raises
a `HavenError` refuses the change as a whole.

The publisher never imports its subscribers: each interested domain declares its handlers
in its own `handlers.py` with `@handles(EventType)`, and the composing shell (`haven.wiring`)
imports every handlers module once at start-up. Publishing before that has happened raises,
so an event can never be silently dropped (erasure depends on every handler running).

Bulk paths (an import) publish many events of one type at once with `publish_many`: a handler
declared with `@handles_many(EventType)` then gets them all in one call and does its work on
the set (one query for all instead of one each); a handler declared with `@handles` gets them
one by one, as if each had been published alone. A domain that declares both for one event
type gets each event once: the bulk handler for `publish_many`, the single one for `publish`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from haven.security.permissions import Actor


@dataclass(frozen=True)
class Event:
    """Base of every domain event. Events carry identifiers, never personal data."""


E = TypeVar("E", bound=Event)
Handler = Callable[[Session, Actor, Any], None]
BulkHandler = Callable[[Session, Actor, Sequence[Any]], None]


@dataclass(frozen=True)
class Subscription:
    event: type[Event]
    handler: Handler
    clears: tuple[str, ...]  # tables this handler clears of a person's data (erasure)


@dataclass(frozen=True)
class BulkSubscription:
    event: type[Event]
    handler: BulkHandler
    replaces: Handler  # the single-event handler it stands for in `publish_many`


_subscriptions: list[Subscription] = []
_bulk: list[BulkSubscription] = []
_wired: list[bool] = [False]


class NotWired(RuntimeError):
    """An event was published before the domains' handlers were loaded (a start-up bug)."""


def handles(
    event: type[E], *, clears: tuple[str, ...] = ()
) -> Callable[[Callable[[Session, Actor, E], None]], Callable[[Session, Actor, E], None]]:
    """Subscribe the decorated function to `event`. An erasure handler names the tables it
    clears, so a test can prove that every table holding a person's data has an eraser."""

    def register(
        handler: Callable[[Session, Actor, E], None],
    ) -> Callable[[Session, Actor, E], None]:
        _subscriptions.append(Subscription(event, handler, clears))
        return handler

    return register


def handles_many(
    event: type[E], *, instead_of: Callable[[Session, Actor, E], None]
) -> Callable[
    [Callable[[Session, Actor, Sequence[E]], None]], Callable[[Session, Actor, Sequence[E]], None]
]:
    """Declare the decorated function the set version of the `@handles(event)` handler
    `instead_of`: `publish_many` calls it once with every event instead of calling
    `instead_of` for each."""

    def register(
        handler: Callable[[Session, Actor, Sequence[E]], None],
    ) -> Callable[[Session, Actor, Sequence[E]], None]:
        _bulk.append(BulkSubscription(event, handler, instead_of))
        return handler

    return register


def publish(session: Session, actor: Actor, event: Event) -> None:
    """Run every handler of the event now, inside the caller's transaction."""
    if not _wired[0]:
        raise NotWired(
            f"{type(event).__name__} published before haven.wiring.wire() loaded the handlers"
        )
    for subscription in list(_subscriptions):
        if isinstance(event, subscription.event):
            subscription.handler(session, actor, event)


def publish_many(
    session: Session,
    actor: Actor,
    events: Sequence[Event],
    *,
    domains: tuple[str, ...] | None = None,
) -> None:
    """Publish several events at once: each subscription in turn gets every event it is
    subscribed to, in a single call when it has a set version (`handles_many`), else one by
    one. Handlers therefore see the whole set already written (a bulk path writes first,
    then publishes).

    `domains` (package names) limits the handlers to those domains': synchronisation applies
    records made elsewhere, whose own consequences (a child's case) came with them, and asks
    only the domains that derive records of their own (duplicate keys, screening)."""
    if not events:
        return
    if not _wired[0]:
        raise NotWired(
            f"{type(events[0]).__name__} published before haven.wiring.wire() loaded the handlers"
        )
    for subscription in list(_subscriptions):
        if domains is not None and not subscription.handler.__module__.startswith(domains):
            continue
        mine = [event for event in events if isinstance(event, subscription.event)]
        if not mine:
            continue
        bulk = next(
            (
                b
                for b in _bulk
                if b.replaces is subscription.handler and issubclass(subscription.event, b.event)
            ),
            None,
        )
        if bulk is not None:
            bulk.handler(session, actor, mine)
            continue
        for event in mine:
            subscription.handler(session, actor, event)


def subscriptions(event: type[Event] | None = None) -> list[Subscription]:
    """The subscriptions (of one event type), in the order they were declared."""
    return [s for s in _subscriptions if event is None or issubclass(s.event, event)]


def mark_wired() -> None:
    _wired[0] = True
