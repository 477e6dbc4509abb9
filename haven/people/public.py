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
from haven.people.events import FamilyChanged, PersonChanged, PersonErased
from haven.people.export import FIELDS as EXPORT_FIELDS
from haven.people.export import export_people
from haven.people.models import PERSON_KEYS, FamilyMember, Person, RiskLevel
from haven.people.references import find_by_reference, person_for_reference
from haven.people.reindex import load_person_keys, reindex_persons
from haven.people.relatives import (
    AREA_LABELS,
    RELATION_LABELS,
    Area,
    Relation,
    dependant_by_rule,
    relation_label,
)
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
    photo_of,
    relatives_by_id,
)
from haven.people.schemas import (
    Difficulty,
    Education,
    FamilyMemberIn,
    FamilyMemberOut,
    FamilyMemberUpdate,
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
    family_member,
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
    update_family_member,
    update_profile,
)

__all__ = [
    "ADULT_AGE",
    "AREA_LABELS",
    "COUNT_UP_TO",
    "ERASED_NAME",
    "EXPORT_FIELDS",
    "PERSON_KEYS",
    "RELATION_LABELS",
    "Area",
    "Difficulty",
    "Education",
    "FamilyChanged",
    "FamilyMember",
    "FamilyMemberIn",
    "FamilyMemberOut",
    "FamilyMemberUpdate",
    "LedgerDamaged",
    "Literacy",
    "Person",
    "PersonChanged",
    "PersonErased",
    "PersonOut",
    "PersonSummary",
    "ProfileUpdate",
    "Relation",
    "RiskLevel",
    "Sex",
    "WgDomain",
    "add_family_member",
    "alias_records",
    "any_person_in",
    "apply_profile",
    "build_person",
    "count_bound",
    "dependant_by_rule",
    "dependants_count",
    "due_for_retention",
    "erase_person",
    "export_people",
    "family",
    "family_by_person",
    "family_member",
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
    "photo_of",
    "read_ledger",
    "reapply_ledger",
    "reindex_persons",
    "relation_label",
    "relatives_by_id",
    "remove_family_member",
    "search",
    "set_names",
    "set_photo",
    "update_family_member",
    "update_profile",
]
