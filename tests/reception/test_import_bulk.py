"""An import writes a chunk on the set (`reception.receive_many`, `publish_many`): the same
records and the same audit events as receiving the rows one by one, in a few statements."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.audit.verify import verify
from haven.config import Settings
from haven.db.keyring import Keyring
from haven.kernel.sensitivity import bind_actor
from haven.matching.models import MatchKey, MatchProfile, MatchReview
from haven.pathways.models import Case
from haven.people.models import Person
from haven.reception import importing
from haven.vetting.models import VettingCase
from tests import factories as f
from tests.queries import counting
from tests.reception.test_import import (
    DAY,
    HEADER,
    Setting,
    csv_bytes,
    person_row,
    read,
)


@pytest.fixture
def setting(db: Session, fast_settings: Settings) -> Setting:
    org = f.organisation(db)
    site = f.site(db, organisation=org, name="Demoso reception point")
    registrar = actor_for(f.registrar(db, organisation=org, site=site, settings=fast_settings))
    bind_actor(db, registrar)
    return Setting(org, site, registrar)


# Two rows of the same man (same NRC, spelling variants), one child, one other adult.
ROWS = [
    person_row(1, name_latin="Ko Aung Kyaw Oo", nrc="12/OUKAMA(N)123456", birth_year="1990"),
    person_row(2, name_latin="Aung Kyaw Oo", nrc="12/OUKAMA(N)123456", birth_year="1990"),
    person_row(
        3,
        name_latin="Maung Thu",
        classification="child",
        birth_year=str(int(DAY[:4]) - 15),
        origin_unit="",
        rank="",
        position="",
        service_months="",
    ),
    person_row(4, name_latin="Zaw Min Htet", weapon_kind="rifle", weapon_serial_number="MA-7"),
]


def _actions(db: Session, after: int) -> Counter[str]:
    return Counter(db.scalars(select(AuditEvent.action).where(AuditEvent.seq > after)))


def test_a_chunk_is_written_as_each_row_would_be(
    db: Session, setting: Setting, keyring: Keyring
) -> None:
    rows = read(csv_bytes([HEADER, *ROWS]))
    start = db.scalar(select(func.max(AuditEvent.seq))) or 0
    report = importing.import_rows(db, setting.registrar, rows)
    assert report.errors == []
    assert report.imported == 4
    people = {p.id: p for p in db.scalars(select(Person).where(Person.id.in_(report.person_ids)))}
    assert people[report.person_ids[0]].nrc == "12/OUKAMA(N)123456"  # the profile, written
    actions = _actions(db, start)
    # Each person's reception, their profile and their weapon, audited one by one as before;
    # each adult screened once (no second screening for the profile: it came with them).
    assert actions["person.received"] == 4
    assert actions["person.updated"] == 2
    assert actions["weapon.received"] == 1
    assert actions["vetting.case_opened"] == 3
    assert actions["vetting.screened"] == 0
    assert actions["people.imported"] == 1
    ids = report.person_ids
    assert set(db.scalars(select(VettingCase.person_id).where(VettingCase.person_id.in_(ids)))) == {
        ids[0],
        ids[1],
        ids[3],
    }
    assert list(db.scalars(select(Case.person_id).where(Case.person_id.in_(ids)))) == [ids[2]]
    assert (
        db.scalar(
            select(func.count()).select_from(MatchProfile).where(MatchProfile.person_id.in_(ids))
        )
        == 4
    )
    assert db.scalar(select(func.count()).select_from(MatchKey).where(MatchKey.person_id.in_(ids)))
    # The two rows of the same man, in the same chunk, are queued for review once.
    (review,) = db.scalars(select(MatchReview).where(MatchReview.person_a_id.in_(ids))).all()
    assert {review.person_a_id, review.person_b_id} == {ids[0], ids[1]}
    assert actions["match.review_opened"] == 1
    assert verify(db, public_key=keyring.audit_signing_key.public_key()).ok


def test_the_statements_of_a_chunk_do_not_grow_with_its_rows(db: Session, setting: Setting) -> None:
    def statements(count: int, first: int) -> int:
        rows = read(
            csv_bytes([HEADER, *(person_row(first + n, father_name="U Ba") for n in range(count))])
        )
        with counting(db.get_bind()) as seen:  # type: ignore[arg-type]
            report = importing.import_rows(db, setting.registrar, rows)
        assert report.errors == []
        return seen.count

    statements(5, 1000)  # warm: the unit, the reference data
    few = statements(10, 2000)
    many = statements(40, 3000)
    # Row by row, each row cost about 65 statements; on the set, 30 more rows cost fewer
    # than 30 (checkpoints fall due, long IN lists are split).
    assert many - few < 30, (few, many)


def test_a_dry_run_reports_what_the_import_would_and_writes_nothing(
    db: Session, setting: Setting
) -> None:
    rows = read(
        csv_bytes(
            [
                HEADER,
                person_row(1),
                person_row(2, rank="Field Marshal of Nowhere"),
                person_row(3, birth_year=str(int(DAY[:4]) - 12)),
            ]
        )
    )
    before = db.scalar(select(func.count()).select_from(Person))
    checked = importing.dry_run(db, setting.registrar, rows)
    written = importing.import_rows(db, setting.registrar, rows)
    assert [(e.row, e.field) for e in checked.errors] == [(3, "rank"), (4, "classification")]
    assert [(e.row, e.field, e.message) for e in checked.errors] == [
        (e.row, e.field, e.message) for e in written.errors
    ]
    assert written.imported == 0
    assert db.scalar(select(func.count()).select_from(Person)) == before
    assert written.person_ids == []
