"""The demo registry: prisoners registered, some left to register, safe to run twice."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.accounts import sessions
from haven.config import Settings
from haven.demo.accounts import seed_accounts
from haven.demo.people import seed_people
from haven.demo.pow import seed_pow
from haven.kernel.sensitivity import bind_actor
from haven.pow import board, service
from haven.pow.models import PowRecord
from haven.security.permissions import Actor


def test_demo_registry(db: Session, fast_settings: Settings) -> None:
    # The demo is seeded by the operator (`haven demo`), who reads every field.
    bind_actor(db, Actor.system("demo"))
    demo = seed_accounts(db, fast_settings)
    seed_people(
        db, organisations_sites=list(zip(demo.organisations, demo.sites, strict=True)), count=24
    )
    registered = seed_pow(db)
    assert registered > 0
    assert db.scalar(select(func.count(PowRecord.id))) == registered
    officer = sessions.actor_for(accounts.user_by_username(db, "pow"))  # type: ignore[arg-type]
    bind_actor(db, officer)
    assert service.waiting(db, officer)[1]  # someone is left for the registration page
    shown = board.board(db, officer)
    assert shown.places
    assert shown.notices_pending
    bind_actor(db, Actor.system("demo"))
    assert seed_pow(db) == 0
