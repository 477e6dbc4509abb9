"""The reception form as an XLSForm, for KoBoToolbox and ODK (docs/open-formats.md).

Haven builds the workbook itself (openpyxl; pyxform is needed only by the tests, which
convert it): sheets `survey`, `choices` and `settings` with pyxform's columns, labels and
hints in English and Burmese. The form is made from what the import reads, so that a
submission export maps back to the import's rows without a word changed:

- every field's `name` is a column of the import (`importing.COLUMNS`), and every column of
  the import is a field (a column added to the import and not described here becomes a plain
  text question, so the two never drift apart);
- the choices are Haven's own enumerations (classification, sex, legal basis, weapon kinds,
  text encodings) by their stored values, and the ranks of the Myanmar army as the
  installation has them (by a name the import's rank lookup reads back);
- the rules the form can check on the phone are the reception's: a name in either script,
  the date received not in the future, no military question for a child, a weapon's serial
  number and tag only with its kind.

No question has a default value, and the form has no `instance_name`: a submission list on
a server or phone shows no one's name. The version is a digest of the form's content, so the
same Haven gives the same form, and any change to a question or a choice gives a new version.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.forces.public import MYANMAR_ARMY, force_by_name, list_ranks
from haven.i18n import N_, gettext
from haven.kernel.labels import Labelled
from haven.people.public import Sex
from haven.reception.importing import COLUMNS
from haven.reception.schemas import Classification, LegalBasis, WeaponKind
from haven.security.permissions import Actor, Permission, require

FORM_ID = "haven_reception"
FORM_TITLE = N_("Haven reception")
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILENAME = "haven-reception-xlsform.xlsx"
# The languages of labels and hints, as pyxform names them (`label::English (en)`).
LANGUAGES = (("en", "English (en)"), ("my", "Burmese (my)"))
NOT_CHILD = "${classification} != 'child'"


@dataclass(frozen=True)
class Question:
    """One row of the survey sheet. `kind` is the XLSForm type (`text`, `select_one sex`…)."""

    kind: str
    name: str
    label: str
    hint: str | None = None
    required: str | None = None
    required_message: str | None = None
    constraint: str | None = None
    constraint_message: str | None = None
    relevant: str | None = None
    appearance: str | None = None


def _group(name: str, label: str, relevant: str | None = None) -> Question:
    return Question("begin_group", name, label, relevant=relevant)


def _end() -> Question:
    return Question("end_group", "", "")


NAME_NEEDED = N_("Enter the name in Myanmar script, in Latin letters, or both.")

# The survey, in order. Every field name is a column of the import.
SURVEY: tuple[Question, ...] = (
    _group("person", N_("Person")),
    Question(
        "select_one encoding",
        "text_encoding",
        N_("Text encoding"),
        hint=N_("unicode or zawgyi, when Haven cannot tell how the Burmese was typed"),
    ),
    Question(
        "text",
        "name_my",
        N_("Name in Myanmar script"),
        required="${name_latin} = ''",
        required_message=NAME_NEEDED,
    ),
    Question(
        "text",
        "name_latin",
        N_("Name in Latin letters"),
        required="${name_my} = ''",
        required_message=NAME_NEEDED,
    ),
    Question("text", "prefix", N_("Honorific or prefix")),
    Question("select_one classification", "classification", N_("Classification"), required="yes"),
    Question(
        "date",
        "received_on",
        N_("Date received"),
        required="yes",
        constraint=". <= today()",
        constraint_message=N_("The date of reception cannot be in the future."),
    ),
    Question(
        "text",
        "site",
        N_("Reception point"),
        hint=N_("Reception point, by its name in Haven (empty: your own site)"),
    ),
    Question(
        "integer",
        "birth_year",
        N_("Year of birth"),
        hint=N_("Year of birth, if known"),
        constraint=". >= 1900 and . <= 2100",
        constraint_message=N_("Enter a year between 1900 and 2100."),
    ),
    Question("select_one sex", "sex", N_("Sex")),
    _end(),
    _group("service", N_("Military service"), relevant=NOT_CHILD),
    Question(
        "text",
        "origin_unit",
        N_("Unit"),
        hint=N_("Unit as they say it: LIB 531, ခမရ ၅၃၁ …"),
    ),
    Question("select_one rank", "rank", N_("Rank"), appearance="minimal"),
    Question("text", "position", N_("Position")),
    Question(
        "integer",
        "service_months",
        N_("Length of service, in months"),
        constraint=". >= 0 and . <= 1200",
        constraint_message=N_("Enter a number of months between 0 and 1200."),
    ),
    _end(),
    _group("terms", N_("Terms")),
    Question("select_one legal_basis", "legal_basis", N_("Legal basis")),
    Question("select_one yes_no", "terms_signed", N_("Terms signed")),
    _end(),
    _group("profile", N_("Profile")),
    Question("text", "father_name", N_("Father's name")),
    Question("text", "mother_name", N_("Mother's name")),
    Question(
        "text",
        "nrc",
        N_("NRC number"),
        hint=N_("NRC number, for example 12/OuKaMa(N)123456"),
    ),
    Question("text", "service_number", N_("Military service number")),
    _end(),
    _group("weapon", N_("Weapon handed over")),
    Question("select_one weapon_kind", "weapon_kind", N_("Kind")),
    Question(
        "text",
        "weapon_serial_number",
        N_("Serial number of the weapon"),
        relevant="${weapon_kind} != ''",
    ),
    Question("text", "weapon_tag", N_("Tag of the weapon"), relevant="${weapon_kind} != ''"),
    _end(),
)

ENCODINGS = (("detect", N_("Detect")), ("unicode", N_("Unicode")), ("zawgyi", N_("Zawgyi")))
YES_NO = (("yes", N_("Yes")), ("no", N_("No")))


@dataclass(frozen=True)
class Choice:
    list_name: str
    name: str
    label_en: str
    label_my: str | None  # None: the English label, translated through the catalog


def _enum_choices(list_name: str, options: type[Labelled]) -> list[Choice]:
    return [Choice(list_name, option.value, option.label, None) for option in options]


def choice_name(text: str) -> str:
    """A rank's choice name: its English name in lower case, words joined by `_`
    ("Lieutenant Colonel" → `lieutenant_colonel`), which the import's rank lookup reads
    back as the rank (it ignores case and separators)."""
    return re.sub(r"[^0-9a-z]+", "_", text.casefold()).strip("_")


@dataclass(frozen=True)
class RankChoice:
    name_en: str
    name_my: str | None


def choices(ranks: Sequence[RankChoice]) -> list[Choice]:
    """Every choice list of the form, from Haven's enumerations and the army's ranks."""
    found = [
        *_enum_choices("classification", Classification),
        *_enum_choices("sex", Sex),
        *_enum_choices("legal_basis", LegalBasis),
        *_enum_choices("weapon_kind", WeaponKind),
        *(Choice("encoding", name, label, None) for name, label in ENCODINGS),
        *(Choice("yes_no", name, label, None) for name, label in YES_NO),
    ]
    seen: set[str] = set()
    for rank in ranks:
        name = choice_name(rank.name_en)
        if name and name not in seen:
            seen.add(name)
            found.append(Choice("rank", name, rank.name_en, rank.name_my or rank.name_en))
    return found


def survey() -> list[Question]:
    """The survey's rows: `SURVEY`, and any column of the import it does not describe (as a
    text question at the end), so that the form always holds every column."""
    named = {q.name for q in SURVEY}
    extra = [Question("text", name, name) for name in COLUMNS if name not in named]
    return [*SURVEY, *extra]


def _translated(msgid: str | None, language: str) -> str | None:
    if msgid is None:
        return None
    return msgid if language == "en" else gettext(msgid, language)


def _survey_rows(questions: Sequence[Question]) -> list[list[str | None]]:
    header = ["type", "name"]
    for column in ("label", "hint", "required_message", "constraint_message"):
        header += [f"{column}::{title}" for _code, title in LANGUAGES]
    header += ["required", "constraint", "relevant", "appearance"]
    rows: list[list[str | None]] = [list(header)]
    for q in questions:
        row: list[str | None] = [q.kind, q.name or None]
        for text in (q.label, q.hint, q.required_message, q.constraint_message):
            row += [_translated(text or None, code) for code, _title in LANGUAGES]
        row += [q.required, q.constraint, q.relevant, q.appearance]
        rows.append(row)
    return rows


def _choice_rows(found: Sequence[Choice]) -> list[list[str | None]]:
    header: list[str | None] = ["list_name", "name"]
    header += [f"label::{title}" for _code, title in LANGUAGES]
    rows: list[list[str | None]] = [header]
    for c in found:
        burmese = c.label_my if c.label_my is not None else gettext(c.label_en, "my")
        rows.append([c.list_name, c.name, c.label_en, burmese])
    return rows


def version_of(survey_rows: Sequence[Sequence[object]], choice_rows: Sequence[object]) -> str:
    """The form's version: a digest of its questions and choices (same form, same version)."""
    content = json.dumps([survey_rows, choice_rows], ensure_ascii=False).encode()
    return hashlib.sha256(content).hexdigest()[:12]


