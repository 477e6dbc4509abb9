"""The nominal roll: the unit's expected roster, imported from the commanders' lists.

Files are read by the reception import's machinery (reception's public import kit: CSV UTF-8 or
XLSX, size and zip-bomb limits, blank rows skipped, row numbers kept as in the file); this
module only knows the roll's own columns. Text goes through `haven.text` (Zawgyi detected
or asked about, per row), units through `parse_unit` (via `forces.resolve_unit`), ranks
through the rank table of the row's force (`force` column: the police, a militia, the BGF;
default the Myanmar army) by name, abbreviation, Burmese short form or romanisation
(`forces.rank_lookup`).

All-or-nothing: every row is checked; if any row has an error, the report lists each one by
row and column and nothing at all is written. A rank no table lists is not an error: the
row is imported without a rank, the rank kept as written (`rank_text`), and the report
warns about it by row (`warnings`, code `unknown_rank`), so one unknown rank never loses the
roll. A dry run reports and never writes. Lists arrive in pieces, so an import appends to
the roll; row numbers continue.

Entries are stored like persons' protected fields: names, prefix, birth year, rank and
position encrypted under the agreement's key, the name found through a blind index
(`name_index_of`). The imported entries are screened against the incident registry at once
(`screening.py`); new hits on an agreement under negotiation withdraw approvals given.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from haven.agreements import repository, screening
from haven.agreements import service as agreements
from haven.agreements.lifecycle import IMPORTABLE, AgreementStatus
from haven.agreements.models import Agreement, RollEntry
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import Conflict, HavenError
from haven.forces.public import (
    ForceLookup,
    RankLookup,
    ensure_reference_data,
    force_lookup,
    list_forces,
    rank_lookup,
    resolve_unit,
)
from haven.i18n import N_, Text
from haven.kernel.keys import name_key
from haven.kernel.text_fields import CleanText, Encoding
from haven.reception.public import (
    Cell,
    FileRejected,
    ImportFile,
    ImportRow,
    RowError,
    assumed_encoding,
    cell_number,
    cell_text,
    column_letter,
    heading_key,
    read_file,
)
from haven.security.blind_index import blind_index
from haven.security.fields import session_keyring
from haven.security.permissions import Actor
from haven.text import Assume, UncertainEncoding, clean_text
from haven.text.names import split_name
from haven.validation import fields_from_errors

ROLL_COLUMNS: dict[str, tuple[str, ...]] = {
    "name_my": ("name_my", "name in myanmar script", "myanmar name", "burmese name", "အမည်"),
    "name_latin": ("name_latin", "name in latin letters", "latin name", "english name", "name"),
    "prefix": ("prefix", "honorific", "title", "ရှေ့ဆက်"),
    "birth_year": ("birth_year", "year of birth", "born", "မွေးနှစ်", "မွေးသက္ကရာဇ်"),
    "rank": ("rank", "rank name", "အဆင့်", "ရာထူးအဆင့်"),
    "force": ("force", "armed force", "တပ်ဖွဲ့"),
    "unit": ("unit", "origin_unit", "battalion", "တပ်ရင်း"),
    "company": ("company", "coy", "တပ်ခွဲ"),
    "position": ("position", "appointment", "ရာထူး"),
    "weapons": ("weapons", "weapons expected", "number of weapons", "လက်နက်"),
    "family": ("family", "family members", "family to move", "မိသားစု"),
    "text_encoding": ("text_encoding", "encoding"),
}
_HEADINGS = {heading_key(h): name for name, hs in ROLL_COLUMNS.items() for h in hs}


class RollRowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text_encoding: Encoding = "detect"
    prefix: CleanText = Field(default=None, max_length=20)
    name_my: CleanText = Field(default=None, max_length=200)
    name_latin: CleanText = Field(default=None, max_length=200)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    unit: CleanText = Field(default=None, max_length=100)
    company: CleanText = Field(default=None, max_length=40)
    position: CleanText = Field(default=None, max_length=200)
    weapons: int = Field(default=0, ge=0, le=100)
    family: int = Field(default=0, ge=0, le=100)


def _headings(header: Sequence[Cell]) -> dict[int, str]:
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        heading = cell_text(cell)
        if heading is None:
            continue
        name = _HEADINGS.get(heading_key(heading))
        if name is None:
            unknown.append(column_letter(index))
        elif name in seen:
            raise FileRejected(
                Text(
                    N_("Columns {first} and {second} are for the same thing. Keep one of them."),
                    {"first": column_letter(seen[name]), "second": column_letter(index)},
                )
            )
        else:
            seen[name] = index
            columns[index] = name
    if unknown:
        raise FileRejected(
            Text(
                N_(
                    "Haven does not know the heading of column {columns}. Use the headings of "
                    "the roll template, or remove the column."
                ),
                {"columns": ", ".join(unknown)},
            )
        )
    if "name_my" not in seen and "name_latin" not in seen:
        raise FileRejected(N_("The file needs a column “name_my” or “name_latin”, or both."))
    return columns


def read_roll(
    content: bytes, *, filename: str | None = None, content_type: str | None = None
) -> ImportFile:
    """Read a roll file (CSV UTF-8 or XLSX, first sheet; headings in the first row)."""
    return read_file(content, filename=filename, content_type=content_type, columns_of=_headings)


@dataclass(frozen=True)
class RowWarning:
    """Something about a row that did not stop its import: the row, the column, the text as
    written and why (`code`, and a message)."""

    row: int
    field: str
    text: str
    code: str
    message: Text | str


UNKNOWN_RANK = "unknown_rank"


class RollReport:
    def __init__(self, *, dry_run: bool, rows: int) -> None:
        self.dry_run = dry_run
        self.rows = rows
        self.imported = 0
        self.hits = 0  # screening hits found on the imported entries
        self.errors: list[RowError] = []
        self.warnings: list[RowWarning] = []

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, fields: dict[str, Text | str]) -> None:
        order = list(ROLL_COLUMNS)
        for name in sorted(fields, key=lambda n: order.index(n) if n in order else len(order)):
            self.errors.append(RowError(row=row, field=name, message=fields[name]))


@dataclass(frozen=True)
class RollLookups:
    """What rows are checked against, read once per import: the forces a roll may name
    and the rank tables of every force that is not a receiving force."""

    army_id: uuid.UUID
    forces: ForceLookup
    force_names: dict[uuid.UUID, str]
    ranks: RankLookup
    held: tuple[object, ...]

    @classmethod
    def load(cls, session: Session, actor: Actor) -> RollLookups:
        army = ensure_reference_data(session)
        sources = [force for force in list_forces(session, actor) if not force.is_receiving]
        return cls(
            army_id=army.id,
            forces=force_lookup(session, actor),
            force_names={force.id: force.name for force in sources},
            ranks=rank_lookup(session, actor, [force.id for force in sources]),
            held=(army, *sources),
        )


def _unknown_rank(written: str, force: str) -> Text:
    return Text(
        N_(
            "Unknown rank “{rank}”: no rank of the {force} table is written so. The row is "
            "imported without a rank and the rank is kept as written; choose the rank at the "
            "crossing desk or correct the force's table."
        ),
        {"rank": written[:40], "force": force},
    )


def _names(parsed: RollRowIn) -> tuple[str | None, str | None, str | None]:
    """Prefix (honorific) split off the names, as at reception."""
    prefix = parsed.prefix
    for value in (parsed.name_latin, parsed.name_my):
        if prefix is None and value:
            prefix = split_name(value).prefix or None
    name_latin = split_name(parsed.name_latin).name if parsed.name_latin else None
    name_my = split_name(parsed.name_my).name if parsed.name_my else None
    return prefix, name_my, name_latin


def name_index_of(session: Session, name_latin: str | None, name_my: str | None) -> str | None:
    """The blind index of a name key (`haven.kernel.keys.name_key`), or None without a name:
    a person linked afterwards finds their roll entry by it, the name itself stays encrypted."""
    key = name_key(name_latin, name_my)
    if key == name_key(None, None):
        return None
    return blind_index(session_keyring(session).index_key, "roll_name", key)


def _force_and_rank(
    row: ImportRow,
    text: dict[str, str | None],
    assume: Assume,
    lookups: RollLookups,
    errors: dict[str, Text | str],
    warnings: list[RowWarning],
) -> tuple[uuid.UUID | None, uuid.UUID | None, str | None]:
    """The row's force (None: the army), its rank, and the rank as written when no rank of
    the force's table is written so (a warning, never an error)."""
    force_id: uuid.UUID | None = None
    if text["force"] is not None:
        try:
            force_id = lookups.forces.find(clean_text(text["force"], assume=assume).text)
        except UncertainEncoding as error:
            errors["force"] = error.message
        else:
            if force_id not in lookups.force_names:
                force_id = None
                errors["force"] = N_(
                    "Haven does not know this force. Write the Myanmar army, the police, a "
                    "militia or the Border Guard Force (or a force an administrator added)."
                )
    table = force_id or lookups.army_id
    if text["rank"] is None:
        return force_id, None, None
    try:
        written = clean_text(text["rank"], assume=assume).text
    except UncertainEncoding as error:
        errors["rank"] = error.message
        return force_id, None, None
    rank_id = lookups.ranks.find(table, written)
    if rank_id is not None or not written:
        return force_id, rank_id, None
    message = _unknown_rank(written, lookups.force_names.get(table, ""))
    warnings.append(RowWarning(row.number, "rank", written, UNKNOWN_RANK, message))
    return force_id, None, written[:100]


