"""Read a KoBoToolbox or ODK Central export of the reception form's submissions into the
import's rows (docs/open-formats.md).

The form Haven publishes (`reception.xlsform`) names each question after a column of the
import, so an export of its submissions needs only its headings read:

- a question's heading may carry its groups' path: `person/name_latin` (KoBoToolbox),
  `person-name_latin` (ODK Central); the last part is the field (field names hold no `/` or
  `-`);
- the submission's instanceID (`meta/instanceID`, ODK's `meta-instanceID` or `KEY`,
  KoBoToolbox's `_uuid`) travels with its row (`importing.INSTANCE`), so that a submission is
  imported once: one seen before is reported and skipped, never received twice;
- every other column the tools add (`_id`, `_submission_time`, `_validation_status`,
  `__version__`, `SubmissionDate`, `SubmitterID`, `ReviewState` …) is left out.

Values are read as the tools export them with "XML values" (the choices' names: `defector`,
`male`, `lieutenant_colonel`); labels are accepted too where the import accepts them (it
reads a choice by its value or by its label in English or Burmese). An export with labels as
headings is refused as any file with unknown headings is, naming the columns.

A file is a submission export when its headings hold a group path or one of the tools' own
columns; anything else is read as the import's own file (`read`), so the import page and
API take both without a choice to make.
"""

from __future__ import annotations

from collections.abc import Sequence

from haven.i18n import N_, Text
from haven.reception import importing
from haven.reception.importing import INSTANCE, Cell, FileRejected, ImportFile, ImportRow

# The instanceID's columns, best first: the form's own meta field, then the tools' copies.
INSTANCE_HEADINGS = ("meta/instanceid", "meta-instanceid", "key", "_uuid")
# The columns KoBoToolbox and ODK Central add to an export (compared in lower case), and the
# groups whose fields are the tools' own (`meta/…`, `formhub/…`).
TOOL_COLUMNS = frozenset(
    {
        # KoBoToolbox
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_index",
        "_status",
        "_notes",
        "_tags",
        "_submitted_by",
        "_xform_id_string",
        "_attachments",
        "_geolocation",
        "_parent_index",
        "_parent_table_name",
        "__version__",
        "start",
        "end",
        "today",
        "deviceid",
        # ODK Central
        "submissiondate",
        "key",
        "submitterid",
        "submittername",
        "attachmentspresent",
        "attachmentsexpected",
        "status",
        "reviewstate",
        "edits",
        "formversion",
    }
)
TOOL_GROUPS = ("meta", "formhub")
IGNORED = "_ignored_"


def _parts(heading: str) -> list[str]:
    return [part for part in heading.replace("-", "/").split("/") if part]


def looks_like_submissions(header: Sequence[Cell]) -> bool:
    """Whether the headings are those of a KoBoToolbox or ODK export: a group path or a
    column of the tools'."""
    for cell in header:
        text = importing.cell_text(cell)
        if text is None:
            continue
        lowered = text.casefold()
        if lowered in TOOL_COLUMNS or lowered in INSTANCE_HEADINGS:
            return True
        parts = _parts(text)
        if len(parts) > 1 and importing.heading_key(parts[-1]) in _FIELDS:
            return True
    return False


_FIELDS = {importing.heading_key(name): name for name in importing.COLUMNS}


def _instance_column(header: Sequence[Cell]) -> int | None:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = importing.cell_text(cell)
        if text is not None:
            found.setdefault(text.casefold(), index)
    for heading in INSTANCE_HEADINGS:
        if heading in found:
            return found[heading]
    return None


def submission_columns(header: Sequence[Cell]) -> dict[int, str]:
    """The export's columns: each question's by its field name (its group path dropped), the
    instanceID's as `importing.INSTANCE`, the tools' other columns to be left out."""
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    unknown: list[str] = []
    instance = _instance_column(header)
    for index, cell in enumerate(header):
        text = importing.cell_text(cell)
        if text is None:
            continue
        parts = _parts(text)
        if index == instance:
            columns[index] = INSTANCE
            continue
        if text.casefold() in TOOL_COLUMNS or (
            len(parts) > 1 and parts[0].casefold() in TOOL_GROUPS
        ):
            columns[index] = f"{IGNORED}{index}"
            continue
        name = _FIELDS.get(importing.heading_key(parts[-1])) if parts else None
        if name is None:
            unknown.append(importing.column_letter(index))
        elif name in seen:
            raise FileRejected(
                Text(
                    N_("Columns {first} and {second} are for the same thing. Keep one of them."),
                    {
                        "first": importing.column_letter(seen[name]),
                        "second": importing.column_letter(index),
                    },
                )
            )
        else:
            seen[name] = index
            columns[index] = name
    if unknown:
        raise FileRejected(
            Text(
                N_(
                    "Haven does not know the heading of column {columns}. Export the "
                    "submissions with XML values and headers, or remove the column."
                ),
                {"columns": ", ".join(unknown)},
            )
        )
    importing.check_required(seen)
    return columns


def _columns(header: Sequence[Cell]) -> dict[int, str]:
    if looks_like_submissions(header):
        return submission_columns(header)
    return importing.default_columns(header)


def read(
    content: bytes, *, filename: str | None = None, content_type: str | None = None
) -> ImportFile:
    """Read the import's own file or a KoBoToolbox / ODK Central export of the reception
    form's submissions (CSV or XLSX), told apart by their headings."""
    table = importing.read_file(
        content, filename=filename, content_type=content_type, columns_of=_columns
    )
    rows = [
        ImportRow(
            number=row.number,
            values={k: v for k, v in row.values.items() if not k.startswith(IGNORED)},
        )
        for row in table.rows
    ]
    headings = {k: v for k, v in table.headings.items() if not k.startswith(IGNORED)}
    return ImportFile(rows=rows, headings=headings)
