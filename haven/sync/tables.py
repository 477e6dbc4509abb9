"""Which tables travel, which way, and to which field nodes (docs/field-sites.md).

Up (made at a field node, sent to headquarters): a site's own work. Down (from headquarters to
field nodes): the same records when headquarters changes them (corrections, merges,
erasures), and the reference data, accounts and agreements a site needs. A table is named
here by its name, and its mapped class found through the declarative registry, so this
package imports no domain's models.

Routing says which field nodes a record goes down to: every node (`EVERYWHERE`: reference
data), none (`NOWHERE`), or one site's nodes, the site found from the record itself or
through the record it belongs to (a case's person, a roll entry's agreement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from haven.db.base import Base


class Route(StrEnum):
    EVERYWHERE = "everywhere"
    SITE = "site"  # the record's own site_id
    PERSON = "person"  # the site of the record's person (person_id)
    CASE = "case"  # the site of the person of the record's case (case_id)
    RECEPTION = "reception"  # the site of the record's reception (reception_id)
    AGREEMENT = "agreement"  # the crossing site of the record's agreement (agreement_id)
    USER = "user"  # the site of the record's user (user_id)
    # A merge of duplicates: to the site of both persons when they are of one site; a merge
    # across sites stays at headquarters (neither laptop may learn of the other's person).
    MERGE = "merge"


@dataclass(frozen=True)
class Synced:
    table: str
    route: Route
    up: bool = False
    # Reference data a field node may also make (a unit first named in an import there):
    # it travels up like a site's work and down like reference data.
    both: bool = False
    # Columns written from other columns (a name's search key): they follow the fields they
    # come from and never make a conflict of their own.
    derived: frozenset[str] = field(default_factory=frozenset)
    # Columns that stay where they are (local bookkeeping): never sent either way.
    local: frozenset[str] = field(default_factory=frozenset)


# In the order a node inserts them (a table after every table it refers to).
SYNCED: tuple[Synced, ...] = (
    Synced("organisations", Route.EVERYWHERE),
    Synced("sites", Route.EVERYWHERE),
    Synced("users", Route.SITE, local=frozenset({"last_login_at"})),
    Synced("totp_factors", Route.USER, local=frozenset({"last_used_step"})),
    Synced("programme_settings", Route.EVERYWHERE),
    Synced("forces", Route.EVERYWHERE),
    Synced("ranks", Route.EVERYWHERE),
    Synced("rank_aliases", Route.EVERYWHERE),
    Synced("units", Route.EVERYWHERE, both=True),
    Synced("rank_equivalences", Route.EVERYWHERE),
    Synced("positions", Route.EVERYWHERE),
    Synced("position_equivalences", Route.EVERYWHERE),
    Synced("consent_texts", Route.EVERYWHERE),
    Synced("allowance_plan_versions", Route.EVERYWHERE),
    Synced("allowance_plan_components", Route.EVERYWHERE),
    Synced("agreements", Route.SITE),
    Synced("agreement_parties", Route.AGREEMENT),
    Synced("agreement_roll_entries", Route.AGREEMENT),
    Synced(
        "persons",
        Route.SITE,
        up=True,
        derived=frozenset({"name_key", "father_key", "profile_completed_at"}),
        # The risk level and its date go down, so that a field site receiving or visiting the
        # person knows the danger; the incident that set it stays at headquarters with the
        # incident (docs/protection.md).
        local=frozenset({"risk_incident_id"}),
    ),
    Synced("family_members", Route.PERSON, up=True),
    Synced("person_photos", Route.PERSON, up=True),
    Synced("reception_events", Route.SITE, up=True),
    Synced("weapon_items", Route.SITE, up=True),
    Synced("reception_corrections", Route.PERSON, up=True),
    Synced("cases", Route.PERSON, up=True),
    Synced("case_tasks", Route.CASE, up=True),
    Synced("case_notes", Route.PERSON, up=True),
    Synced("pathway_choices", Route.PERSON, up=True),
    Synced("agreement_arrivals", Route.PERSON, up=True),
    # Decided at headquarters: the review and who undid it stay there.
    Synced("match_merges", Route.MERGE, local=frozenset({"review_id", "undone_by_id"})),
)
BY_TABLE = {synced.table: synced for synced in SYNCED}
ORDER = {synced.table: index for index, synced in enumerate(SYNCED)}
UP = frozenset(synced.table for synced in SYNCED if synced.up or synced.both)
# Tables headquarters replaces whole at a new node's enrolment (the node has none of its own).
REFERENCE = tuple(synced.table for synced in SYNCED if not synced.up)
# Columns no table sends: bookkeeping each database keeps for itself.
NEVER = frozenset({"id", "created_at", "updated_at"})


@cache
def model_of(table: str) -> type[Any]:
    """The mapped class of a synchronised table."""
    for mapper in Base.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            found: type[Any] = mapper.class_
            return found
    raise KeyError(table)


def synced_of(cls: type[Any]) -> Synced | None:
    table = getattr(cls, "__tablename__", None)
    return BY_TABLE.get(table) if isinstance(table, str) else None