def _check_row(
    session: Session, actor: Actor, row: ImportRow, lookups: RollLookups
) -> tuple[dict[str, Any] | None, dict[str, Text | str], list[RowWarning]]:
    raw = row.values
    text = {name: cell_text(raw.get(name)) for name in ROLL_COLUMNS}
    errors: dict[str, Text | str] = {}
    warnings: list[RowWarning] = []
    encoding = (text["text_encoding"] or "detect").casefold()
    if encoding not in ("detect", "unicode", "zawgyi"):
        errors["text_encoding"] = Text(
            N_("Enter one of: {options}."), {"options": "detect, unicode, zawgyi"}
        )
        encoding = "detect"
    assume = assumed_encoding(encoding)
    data: dict[str, Any] = {"text_encoding": assume}
    for name in ("prefix", "name_my", "name_latin", "unit", "company", "position"):
        data[name] = text[name]
    for name in ("birth_year", "weapons", "family"):
        number = cell_number(raw.get(name))
        if number is not None:
            data[name] = number
    parsed: RollRowIn | None = None
    try:
        parsed = RollRowIn.model_validate(data)
    except PydanticValidationError as exc:
        errors.update(fields_from_errors(exc.errors()))
    if text["name_my"] is None and text["name_latin"] is None:
        errors["name_latin"] = N_("Enter the name in Myanmar script, in Latin letters, or both.")
    force_id, rank_id, rank_text = _force_and_rank(row, text, assume, lookups, errors, warnings)
    table = force_id or lookups.army_id
    if errors or parsed is None:
        return None, errors, warnings
    unit_id: uuid.UUID | None = None
    if parsed.unit:
        try:
            unit = resolve_unit(session, actor, table, parsed.unit)
        except UncertainEncoding as error:
            return None, {"unit": error.message}, warnings
        unit_id = unit.id if unit else None
    prefix, name_my, name_latin = _names(parsed)
    return (
        {
            "prefix": prefix,
            "name_my": name_my,
            "name_latin": name_latin,
            "name_index": name_index_of(session, name_latin, name_my),
            "birth_year": parsed.birth_year,
            "force_id": force_id,
            "rank_id": rank_id,
            "rank_text": rank_text,
            "unit_id": unit_id,
            "unit_text": parsed.unit,
            "company": parsed.company,
            "position": parsed.position,
            "weapons_expected": parsed.weapons,
            "family_expected": parsed.family,
        },
        {},
        warnings,
    )


