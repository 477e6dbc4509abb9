"""Build a database of N synthetic people for the scale benchmark, in bulk.

Organisation, sites, users, the allowance plan and a few agreements go through the services;
everything per person is bulk-inserted with SQLAlchemy Core (executemany), with the values
the services would have written:

- persons: names from the matching generator (Zipf syllables, brothers, Burmese script),
  `name_key`/`father_key` from `haven.kernel.keys` (as `people.service.set_names`); NRC and
  service number encrypted under a per-person data key wrapped with the keyring's
  `field_kek` (`haven.security.fields.seal`/`wrap_data_key`, the same associated data as
  `EncryptedField`), with their blind indexes (`haven.security.blind_index`) — so the
  people search finds people by name, NRC and service number;
- match profiles and keys from `haven.matching.service.profile_row`/`keys_of` (the
  duplicate check at the reception form finds them);
- one reception event each (defector, surrendered, captured, disengaged, child), a vetting
  case each (most decided and cleared), a pathways case for the cleared, a prisoner-of-war
  record for the surrendered and captured;
- allowances for the cleared adults: instalments of the demo plan (stipend and settlement)
  with their ledger legs (`haven.allowances.ledger.entitlement_rows`), and payment batches
  in every state holding some of them;
- a few hundred open duplicate reviews.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from bench.matching.generator import Rates, people, register
from haven.accounts import service as accounts
from haven.accounts import sessions
from haven.accounts.models import User
from haven.accounts.schemas import UserCreate
from haven.agreements import service as agreements
from haven.agreements.schemas import AgreementCreate
from haven.allowances.ledger import entitlement_rows
from haven.allowances.models import Instalment, LedgerEntry, PaymentBatch, PaymentItem
from haven.allowances.public import import_version, publish_version
from haven.config import Settings
from haven.db.session import keyring_of, transaction
from haven.db.types import new_id
from haven.demo.allowances import DEMO_PLAN, ensure_demo_receiving_force
from haven.forces import service as forces
from haven.forces.models import Rank
from haven.kernel import keys
from haven.kernel.sensitivity import bind_actor
from haven.matching import service as matching
from haven.matching.models import MatchKey, MatchProfile, MatchReview
from haven.pathways.models import Case
from haven.people.models import Person, PersonKey
from haven.pow.models import PowRecord
from haven.reception.models import ReceptionEvent
from haven.security.blind_index import blind_index
from haven.security.fields import associated_data, seal, wrap_data_key
from haven.security.permissions import Actor, Role
from haven.vetting.models import VettingCase

SYSTEM = Actor.system("bench")
SETTINGS = Settings(database_url="sqlite://", argon2_time_cost=1, argon2_memory_kib=1024)
PASSWORD = "bench passphrase long enough"  # noqa: S105 - synthetic bench users only
CHUNK = 5000

ROLES = (
    Role.REGISTRAR,
    Role.CASE_WORKER,
    Role.VETTING_OFFICER,
    Role.FINANCE_OFFICER,
    Role.POW_OFFICER,
    Role.NEGOTIATOR,
    Role.MANAGER,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
)


@dataclass
class Built:
    """What the measurement needs: logins per role and samples to look for."""

    logins: dict[str, tuple[str, str]] = field(default_factory=dict)  # role -> (cookie, csrf)
    person_ids: list[uuid.UUID] = field(default_factory=list)
    latin: list[str] = field(default_factory=list)
    burmese: list[str] = field(default_factory=list)
    nrc: list[str] = field(default_factory=list)
    service_numbers: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rows: int = 0

    def to_json(self) -> str:
        """The samples and figures (not the logins: `relogin` opens fresh ones)."""
        return json.dumps(
            {
                "person_ids": [str(i) for i in self.person_ids],
                "latin": self.latin,
                "burmese": self.burmese,
                "nrc": self.nrc,
                "service_numbers": self.service_numbers,
                "seconds": self.seconds,
                "rows": self.rows,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Built:
        data = json.loads(text)
        data["person_ids"] = [uuid.UUID(i) for i in data["person_ids"]]
        return cls(**data)


def relogin(factory: sessionmaker[Session], built: Built) -> None:
    """Fresh login sessions for the first user of each role (a kept database's old sessions
    have expired)."""
    with transaction(factory) as session:
        for role in ROLES:
            user = session.scalars(
                select(User).where(User.username == f"scale-{role.value}-0")
            ).one()
            token, login = sessions.start(session, user, SETTINGS, second_factor="totp")
            built.logins[role.value] = (token, login.csrf_token)


def _user(session: Session, org: uuid.UUID, site: uuid.UUID, role: Role, name: str) -> User:
    return accounts.create_user(
        session,
        SYSTEM,
        UserCreate(
            username=name,
            display_name=name,
            role=role,
            site_id=site if role is Role.REGISTRAR else None,
            password=PASSWORD,
            language="en",
        ),
        organisation_id=org,
        settings=SETTINGS,
    )


def _seal(key: bytes, value: str | None, table: str, column: str, owner: uuid.UUID) -> bytes | None:
    if value is None:
        return None
    return seal(key, value.encode(), associated_data(table, column, owner))


def _index(index_key: bytes, name: str, value: str | None) -> str | None:
    if not value:
        return None
    canonical = keys.canonical_nrc(value) if name == "nrc" else keys.canonical_service_number(value)
    return blind_index(index_key, name, canonical) if canonical else None


class _Writer:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: dict[Any, list[dict[str, Any]]] = {}
        self.order: list[Any] = []
        self.count = 0

    def add(self, model: Any, row: dict[str, Any]) -> None:
        if model not in self.rows:
            self.rows[model] = []
            self.order.append(model)
        self.rows[model].append(row)

    def flush(self) -> None:
        for model in self.order:  # parents first: the order models were first added in
            rows = self.rows[model]
            if rows:  # Core executemany on the table: column names, no ORM bulk logic
                self.session.connection().execute(insert(model.__table__), rows)
                self.count += len(rows)
                rows.clear()


@dataclass
class _Context:
    """What the bulk part needs of the setup."""

    org_id: uuid.UUID
    version_id: uuid.UUID
    army_id: uuid.UUID
    site_ids: list[uuid.UUID]
    rank_ids: list[uuid.UUID]
    users: dict[Role, list[uuid.UUID]]
    kek: bytes
    index_key: bytes
    now: datetime
    batches: list[dict[str, Any]] = field(default_factory=list)
    in_batches: int = 0


def _setup(factory: sessionmaker[Session], built: Built) -> _Context:
    """Organisation, sites, one user per role (logged in), the plan and a few agreements."""
    users: dict[Role, list[uuid.UUID]] = {}
    with transaction(factory) as session:
        bind_actor(session, SYSTEM)  # the build acts as the operator, who reads every field
        org = accounts.create_organisation(
            session, SYSTEM, name="Scale council", kind="interim_council"
        )
        sites = [
            accounts.create_site(
                session, SYSTEM, organisation_id=org.id, name=f"Scale site {n}", township="Demoso"
            )
            for n in range(4)
        ]
        negotiator: Actor | None = None
        for role in ROLES:
            made = [
                _user(session, org.id, sites[0].id, role, f"scale-{role.value}-{n}")
                for n in range(3 if role in (Role.CASE_WORKER, Role.FINANCE_OFFICER) else 1)
            ]
            users[role] = [u.id for u in made]
            if role is Role.NEGOTIATOR:
                negotiator = sessions.actor_for(made[0])
            token, login = sessions.start(session, made[0], SETTINGS, second_factor="totp")
            built.logins[role.value] = (token, login.csrf_token)
        admin = Actor.system("scale-admin")
        ensure_demo_receiving_force(session)
        version = import_version(session, admin, DEMO_PLAN, organisation_id=org.id)
        publish_version(session, admin, version)
        army = forces.ensure_reference_data(session)
        rank_ids = list(session.scalars(select(Rank.id).where(Rank.force_id == army.id)).all())
        for n in range(8):
            agreements.create(
                session,
                negotiator or SYSTEM,
                AgreementCreate.model_validate(
                    {"code_name": f"Scale {n}", "site_id": str(sites[n % 4].id)}
                ),
            )
        keyring = keyring_of(session)
        return _Context(
            org_id=org.id,
            version_id=version.id,
            army_id=army.id,
            site_ids=[s.id for s in sites],
            rank_ids=rank_ids,
            users=users,
            kek=keyring.field_kek,
            index_key=keyring.index_key,
            now=datetime.now(UTC),
        )


def _batches(ctx: _Context, count: int) -> None:
    """Payment batches in every state (their items are added with the instalments)."""
    finance = ctx.users[Role.FINANCE_OFFICER]
    for n in range(max(4, count // 5000)):
        status = ("draft", "submitted", "approved", "disbursed", "reconciled")[n % 5]
        approved = status in ("approved", "disbursed", "reconciled")
        ctx.batches.append(
            {
                "id": new_id(),
                "organisation_id": ctx.org_id,
                "number": n + 1,
                "title": f"Stipend round {n + 1}",
                "currency": "THB",
                "status": status,
                "created_by_id": finance[0],
                "submitted_at": ctx.now if status != "draft" else None,
                "submitted_by_id": finance[0] if status != "draft" else None,
                "approved_at": ctx.now if approved else None,
                "approved_by_id": finance[1] if approved else None,
                "created_at": ctx.now,
                "updated_at": ctx.now,
            }
        )


def _person(
    writer: _Writer, ctx: _Context, number: int, record: Any, created: datetime
) -> tuple[uuid.UUID, dict[str, Any]]:
    """The person (fields encrypted under their own data key, blind indexes, search keys),
    their data key, match profile and match keys; returns the id and the comparable row."""
    pid = new_id()
    data_key = os.urandom(32)
    nrc_index = _index(ctx.index_key, "nrc", record.nrc)
    service_index = _index(ctx.index_key, "service_number", record.service_number)
    writer.add(
        Person,
        {
            "id": pid,
            "organisation_id": ctx.org_id,
            "site_id": ctx.site_ids[number % 4],
            "name_my": record.name_my,
            "name_latin": record.name_latin,
            "name_key": keys.name_key(record.name_latin, record.name_my),
            "father_name": record.father_name,
            "father_key": keys.name_part(record.father_name) or None,
            "birth_year": record.birth_year,
            "birth_approximate": record.birth_date is None,
            "sex": "male",
            "aliases": [],
            "languages": [],
            "skills": [],
            "weapon_specialisations": [],
            "nrc": _seal(data_key, record.nrc, "persons", "nrc", pid),
            "nrc_index": nrc_index,
            "service_number": _seal(
                data_key, record.service_number, "persons", "service_number", pid
            ),
            "service_number_index": service_index,
            "created_at": created,
            "updated_at": created,
        },
    )
    writer.add(
        PersonKey,
        {
            "person_id": pid,
            "wrapped_key": wrap_data_key(ctx.kek, data_key, pid),
            "created_at": created,
        },
    )
    row = matching.profile_row(
        SimpleNamespace(  # type: ignore[arg-type] - the attributes profile_row reads
            name_my=record.name_my,
            name_latin=record.name_latin,
            father_name=record.father_name,
            birth_year=record.birth_year,
            birth_month=None,
            birth_day=None,
            nrc_index=nrc_index,
            service_number_index=service_index,
        ),
        record.unit,
    )
    writer.add(
        MatchProfile,
        {
            "person_id": pid,
            "organisation_id": ctx.org_id,
            "name1": row["name1"],
            "name2": row["name2"],
            "father": row["father"],
            "birth_year": row["birth_year"],
            "birth_date": row["birth_date"],
            "nrc_index": row["nrc"],
            "service_number_index": row["service_number"],
            "unit": row["unit"],
            "updated_at": created,
        },
    )
    for kind, value in matching.keys_of(row):
        writer.add(
            MatchKey,
            {"person_id": pid, "kind": kind, "value": value, "organisation_id": ctx.org_id},
        )
    return pid, row


def _classification(draw: float) -> str:
    for limit, name in ((0.82, "defector"), (0.87, "surrendered"), (0.90, "captured")):
        if draw < limit:
            return name
    return "disengaged" if draw < 0.97 else "child"


def _reception(
    writer: _Writer,
    ctx: _Context,
    pid: uuid.UUID,
    number: int,
    record: Any,
    created: datetime,
    rng: random.Random,
) -> tuple[str, bool]:
    """The reception event, the vetting case and, for prisoners, the POW record; returns
    the classification and whether the person was cleared."""
    classification = _classification(rng.random())
    child = classification == "child"
    event_id = new_id()
    site_id = ctx.site_ids[number % 4]
    writer.add(
        ReceptionEvent,
        {
            "id": event_id,
            "person_id": pid,
            "organisation_id": ctx.org_id,
            "site_id": site_id,
            "classification": classification,
            "received_on": (created - timedelta(days=rng.randrange(30))).date(),
            "recorded_by_id": ctx.users[Role.REGISTRAR][0],
            "origin_force_id": None if child else ctx.army_id,
            "origin_unit_text": None if child else record.unit,
            "rank_id": None if child else rng.choice(ctx.rank_ids),
            "legal_basis": "vital_interest" if child else "public_interest",
            "terms_signed": not child,
            "child_protection_due_at": created + timedelta(days=3) if child else None,
            "child_protection_handed_over_at": (
                created + timedelta(days=1) if child and rng.random() < 0.7 else None
            ),
            "created_at": created,
            "updated_at": created,
        },
    )
    draw = rng.random()
    cleared = draw < 0.7
    state = (
        "decided"
        if cleared or draw > 0.97
        else ("pending", "interview", "assessed", "proposed")[number % 4]
    )
    outcome = "cleared" if cleared else ("referred" if state == "decided" else None)
    writer.add(
        VettingCase,
        {
            "id": new_id(),
            "person_id": pid,
            "organisation_id": ctx.org_id,
            "state": state,
            "outcome": outcome,
            "state_changed_at": created,
            "last_screened_at": created,
            "decided_at": created if state == "decided" else None,
            "created_at": created,
            "updated_at": created,
        },
    )
    if classification in ("surrendered", "captured"):
        writer.add(
            PowRecord,
            {
                "id": new_id(),
                "person_id": pid,
                "organisation_id": ctx.org_id,
                "prisoner_number": f"POW-2026-{number:06x}",
                "site_id": site_id,
                "reception_id": event_id,
                "classification": classification,
                "status": "interned" if rng.random() < 0.9 else "released",
                "status_changed_at": created,
                "captured_on": created.date(),
                "surname": (record.name_latin or "").split(" ")[-1] or None,
                "first_names": record.name_latin,
                "birth_year": record.birth_year,
                "art17_refused": [],
                "art122_refused": [],
                "created_at": created,
                "updated_at": created,
            },
        )
    return classification, cleared


def _case(
    writer: _Writer, ctx: _Context, pid: uuid.UUID, created: datetime, rng: random.Random
) -> None:
    writer.add(
        Case,
        {
            "id": new_id(),
            "person_id": pid,
            "organisation_id": ctx.org_id,
            "assigned_to_id": (
                rng.choice(ctx.users[Role.CASE_WORKER]) if rng.random() < 0.9 else None
            ),
            "status": "open" if rng.random() < 0.8 else "closed",
            "status_changed_at": created,
            "created_at": created,
            "updated_at": created,
        },
    )


def _allowances(writer: _Writer, ctx: _Context, pid: uuid.UUID, created: datetime) -> None:
    """Instalments of the demo plan (three stipend months, the settlement grant) with the
    ledger legs an entitlement computation posts; the first stipend month of the first
    people goes into the batches, 500 a batch."""
    moves = []
    for code, amounts, currency in (
        ("stipend", (100000, 100000, 100000), "THB"),
        ("settlement", (800000,), "MMK"),
    ):
        for n, amount in enumerate(amounts, start=1):
            instalment = {
                "id": new_id(),
                "person_id": pid,
                "organisation_id": ctx.org_id,
                "plan_version_id": ctx.version_id,
                "component_code": code,
                "number": n,
                "part": 0,
                "due_on": (created + timedelta(days=30 * (n - 1))).date(),
                "amount_minor": amount,
                "currency": currency,
                "status": "owed",
                "overridden": False,
                "generation": 0,
                "detail": {},
                "created_at": created,
                "updated_at": created,
            }
            writer.add(Instalment, instalment)
            moves.append((SimpleNamespace(**instalment), amount))
            if code == "stipend" and n == 1 and ctx.in_batches < 500 * len(ctx.batches):
                writer.add(
                    PaymentItem,
                    {
                        "id": new_id(),
                        "batch_id": ctx.batches[ctx.in_batches // 500]["id"],
                        "instalment_id": instalment["id"],
                        "generation": 0,
                        "person_id": pid,
                        "organisation_id": ctx.org_id,
                        "amount_minor": amount,
                        "currency": currency,
                        "created_at": created,
                        "updated_at": created,
                    },
                )
                ctx.in_batches += 1
    for leg in entitlement_rows(moves, at=created):  # type: ignore[arg-type]
        writer.add(LedgerEntry, leg)


def _sample(built: Built, pid: uuid.UUID, record: Any) -> None:
    built.person_ids.append(pid)
    for values, value in (
        (built.latin, record.name_latin),
        (built.burmese, record.name_my),
        (built.nrc, record.nrc),
        (built.service_numbers, record.service_number),
    ):
        if value:
            values.append(value)


def _reviews(ctx: _Context, pairs: list[uuid.UUID], count: int) -> list[dict[str, Any]]:
    reviews = []
    for n in range(min(500, count // 20)):
        first, second = matching.ordered(pairs[2 * n], pairs[2 * n + 1])
        reviews.append(
            {
                "id": new_id(),
                "organisation_id": ctx.org_id,
                "person_a_id": first,
                "person_b_id": second,
                "weight": 12.0,
                "probability": 0.8,
                "reasons": [],
                "source": "reception",
                "state": "open",
                "created_at": ctx.now,
                "updated_at": ctx.now,
            }
        )
    return reviews


def build(factory: sessionmaker[Session], count: int, seed: int = 22) -> Built:
    """Fill the (migrated, empty) database with `count` people; return logins and samples.
    The registrar works at the first site: the samples are people registered there."""
    built = Built()
    ctx = _setup(factory, built)
    started = time.perf_counter()
    rng = random.Random(seed)
    gen_rng = random.Random(seed + 1)
    rates = Rates()
    _batches(ctx, count)
    ids: list[uuid.UUID] = []
    with transaction(factory) as session:
        if session.get_bind().dialect.name == "sqlite":  # a large page cache for the build
            session.connection().exec_driver_sql("PRAGMA cache_size = -400000")
        session.connection().execute(insert(PaymentBatch.__table__), ctx.batches)
        writer = _Writer(session)
        for number, truth in enumerate(people(count, seed)):
            record = register(truth, number, gen_rng, rates)
            created = ctx.now - timedelta(minutes=count - number)
            pid, _row = _person(writer, ctx, number, record, created)
            classification, cleared = _reception(writer, ctx, pid, number, record, created, rng)
            if cleared and classification not in ("surrendered", "captured"):
                _case(writer, ctx, pid, created, rng)
                if classification != "child":
                    _allowances(writer, ctx, pid, created)
            if len(ids) < 1000:
                ids.append(pid)
            if number % 4 == 0 and len(built.person_ids) < 400 and rng.random() < 1600 / count:
                _sample(built, pid, record)
            if (number + 1) % CHUNK == 0:
                writer.flush()
        writer.flush()
        reviews = _reviews(ctx, ids, count)
        if reviews:
            session.connection().execute(insert(MatchReview.__table__), reviews)
        built.rows = writer.count + len(reviews) + len(ctx.batches)
    built.seconds = time.perf_counter() - started
    return built
