"""JSON endpoint: import a list of people from a CSV or XLSX file, checked first by default."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from haven import i18n
from haven.db.session import end_transaction
from haven.i18n import N_
from haven.jobs.public import enqueue
from haven.reception import import_jobs, importing, submissions
from haven.security.permissions import Actor, Permission, require
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api", tags=["reception"])

FAILED = N_("Some rows need correcting. Nothing was saved.")


def _importer(actor: ApiActor) -> Actor:
    """The caller, who must be allowed to receive people: checked before the upload is."""
    require(actor, Permission.RECEPTION_RECORD)
    return actor


Importer = Annotated[Actor, Depends(_importer)]


class ImportErrorOut(BaseModel):
    row: int | None
    field: str | None
    message: str


class ImportAnswer(BaseModel):
    dry_run: bool
    rows: int
    imported: int
    errors: list[ImportErrorOut]
    person_ids: list[uuid.UUID]
    skipped: list[int] = Field(
        default_factory=list,
        description="Rows of a KoBoToolbox/ODK export whose submission was imported before "
        "(or earlier in the file): left out.",
    )


class ImportQueued(BaseModel):
    job_id: uuid.UUID
    status_url: str
    rows: int
    dry_run: bool


class ImportFailed(ImportAnswer):
    error: str
    detail: str


def answer(report: importing.ImportReport, language: str) -> ImportAnswer:
    """The report in the reader's language."""
    return ImportAnswer(
        dry_run=report.dry_run,
        rows=report.rows,
        imported=report.imported,
        errors=[
            ImportErrorOut(row=e.row, field=e.field, message=i18n.render(e.message, language))
            for e in report.errors
        ],
        person_ids=report.person_ids,
        skipped=report.skipped,
    )


@router.post(
    "/receptions/import",
    response_model=ImportAnswer,
    responses={
        202: {
            "model": ImportQueued,
            "description": f"More than {import_jobs.JOB_ROWS} rows: checked (and imported) as a "
            "background job; follow it at `status_url` (`GET /api/jobs/{id}`).",
        },
        413: {"description": "The file is larger than 5 MB (`file_too_large`)."},
        422: {
            "model": ImportFailed,
            "description": "Some rows need correcting (`import_failed`, every error listed), "
            "or the file cannot be read (`invalid_file`, the reason under `fields.file`).",
        },
    },
)
def import_people(
    request: Request,
    session: DB,
    actor: Importer,
    file: Annotated[
        UploadFile,
        File(
            description="CSV (UTF-8) or XLSX, headings in row 1: the import's own columns, or "
            "a KoBoToolbox / ODK Central export of the reception XLSForm's submissions."
        ),
    ],
    dry_run: bool = True,
) -> Response:
    """Import people from a CSV or XLSX file: one reception per row, with optional profile
    and weapon columns.

    With `dry_run=true` (the default) every row is checked as an import would check it and
    every error is reported by row and column; nothing is saved. With `dry_run=false` every
    row is saved, or none: when any row has an error, nothing at all is written. Either way
    an invalid row answers 422 with the full list of errors. When Burmese text is reported as
    possibly Zawgyi, add a column `text_encoding` with `unicode` or `zawgyi` for that row.

    The file may also be a KoBoToolbox or ODK Central export (CSV or XLSX, XML values) of the
    submissions of the reception XLSForm (`GET /api/receptions/xlsform`): recognised by its
    headings, read the same way, every error named by the form's field. A submission imported
    before (same instanceID) is listed under `skipped` and left out, never received twice.

    A file of more than 200 rows is checked and imported as a background job: the answer is
    202 with the job's id; `GET /api/jobs/{id}` gives its progress and, once it is over, the
    same errors by row and column (or the people imported). Such an import writes nothing
    unless every row passed the check, then writes a chunk of rows at a time.
    """
    language = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    # Read the file holding no database lock: a hostile workbook never stalls other users.
    end_transaction(session)
    content = file.file.read(importing.MAX_BYTES + 1)
    table = submissions.read(content, filename=file.filename, content_type=file.content_type)
    if len(table.rows) > import_jobs.JOB_ROWS:
        payload = import_jobs.payload_for(table, write=not dry_run)
        total = len(table.rows) * (1 if dry_run else 2)
        job_id = enqueue(session, actor, import_jobs.IMPORT.name, payload, total=total)
        end_transaction(session)
        wake = getattr(request.app.state, "wake_jobs", None)
        if wake is not None:
            wake()
        queued = ImportQueued(
            job_id=job_id, status_url=f"/api/jobs/{job_id}", rows=len(table.rows), dry_run=dry_run
        )
        return JSONResponse(queued.model_dump(mode="json"), status_code=202)
    run = importing.dry_run if dry_run else importing.import_rows
    report = run(session, actor, table.rows)
    body = answer(report, language).model_dump(mode="json")
    if report.errors:
        failed = {"error": "import_failed", "detail": i18n.render(FAILED, language)}
        return JSONResponse(failed | body, status_code=422)
    return JSONResponse(body)