def import_roll(
    session: Session,
    actor: Actor,
    agreement_id: uuid.UUID,
    rows: Sequence[ImportRow],
    *,
    dry_run: bool,
) -> RollReport:
    """Check every row; write them all (appended to the roll) only when none has an error.
    A row whose rank no table lists is written without a rank and reported in `warnings`."""
    agreement = agreements.get_for_writer(session, actor, agreement_id)
    _require_importable(agreement)
    report = RollReport(dry_run=dry_run, rows=len(rows))
    outer = session.begin_nested()
    try:
        lookups = RollLookups.load(session, actor)
        checked: list[tuple[ImportRow, dict[str, Any]]] = []
        for row in rows:
            try:
                values, errors, warnings = _check_row(session, actor, row, lookups)
            except HavenError as error:
                values, errors = None, dict(error.fields) or {"row": error.message}
                warnings = []
            report.warnings.extend(warnings)
            if errors or values is None:
                report.add(row.number, errors)
            else:
                checked.append((row, values))
        if dry_run or report.errors:
            outer.rollback()
            return report
        number = repository.next_row_number(session, agreement.id)
        created: list[RollEntry] = []
        for offset, (_row, values) in enumerate(checked):
            entry = RollEntry(
                agreement_id=agreement.id,
                organisation_id=agreement.organisation_id,
                row_number=number + offset,
            )
            session.add(entry)
            for name, value in values.items():
                setattr(entry, name, value)
            created.append(entry)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.AGREEMENT_ROLL_IMPORTED,
            subject_type="agreement",
            subject_id=agreement.id,
            organisation_id=agreement.organisation_id,
            changes={"roll_entries": {"before": number - 1, "after": number - 1 + len(checked)}},
        )
        new_hits = screening.screen(session, actor, agreement, entries=created)
        if new_hits and AgreementStatus(agreement.status) is AgreementStatus.NEGOTIATING:
            agreements.withdraw_approvals(session, actor, agreement)
        report.hits = len(new_hits)
        outer.commit()
    except BaseException:
        if outer.is_active:
            outer.rollback()
        raise
    report.imported = len(checked)
    return report


def _require_importable(agreement: Agreement) -> None:
    if AgreementStatus(agreement.status) not in IMPORTABLE:
        raise Conflict(
            Text(
                N_("A roll cannot be imported into an agreement that is {state}."),
                {"state": agreement.status},
            )
        )


def roll(session: Session, actor: Actor, agreement_id: uuid.UUID) -> Sequence[RollEntry]:
    """The whole roll, for the negotiation team."""
    agreement = agreements.get_for_team(session, actor, agreement_id)
    return repository.roll_of(session, agreement.id)
