"""Plain keyword-only factories for test data. Synthetic values only."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts import mfa, service, tokens
from haven.accounts import repository as accounts_repository
from haven.accounts import sessions as login_sessions
from haven.accounts.models import Organisation, Site, User
from haven.accounts.schemas import UserCreate
from haven.config import Settings
from haven.db.session import transaction
from haven.db.types import utcnow
from haven.reception import service as reception
from haven.reception.schemas import ReceptionCreate
from haven.security import totp
from haven.security.permissions import Actor, Role

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def organisation(
    session: Session, *, name: str | None = None, kind: str = "interim_council"
) -> Organisation:
    return service.create_organisation(
        session, Actor.system(), name=name or f"Organisation {next(_counter)}", kind=kind
    )


def site(session: Session, *, organisation: Organisation, name: str | None = None) -> Site:
    return service.create_site(
        session,
        Actor.system(),
        organisation_id=organisation.id,
        name=name or f"Site {next(_counter)}",
        township="Demoso",
    )


def user(
    session: Session,
    *,
    organisation: Organisation,
    role: Role = Role.ADMINISTRATOR,
    site: Site | None = None,
    username: str | None = None,
    password: str = PASSWORD,
    settings: Settings | None = None,
    language: str = "en",
) -> User:
    return service.create_user(
        session,
        Actor.system(),
        UserCreate(
            username=username or f"user{next(_counter)}",
            display_name="Test User",
            role=role,
            site_id=site.id if site else None,
            password=password,
            language=language,
        ),
        organisation_id=organisation.id,
        settings=settings,
    )


def api_token(session: Session, *, user: User) -> str:
    plaintext, _ = tokens.issue(session, Actor.system(), user=user, name="test")
    return plaintext


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_from(client: TestClient, path: str = "/login") -> str:
    """GET a page and read the CSRF token the page's forms carry."""
    page = client.get(path)
    marker = 'name="csrf_token" value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]


def login(
    client: TestClient, *, username: str, password: str = PASSWORD, totp_secret: str | None = None
) -> None:
    """Log in through the real pages, answering the second step (enrolling TOTP if needed)."""
    token = csrf_from(client)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    step = response.headers["location"]
    if step == "/login/enrol":  # a privileged role without a second factor: enrol one now
        code = enrolment_code(client, username)
        given = client.post(step, data={"enrolment_code": code, "csrf_token": token})
        assert given.status_code == 200, given.text  # followed back to the enrolment page
        page = client.get(step).text
        marker = 'id="totp-secret" class="token-value">'
        start = page.index(marker) + len(marker)
        totp_secret = page[start : page.index("<", start)].replace(" ", "")
    if step in ("/login/enrol", "/login/verify"):
        assert totp_secret, f"{username} has a second factor: pass totp_secret"
        code = totp.code_for_step(totp_secret, totp.step_at(utcnow()))
        response = client.post(
            step, data={"code": code, "csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303, response.text


def fresh(session: Session, actor: Actor, settings: Settings | None = None) -> Actor:
    """`actor` as the user of a page whose login has just been confirmed (password and second
    factor): what actions needing fresh authentication, such as approving an agreement, ask."""
    user = session.get(User, actor.user_id)
    assert user is not None
    chosen = settings or Settings(database_url="sqlite://")
    token, _login = login_sessions.start(session, user, chosen, second_factor="totp")
    return login_sessions.resolve(session, token, chosen).actor


def enrolment_code(client: TestClient, username: str) -> str:
    """An administrator's one-time enrolment code for `username`, issued (as the operator) in
    the app's own database session, as `haven user enrolment-code` does."""
    with transaction(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        user = accounts_repository.user_by_username(session, username)
        assert user is not None
        return mfa.issue_enrolment_code(session, Actor.system(), user)


def registrar(
    session: Session,
    *,
    organisation: Organisation,
    site: Site,
    settings: Settings | None = None,
    username: str | None = None,
) -> User:
    return user(
        session,
        organisation=organisation,
        role=Role.REGISTRAR,
        site=site,
        settings=settings,
        username=username,
    )


def receive(session: Session, actor: Actor, **fields: object) -> object:
    """Receive a person through the service (defaults: a defector with a Latin name)."""
    data = {"name_latin": "Aung Kyaw", "classification": "defector", **fields}
    return reception.receive(session, actor, ReceptionCreate.model_validate(data))
