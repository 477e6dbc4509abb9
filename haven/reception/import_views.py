"""HTML page: import a list of people from a CSV or XLSX file, check only or import."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from haven.db.session import end_transaction
from haven.errors import ValidationFailed
from haven.i18n import N_
from haven.jobs.public import enqueue
from haven.reception import import_jobs, importing, submissions, xlsform
from haven.security.permissions import Permission, require
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

TEMPLATE = "reception/import.html"

# What to write in each column, shown beside the column names on the page.
COLUMN_HELP: dict[str, str] = {
    "name_my": N_("Name in Myanmar script"),
    "name_latin": N_("Name in Latin letters (at least one of the two names)"),
    "prefix": N_("Honorific or prefix: U, Daw, Saw … (also recognised at the start of a name)"),
    "classification": N_("defector, surrendered, captured, disengaged or child"),
    "received_on": N_("Date received, as year-month-day: 2026-11-25"),
    "site": N_("Reception point, by its name in Haven (empty: your own site)"),
    "birth_year": N_("Year of birth, if known"),
    "sex": N_("female, male, other or unknown"),
    "origin_unit": N_("Unit as they say it: LIB 531, ခမရ ၅၃၁ …"),
    "rank": N_("Rank in English or Burmese: Captain, ဗိုလ်ကြီး …"),
    "position": N_("Position"),
    "service_months": N_("Length of service, in months"),
    "legal_basis": N_(
        "public_interest (if empty), vital_interest, consent, legitimate_interest or "
        "legal_obligation"
    ),
    "terms_signed": N_("yes or no"),
    "text_encoding": N_("unicode or zawgyi, when Haven cannot tell how the Burmese was typed"),
    "father_name": N_("Father's name"),
    "mother_name": N_("Mother's name"),
    "nrc": N_("NRC number, for example 12/OuKaMa(N)123456"),
    "service_number": N_("Military service number"),
    "weapon_kind": N_("Weapon handed over: rifle, pistol, machine_gun, ammunition …"),
    "weapon_serial_number": N_("Serial number of the weapon"),
    "weapon_tag": N_("Tag of the weapon"),
}


def _page(request: Request, status_code: int = 200, **context: Any) -> Response:
    values: dict[str, Any] = {
        "columns": COLUMN_HELP,
        "mode": "check",
        "error": None,
        "report": None,
        "headings": {},
        "max_rows": importing.MAX_ROWS,
    }
    return render(request, TEMPLATE, values | context, status_code=status_code)


def _read(upload: object) -> importing.ImportFile:
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise importing.FileRejected(N_("Choose a CSV or Excel (.xlsx) file."))
    content = upload.file.read(importing.MAX_BYTES + 1)
    return submissions.read(content, filename=upload.filename, content_type=upload.content_type)


@router.get("/reception/import", response_class=HTMLResponse)
def import_page(request: Request, actor: HtmlActor) -> Response:
    require(actor, Permission.RECEPTION_RECORD)
    return _page(request)


@router.post("/reception/import", response_class=HTMLResponse)
def import_file(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    require(actor, Permission.RECEPTION_RECORD)
    mode = "import" if form.get("mode") == "import" else "check"
    # Read the file holding no database lock: a hostile workbook never stalls other users.
    end_transaction(session)
    try:
        table = _read(form.get("file"))
    except importing.FileRejected as rejected:
        error = ValidationFailed(N_("The file cannot be imported."), fields=rejected.fields)
        return _page(request, rejected.status, mode=mode, error=error)
    if len(table.rows) > import_jobs.JOB_ROWS:
        # A large file is checked and imported in the background, a chunk at a time.
        payload = import_jobs.payload_for(table, write=mode == "import")
        total = len(table.rows) * (2 if mode == "import" else 1)
        job_id = enqueue(session, actor, import_jobs.IMPORT.name, payload, total=total)
        end_transaction(session)
        wake = getattr(request.app.state, "wake_jobs", None)
        if wake is not None:
            wake()
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)
    run = importing.import_rows if mode == "import" else importing.dry_run
    report = run(session, actor, table.rows)
    status = 422 if report.errors else 200
    return _page(request, status, mode=mode, report=report, headings=table.headings)


@router.get("/reception/import/template.csv")
def import_template(actor: HtmlActor) -> Response:
    """An empty CSV with every heading, UTF-8 with a BOM so that Excel reads Burmese right."""
    require(actor, Permission.RECEPTION_RECORD)
    return Response(
        "\ufeff" + ",".join(importing.COLUMNS) + "\r\n",
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="haven-people-import.csv"'},
    )


@router.get("/reception/xlsform.xlsx")
def reception_xlsform(session: DB, actor: HtmlActor) -> Response:
    """The reception form as an XLSForm, for KoBoToolbox and ODK (`reception.xlsform`)."""
    return Response(
        xlsform.reception_xlsform(session, actor),
        media_type=xlsform.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{xlsform.FILENAME}"'},
    )
