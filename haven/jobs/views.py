"""Pages of background jobs: the list of one's own jobs, a job's progress bar (refreshed by
htmx, or by the page itself without JavaScript) and its result, and cancelling."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from haven.i18n import N_
from haven.jobs import public
from haven.jobs.presenting import result_template_of, shown_result, title_of
from haven.web import notices
from haven.web.deps import DB, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

CANCELLED = notices.register(N_("The job was cancelled. What was already saved stays saved."))


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    jobs = public.mine(session, actor)
    return render(request, "jobs/list.html", {"jobs": jobs, "title_of": title_of})


def _context(session: DB, actor: HtmlActor, job_id: uuid.UUID) -> dict[str, object]:
    job = public.get_for(session, actor, job_id)
    over = job.job_state.over
    return {
        "job": job,
        "title": title_of(job),
        "result": shown_result(session, job) if over else {},
        "result_template": result_template_of(job) if over else None,
    }


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, session: DB, actor: HtmlActor, job_id: uuid.UUID) -> Response:
    return render(request, "jobs/job.html", _context(session, actor, job_id))


@router.get("/jobs/{job_id}/progress", response_class=HTMLResponse)
def job_progress(request: Request, session: DB, actor: HtmlActor, job_id: uuid.UUID) -> Response:
    context = _context(session, actor, job_id)
    # Once the job is over, htmx loads the whole page again, which shows the result.
    headers = (
        {"HX-Refresh": "true"} if public.get_for(session, actor, job_id).job_state.over else None
    )
    return render(request, "jobs/_progress.html", context, headers=headers)


@router.get("/jobs/{job_id}/cancel", response_class=HTMLResponse)
def cancel_job_page(request: Request, session: DB, actor: HtmlActor, job_id: uuid.UUID) -> Response:
    """The confirmation step before cancelling (a page of its own: the job page refreshes
    itself without JavaScript, which would close a confirmation opened on it)."""
    return render(request, "jobs/cancel.html", _context(session, actor, job_id))


@router.post("/jobs/{job_id}/cancel", response_class=HTMLResponse)
def cancel_job(session: DB, actor: HtmlFormActor, job_id: uuid.UUID) -> Response:
    public.cancel(session, actor, job_id)
    return notices.redirect(f"/jobs/{job_id}", CANCELLED)
