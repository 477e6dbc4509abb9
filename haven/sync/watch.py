"""Screening at a field node without the watchlists' names (docs/field-sites.md).

Headquarters sends a node the keyed hashes (HMAC-SHA256 under a key of headquarters') of the
phonetic name keys of its organisation's watchlist entries, never a name. The node hashes a
received person's name keys the same way; a hash found means "ask headquarters", which
screens the person with the names when the reception arrives there (every applied reception
is screened). A seized node thus holds no watchlist name; someone holding its key could still
test a guessed name against the hashes (docs/field-sites.md says so).

A hash matches only the same phonetic key (spelling variants and honorifics fold into one
key; a partial name does not): the hash is a prompt for the desk, headquarters' screening
with the names is the check.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from haven.matching.public import name_key
from haven.people.public import person_by_id
from haven.security.fields import unmasked
from haven.sync import crypto, repository
from haven.sync.models import Identity, Node, Role
from haven.vetting.public import watchlist_entries


def watch_digests(session: Session, me: Identity, node: Node) -> list[str]:
    """Headquarters: the hashes for a node of this organisation."""
    if me.watch_key is None:
        return []
    with unmasked(session):
        names = [entry.name for entry in watchlist_entries(session, node.organisation_id)]
    return sorted(digests_of(me.watch_key, names))


def digest_of(digests: Iterable[str]) -> str:
    """One hash of a set of watchlist hashes: whether a node holds headquarters' current set."""
    return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()


def digests_of(key: bytes, names: Iterable[str | None]) -> set[str]:
    """The keyed hashes of the names' phonetic keys (names without a key give none)."""
    return {crypto.keyed_hash(key, k) for k in map(name_key, names) if k}


def asks_headquarters(session: Session, person_id: uuid.UUID) -> bool:
    """Field node: whether one of the person's names (Burmese, Latin, aliases) hashes like a
    watchlist entry's. Always False elsewhere: headquarters screens with the names."""
    me = repository.identity(session)
    if me is None or me.role != Role.FIELD or me.watch_key is None:
        return False
    person = person_by_id(session, person_id)
    if person is None:
        return False
    digests = digests_of(me.watch_key, [person.name_my, person.name_latin, *(person.aliases or [])])
    return bool(digests) and repository.watch_hash_found(session, digests)
