"""HTML pages of the matching domain: the review queue (candidate groups waiting for a
decision; pairs of any state for their history), a group's decision page, one pair's page
(history, its own vote, undoing a merge), and the reception form's possible-duplicates
panel."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from haven.errors import Conflict, HavenError, ValidationFailed
from haven.i18n import N_
from haven.kernel.labels import labels
from haven.matching import review_groups, service
from haven.matching.lifecycle import Decision, ReviewState
from haven.matching.review_groups import CHANGED, GROUP_STATE_LABELS
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
    "group_voted": N_("Your decision is recorded. A second reviewer must confirm it."),
    "group_decided": N_("Two reviewers agreed. The group is decided."),
    "group_partly": N_(
        "Your decision is recorded: the pairs a first reviewer had decided are settled; the "
        "others wait for a second reviewer."
    ),
    "group_disputed": N_("The two reviewers disagreed on some pairs. They are back in the queue."),
}


@router.get("/matching/review", response_class=HTMLResponse)
def queue(request: Request, session: DB, actor: HtmlActor, notice: str = "") -> Response:
    """The candidate groups waiting for a decision (by default), or the pairs of one state
    or of every state (their history), most probable first (or waiting longest, or newest),
    a page at a time with counts."""
    query = ListQuery.from_request(request, sorts=service.REVIEW_SORTS, default="likely")
    state = query.get("state")
    if state in STATE_LABELS:
        states: frozenset[str] = frozenset({state})
    elif state == "all":
        states = frozenset(STATE_LABELS)
    else:
        groups = Listing.load(
            query,
            lambda limit, offset: review_groups.group_page(
                session, actor, sort=query.sort, limit=limit, offset=offset
            ),
        )
        members = [m for group in groups.items for m in group.members]
        return render(
            request,
            "matching/queue.html",
            {
                "listing": groups,
                "groups": groups.items,
                "people": review_groups.people_by_id(session, members),
                "states": STATE_LABELS,
                "group_states": GROUP_STATE_LABELS,
                "state": "",
                "notice": NOTICES.get(notice),
            },
        )
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
            "notice": NOTICES.get(notice),
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


def _group_detail(
    request: Request,
    session: Session,
    actor: Actor,
    review_id: uuid.UUID,
    *,
    error: HavenError | None = None,
    notice: str | None = None,
    chosen: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    group = review_groups.group_of(session, actor, review_id)
    context: dict[str, Any] = {
        "review_id": review_id,
        "group": group,
        "group_states": GROUP_STATE_LABELS,
        "states": STATE_LABELS,
        "decisions": DECISION_LABELS,
        "error": error,
        "notice": NOTICES.get(notice or ""),
        "chosen": chosen or {},
    }
    if group is not None:
        context["reviews"] = review_groups.reviews_of(session, group)
        context["people"] = review_groups.people_of(session, group)
        context["number"] = {member: i + 1 for i, member in enumerate(group.members)}
    return render(request, "matching/group.html", context, status_code=status_code)


@router.get("/matching/groups/{review_id}", response_class=HTMLResponse)
def group_page(
    request: Request, review_id: uuid.UUID, session: DB, actor: HtmlActor, notice: str = ""
) -> Response:
    """A candidate group (any of its reviews names it): its records side by side, its
    pairs and why they were found, and one decision for all of them."""
    return _group_detail(request, session, actor, review_id, notice=notice)


def _ids(values: list[str]) -> list[uuid.UUID] | None:
    try:
        return [uuid.UUID(value) for value in values]
    except ValueError:
        return None


@router.post("/matching/groups/{review_id}", response_class=HTMLResponse)
def decide_group(
    request: Request, review_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    """The group's decision: "Same person" (everyone one person) or "Split as shown" (the
    person chosen for each record). The form carries the group as shown: a group changed
    meanwhile answers 409 and nothing is written."""
    members = _ids([str(v) for v in form.getlist("member")])
    reviews = _ids([str(v) for v in form.getlist("review")])
    chosen = {key: str(value) for key, value in form.items() if key.startswith("part-")}

    def again(error: HavenError, status: int) -> Response:
        return _group_detail(
            request, session, actor, review_id, error=error, chosen=chosen, status_code=status
        )

    if members is None or reviews is None or not members:
        return again(Conflict(CHANGED), 409)
    action = str(form.get("action", ""))
    if action not in ("same", "split"):
        message = N_("Choose “Same person” or “Split as shown”.")
        return again(ValidationFailed(message, fields={"action": message}), 422)
    partition: list[list[uuid.UUID]]
    if action == "same":
        partition = [members]
    else:
        parts: dict[int, list[uuid.UUID]] = {}
        errors: dict[str, str] = {}
        for member in members:
            value = chosen.get(f"part-{member}", "")
            number = int(value) if value.isdigit() else 0
            if not 1 <= number <= len(members):
                errors[f"part-{member}"] = N_("Choose which person this record is.")
                continue
            parts.setdefault(number, []).append(member)
        if errors:
            return again(ValidationFailed(fields=errors), 422)
        partition = [parts[number] for number in sorted(parts)]
    try:
        outcome = review_groups.decide_group(
            session,
            actor,
            review_id,
            members=members,
            reviews=reviews,
            partition=partition,
            version=str(form.get("version", "")) or None,
        )
    except ValidationFailed as error:
        return again(error, 422)
    except Conflict as error:
        return again(error, 409)
    return RedirectResponse(
        f"/matching/groups/{review_id}?notice={outcome.notice}", status_code=303
    )


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
