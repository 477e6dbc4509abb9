"""What the API says about a person's standing (the case's `standing` endpoint)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from haven.i18n import render
from haven.standing.rules import Path, Standing


class RefusedPath(BaseModel):
    path: str
    reason: str  # in the reader's language


class StandingOut(BaseModel):
    person_id: uuid.UUID
    state: str
    label: str  # in the reader's language
    reason: str  # in the reader's language
    child: bool
    vetting: str | None
    prisoner: str | None
    voluntariness_completed: bool
    may_serve: bool
    may_go_home: bool
    home_under_conditions: bool
    may_go_into_exile: bool
    custody_and_justice_referral: bool
    open_paths: list[str]
    refused: list[RefusedPath]
    excluded: bool
    support_held: bool
    may_receive_cash: bool

    @classmethod
    def of(cls, standing: Standing) -> StandingOut:
        return cls(
            person_id=standing.person_id,
            state=str(standing.state),
            label=render(standing.label),
            reason=render(standing.reason),
            child=standing.child,
            vetting=str(standing.vetting) if standing.vetting is not None else None,
            prisoner=str(standing.prisoner) if standing.prisoner is not None else None,
            voluntariness_completed=standing.voluntariness_completed,
            may_serve=standing.may_serve,
            may_go_home=standing.may_go_home,
            home_under_conditions=standing.home_under_conditions,
            may_go_into_exile=standing.may_go_into_exile,
            custody_and_justice_referral=standing.custody_and_justice_referral,
            open_paths=[str(p) for p in standing.open_paths],
            refused=[
                RefusedPath(path=str(p), reason=render(standing.refusals[p]))
                for p in Path
                if p in standing.refusals
            ],
            excluded=standing.excluded,
            support_held=standing.support_held,
            may_receive_cash=standing.may_receive_cash,
        )
