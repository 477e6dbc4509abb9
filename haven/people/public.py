"""The people domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

`Person` and `FamilyMember` are here for other domains' repositories to join on; prefer the
read functions. Unchecked reads (`person_by_id`, `persons_by_id`, …) are for services that
have checked the actor's right themselves.
"""

from __future__ import annotations

from haven.people.age import ADULT_AGE, is_child, may_be_a_child
from haven.people.erasure import (
    ERASED_NAME,
    LedgerDamaged,
    erase_person,
    ledger_path,
    read_ledger,
    reapply_ledger,
)
from haven.people.events import PersonChanged, PersonErased
from haven.people.export import export_people
from haven.people.models import PERSON_KEYS, FamilyMember, Person
from haven.people.references import find_by_reference, person_for_reference
from haven.people.reindex import load_person_keys, reindex_persons
from haven.people.repository import (
    COUNT_UP_TO,
    alias_records,
    any_person_in,
    count_bound,
    dependants_count,
    due_for_retention,
    family_by_person,
    live_person_ids,
    live_persons_after,
    name_records,
)
from haven.people.schemas import (
    Difficulty,
    Education,
    FamilyMemberIn,
    FamilyMemberOut,
    Literacy,
    PersonOut,
    PersonSummary,
    ProfileUpdate,
    Sex,
    WgDomain,
)
from haven.people.service import (
    add_family_member,
    apply_profile,
    build_person,
    family,
    find_people,
    get_person,
    get_photo,
    has_photo,
    identifier_index,
    new_person,
    person_by_id,
    persons_by_id,
    remove_family_member,
    search,
    set_names,
    set_photo,
    update_profile,
)

__all__ = [
    "ADULT_AGE",
    "COUNT_UP_TO",
    "ERASED_NAME",
    "PERSON_KEYS",
    "Difficulty",
    "Education",
    "FamilyMember",
    "FamilyMemberIn",
    "FamilyMemberOut",
    "LedgerDamaged",
    "Literacy",
    "Person",
    "PersonChanged",
    "PersonErased",
    "PersonOut",
    "PersonSummary",
    "ProfileUpdate",
    "Sex",
    "WgDomain",
    "add_family_member",
    "alias_records",
    "any_person_in",
    "apply_profile",
    "build_person",
    "count_bound",
    "dependants_count",
    "due_for_retention",
    "erase_person",
    "export_people",
    "family",
    "family_by_person",
    "find_by_reference",
    "find_people",
    "get_person",
    "get_photo",
    "has_photo",
    "identifier_index",
    "is_child",
    "ledger_path",
    "live_person_ids",
    "live_persons_after",
    "load_person_keys",
    "may_be_a_child",
    "name_records",
    "new_person",
    "person_by_id",
    "person_for_reference",
    "persons_by_id",
    "read_ledger",
    "reapply_ledger",
    "reindex_persons",
    "remove_family_member",
    "search",
    "set_names",
    "set_photo",
    "update_profile",
]
