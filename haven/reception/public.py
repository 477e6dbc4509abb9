"""The reception domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

Other domains learn that someone was received from the `PersonReceived` event, read
receptions through the functions below (batched where a caller has many persons or events)
and use the models only to join in their own repositories.
"""

from __future__ import annotations

from haven.reception.events import PersonReceived
from haven.reception.importing import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    Cell,
    FileRejected,
    FileTooLarge,
    ImportFile,
    ImportLookups,
    ImportReport,
    ImportRow,
    RowError,
    assumed_encoding,
    cell_number,
    cell_text,
    column_letter,
    dry_run,
    find_rank,
    heading_key,
    import_rows,
    read_file,
)
from haven.reception.models import ReceptionEvent, WeaponItem
from haven.reception.repository import by_ids as receptions_by_id
from haven.reception.repository import by_person as receptions_by_person
from haven.reception.repository import (
    child_handover_due,
    children_awaiting_handover,
    counts_by_classification,
    latest_agreement_id,
    origin_units,
    persons_from_units,
    persons_received,
    received_as_child,
    recent,
    reception_by_id,
    weapons_by_person,
    weapons_by_reception,
)
from haven.reception.repository import latest_by_person as latest_receptions
from haven.reception.repository import latest_of as latest_reception
from haven.reception.schemas import (
    MILITARY_FIELDS,
    PRISONER_CLASSIFICATIONS,
    Classification,
    LegalBasis,
    ReceptionCreate,
    ReceptionOut,
    WeaponIn,
    WeaponKind,
    WeaponOut,
    reception_form_data,
)
from haven.reception.service import (
    CHILD_HANDOVER,
    add_weapon,
    events_of,
    get_event,
    get_weapon,
    link_agreement,
    receive,
    record_reclassification,
    weapons_of,
    weapons_of_events,
)

__all__ = [
    "CHILD_HANDOVER",
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "MILITARY_FIELDS",
    "PRISONER_CLASSIFICATIONS",
    "Cell",
    "Classification",
    "FileRejected",
    "FileTooLarge",
    "ImportFile",
    "ImportLookups",
    "ImportReport",
    "ImportRow",
    "LegalBasis",
    "PersonReceived",
    "ReceptionCreate",
    "ReceptionEvent",
    "ReceptionOut",
    "RowError",
    "WeaponIn",
    "WeaponItem",
    "WeaponKind",
    "WeaponOut",
    "add_weapon",
    "assumed_encoding",
    "cell_number",
    "cell_text",
    "child_handover_due",
    "children_awaiting_handover",
    "column_letter",
    "counts_by_classification",
    "dry_run",
    "events_of",
    "find_rank",
    "get_event",
    "get_weapon",
    "heading_key",
    "import_rows",
    "latest_agreement_id",
    "latest_reception",
    "latest_receptions",
    "link_agreement",
    "origin_units",
    "persons_from_units",
    "persons_received",
    "read_file",
    "receive",
    "received_as_child",
    "recent",
    "reception_by_id",
    "reception_form_data",
    "receptions_by_id",
    "receptions_by_person",
    "record_reclassification",
    "weapons_by_person",
    "weapons_by_reception",
    "weapons_of",
    "weapons_of_events",
]
