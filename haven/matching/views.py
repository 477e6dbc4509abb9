"""HTML pages of the matching domain: the review queue, one pair's decision page, and the
reception form's possible-duplicates panel."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from haven.errors import Conflict, HavenError, ValidationFailed
from haven.i18n import N_
from haven.kernel.labels import labels
from haven.matching import service
from haven.matching.lifecycle import OPEN_STATES, Decision, ReviewState
from haven.reception.public import ReceptionCreate, reception_form_data
from haven.security.permissions import Actor, Permission, require
from haven.validation import parse
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.listing import Listing, ListQuery
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

DECISION_LABELS = labels(Decision)
STATE_LABELS = labels(ReviewState)
NOTICES = {
    "voted": N_("Your decision is recorded. A second reviewer must confirm it."),
    "decided": N_("Two reviewers agreed. The decision is recorded."),
    "disputed": N_("The two reviewers disagreed. The pair is back in the queue."),
    "unmerged": N_("The merge is undone. The pair is back in the queue."),
}


@router.get("/matching/review", response_class=HTMLResponse)
def queue(request: Request, session: DB, actor: HtmlActor) -> Response:
    """The pairs to review (both kinds of waiting by default, or one state, or every state),
    most probable first (or waiting longest, or newest), a page at a time with counts."""
    query = ListQuery.from_request(request, sorts=service.REVIEW_SORTS, default="likely")
    state = query.get("state")
    if state in STATE_LABELS:
        states: frozenset[str] = frozenset({state})
    elif state == "all":
        states = frozenset(STATE_LABELS)
    else:
        state, states = "", frozenset(str(s) for s in OPEN_STATES)
    listing = Listing.load(
        query,
        lambda limit, offset: service.review_page(
            session, actor, states=states, sort=query.sort, limit=limit, offset=offset
        ),
    )
    people = service.people_of(session, listing.items)
    return render(
        request,
        "matching/queue.html",
        {
            "listing": listing,
            "reviews": listing.items,
            "people": people,
            "states": STATE_LABELS,
            "state": state,
        },
    )


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    review_id: uuid.UUID,
    *,
    error: HavenError | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    review = service.get_review(session, actor, review_id)
    people = service.people_of(session, [review])
    context: dict[str, Any] = {
        "review": review,
        "a": people.get(review.person_a_id),
        "b": people.get(review.person_b_id),
        "merge": service.active_merge(session, review),
        "states": STATE_LABELS,
        "decisions": DECISION_LABELS,
        "error": error,
        "notice": NOTICES.get(notice or ""),
        "own_vote": review.state == ReviewState.AWAITING_SECOND
        and review.first_reviewer_id == actor.user_id,
    }
    return render(request, "matching/review.html", context, status_code=status_code)


@router.get("/matching/review/{review_id}", response_class=HTMLResponse)
def review_page(
    request: Request, review_id: uuid.UUID, session: DB, actor: HtmlActor, notice: str = ""
) -> Response:
    return _detail(request, session, actor, review_id, notice=notice)


@router.post("/matching/review/{review_id}", response_class=HTMLResponse)
def vote(
    request: Request, review_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    decision = str(form.get("decision", ""))
    if decision not in DECISION_LABELS:
        error = Conflict(
            N_("Choose whether the two records are the same person."),
            fields={"decision": N_("Choose whether the two records are the same person.")},
        )
        return _detail(request, session, actor, review_id, error=error, status_code=422)
    before = service.get_review(session, actor, review_id).state
    try:
        review = service.decide(session, actor, review_id, decision)
    except Conflict as error:
        return _detail(request, session, actor, review_id, error=error, status_code=409)
    if before == ReviewState.OPEN:
        notice = "voted"
    elif review.state == ReviewState.OPEN:
        notice = "disputed"
    else:
        notice = "decided"
    return RedirectResponse(f"/matching/review/{review_id}?notice={notice}", status_code=303)


@router.post("/matching/review/{review_id}/unmerge", response_class=HTMLResponse)
def unmerge(request: Request, review_id: uuid.UUID, session: DB, actor: HtmlFormActor) -> Response:
    try:
        service.unmerge(session, actor, review_id)
    except Conflict as error:
        return _detail(request, session, actor, review_id, error=error, status_code=409)
    return RedirectResponse(f"/matching/review/{review_id}?notice=unmerged", status_code=303)


@router.post("/reception/duplicates", response_class=HTMLResponse)
def duplicates_panel(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """HTMX fragment of the reception form: possible duplicates of the person being typed in."""
    require(actor, Permission.PERSON_READ)
    _values, data = reception_form_data(form)
    try:
        candidate = parse(
            ReceptionCreate,
            {**data, "classification": data.get("classification") or "defector", "weapons": []},
        )
    except ValidationFailed:
        return render(request, "matching/_duplicates.html", {"found": None})
    if not (candidate.name_my or candidate.name_latin):
        return render(request, "matching/_duplicates.html", {"found": None})
    found = service.possible_duplicates(
        session,
        actor,
        name_latin=candidate.name_latin,
        name_my=candidate.name_my,
        birth_year=candidate.birth_year,
    )
    return render(request, "matching/_duplicates.html", {"found": found})