def build(ranks: Sequence[RankChoice]) -> bytes:
    """The XLSForm workbook (survey, choices, settings)."""
    survey_rows = _survey_rows(survey())
    choice_rows = _choice_rows(choices(ranks))
    settings = [
        ["form_title", "form_id", "version", "default_language"],
        [gettext(FORM_TITLE, "en"), FORM_ID, version_of(survey_rows, choice_rows), LANGUAGES[0][1]],
    ]
    # openpyxl loads with the first form, not with every process that imports the app
    # (0.2 s: every `haven` command and server would pay it), as in haven.exports.
    from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]  # noqa: PLC0415 - heavy

    workbook = Workbook()
    first = workbook.active
    workbook.remove(first)
    for title, rows in (("survey", survey_rows), ("choices", choice_rows), ("settings", settings)):
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def army_ranks(session: Session, actor: Actor) -> list[RankChoice]:
    """The Myanmar army's ranks as this installation has them (none before reference data)."""
    army = force_by_name(session, MYANMAR_ARMY)
    if army is None:
        return []
    return [RankChoice(r.name_en, r.name_my) for r in list_ranks(session, actor, army.id)]


def reception_xlsform(session: Session, actor: Actor) -> bytes:
    """The published form, for those who may receive people (and so import submissions)."""
    require(actor, Permission.RECEPTION_RECORD)
    return build(army_ranks(session, actor))
