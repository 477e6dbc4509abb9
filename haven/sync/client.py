"""A field node's side of the link: enrolment and `haven sync` over HTTPS.

The same bundles as by USB stick (`haven sync export` / `import`). One round sends the up
bundle, then asks for the down bundle, which brings headquarters' acknowledgement: nothing is
marked sent before headquarters says it applied it, so a round cut anywhere is simply
repeated (headquarters skips what it already applied). Each step on the node's database is a
transaction of its own; none is held open while the network is waited for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from haven.db.session import keyring_of, transaction
from haven.db.types import utcnow
from haven.errors import HavenError
from haven.i18n import N_
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Actor
from haven.sync import bundles, crypto, nodes, up
from haven.sync.down import apply_down, field_identity
from haven.sync.errors import NotANode, SyncRefused

# Connecting fails fast; a large bundle over a slow link may take minutes to travel and apply.
TIMEOUT = httpx.Timeout(300.0, connect=15.0)
MAX_ROUNDS = 50  # a backlog larger than one bundle goes in the next rounds
BUNDLE_TYPE = "application/octet-stream"


class LinkFailed(HavenError):
    """Headquarters could not be reached, or answered with an error of its own."""

    code = "link_failed"
    status = 502
    default_message = N_("Headquarters could not be reached: try again, or sync by file.")


@dataclass
class Round:
    """What one sync did: the receipt of the up bundle and what the down bundle applied."""

    receipt: dict[str, Any]
    down: dict[str, int]


@contextmanager
def _tx(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction of the node's own, acting as the operator (the command line)."""
    with transaction(factory) as session:
        bind_actor(session, Actor.system())
        yield session


def _post(client: httpx.Client, url: str, **kwargs: Any) -> httpx.Response:
    """POST, turning a network failure or headquarters' refusal into a clear error."""
    try:
        answer = client.post(url, **kwargs)
    except httpx.HTTPError as exc:
        raise LinkFailed(f"Headquarters could not be reached ({type(exc).__name__}).") from None
    if answer.status_code >= 400:
        raise _refusal(answer)
    return answer


def _refusal(answer: httpx.Response) -> HavenError:
    """Headquarters' refusal, with its code and message (never a value of anyone)."""
    try:
        body = answer.json()
        code, detail = str(body.get("error", "")), str(body.get("detail", ""))
    except ValueError:
        code, detail = "", answer.text[:200]
    if answer.status_code in (403, 409, 413):
        refused = SyncRefused(
            f"Headquarters refused: {detail or answer.status_code}", code=code or None
        )
        refused.status = answer.status_code
        return refused
    return LinkFailed(f"Headquarters answered {answer.status_code}: {detail}".strip())


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def address(url: str) -> str:
    """Headquarters' address, checked: HTTPS, except on this machine's loopback (tests, or a
    tunnel ending here). Bundles are signed and sealed either way, but plain HTTP would show
    anyone on the way which laptop talks to headquarters, when and how much."""
    parsed = httpx.URL(url.strip().rstrip("/"))
    if parsed.scheme == "https" or (parsed.scheme == "http" and parsed.host in LOOPBACK):
        return str(parsed)
    raise SyncRefused(
        N_("Headquarters' address must start with https:// (for example https://hq.example.org)."),
        code="not_https",
    )


def _record_error(factory: sessionmaker[Session], message: str) -> None:
    with _tx(factory) as session:
        field_identity(session).last_sync_error = message[:300]


def enrol_over_link(factory: sessionmaker[Session], url: str, code: str) -> Any:
    """Enrol this field node at headquarters' address with its one-time code."""
    base = address(url)
    with _tx(factory) as session:
        request = nodes.enrolment_request(session)
    with httpx.Client(timeout=TIMEOUT) as client:
        answer = _post(client, f"{base}/api/sync/enrol", json={"code": code, "request": request})
    with _tx(factory) as session:
        identity = nodes.complete_enrolment(session, code=code, answer=answer.json())
        identity.hq_url = base
        return identity.node_id


def _down_request(session: Session) -> bytes:
    me = field_identity(session)
    private = crypto.unwrap(keyring_of(session), "signing", me.signing_private)
    return bundles.make_request(me.node_id, private, {"at": utcnow().isoformat()})


def sync_over_link(factory: sessionmaker[Session], url: str | None = None) -> list[Round]:
    """Up, then down, until nothing is left to send (one round unless the backlog is larger
    than a bundle). A failure is kept in the node's identity (shown by `haven node list`) and
    raised; what was applied before it stays applied."""
    with _tx(factory) as session:
        me = field_identity(session)
        if me.hq_signing_public is None:
            raise NotANode
        given = url or me.hq_url or ""
    if not given.strip():
        raise SyncRefused(
            N_("No headquarters address is known: give one with --url."), code="no_url"
        )
    base = address(given)
    rounds: list[Round] = []
    try:
        with httpx.Client(timeout=TIMEOUT) as client:
            for _ in range(MAX_ROUNDS):
                with _tx(factory) as session:
                    data = up.make_up(session)
                    before = field_identity(session).acked_seq
                receipt = _post(
                    client,
                    f"{base}/api/sync/up",
                    content=data,
                    headers={"content-type": BUNDLE_TYPE},
                ).json()
                with _tx(factory) as session:
                    asking = _down_request(session)
                answer = _post(
                    client,
                    f"{base}/api/sync/down",
                    content=asking,
                    headers={"content-type": BUNDLE_TYPE},
                )
                with _tx(factory) as session:
                    applied = apply_down(session, answer.content)
                    left = up.waiting(session)
                    after = field_identity(session).acked_seq
                rounds.append(Round(receipt, applied))
                if not left or after <= before or receipt.get("gap"):
                    break
    except HavenError as exc:
        _record_error(factory, str(exc))
        raise
    return rounds
