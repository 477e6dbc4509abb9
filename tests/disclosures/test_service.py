"""The disclosure log is complete (every kind of outbound point writes exactly one entry with
the right fields and count) and an export without a covering agreement in force is refused."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.disclosures.lifecycle import DisclosureKind, PersonalField, RecipientKind
from haven.disclosures.models import Disclosure, DisclosurePerson
from haven.disclosures.service import DisclosureRefused, require_agreement
from haven.kernel.clock import local_today
from haven.kernel.sensitivity import bind_actor
from haven.pathways import work
from haven.pathways.schemas import ReferralIn
from haven.people import export
from haven.pow import bureau, care
from haven.pow import service as pow_service
from haven.pow.schemas import CardSentIn, InspectionIn
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.disclosures.support import agreement
from tests.pathways.support import choose
from tests.pow.conftest import Setting, register

P = PersonalField


def _entries(db: Session, organisation_id: object) -> dict[str, Disclosure]:
    rows = db.scalars(select(Disclosure).where(Disclosure.organisation_id == organisation_id))
    found: dict[str, Disclosure] = {}
    for row in rows:
        assert row.source not in found, f"two entries for {row.source}"
        found[row.source] = row
    return found


def test_every_outbound_point_writes_exactly_one_entry(
    db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    partner = f.organisation(db)
    registrar = actor_for(f.registrar(db, organisation=org, site=site, settings=fast_settings))
    officer = actor_for(f.user(db, organisation=org, role=Role.POW_OFFICER, settings=fast_settings))
    worker = actor_for(f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings))
    setting = Setting(organisation=org, site=site, registrar=registrar, officer=officer)
    exports = agreement(db, organisation_id=org.id, recipient="UNHCR", fields=export.FIELDS)
    # The tracing agency's agreement covers notices (cards included), not the health report.
    tracing = agreement(
        db,
        organisation_id=org.id,
        recipient="ICRC delegation",
        recipient_kind=RecipientKind.TRACING_AGENCY,
        kinds=[DisclosureKind.NOTICE],
        fields=bureau.NOTICE_FIELDS | pow_service.CARD_FIELDS,
    )
    referrals = agreement(
        db,
        organisation_id=org.id,
        recipient="Clinic",
        kinds=[DisclosureKind.REFERRAL],
        recipient_organisation_id=partner.id,
    )

    record = register(db, setting, name="Disclose Zaw")
    other = f.receive(db, registrar, name_latin="Disclose Hla")
    assert isinstance(other, ReceptionEvent)

    # 1. The people export: the two persons the search finds.
    bind_actor(db, registrar)
    content = export.export_people(
        db, f.fresh(db, registrar, fast_settings), "disclose", kind="csv", agreement_id=exports.id
    )
    # 2-4. The notices, the weekly health report, a capture card sent (the Convention's).
    bind_actor(db, officer)
    care.record_inspection(
        db,
        officer,
        record.id,
        InspectionIn(seriously_ill=True, state_of_health="sick", examined_by="Dr Nu"),  # type: ignore[arg-type]
    )
    fresh_officer = f.fresh(db, officer, fast_settings)
    notices = bureau.export_notices(db, fresh_officer)
    health = bureau.export_health_report(db, fresh_officer)
    card = pow_service.cards(db, officer, record.id)[0]
    pow_service.mark_card_sent(db, officer, card.id, CardSentIn(sent_on=local_today()))
    # 5. A referral to a partner organisation.
    case_id = choose(db, other.person_id, "home").case_id
    bind_actor(db, worker)
    work.send_referral(
        db,
        worker,
        case_id,
        ReferralIn(to_organisation_id=partner.id, kind="medical", reason="Needs care"),  # type: ignore[arg-type]
    )

    entries = _entries(db, org.id)
    assert sorted(entries) == [
        "people_export", "pow_capture_card", "pow_health_report", "pow_notices", "referral",
    ]  # fmt: skip
    expected = {
        "people_export": ("export", exports.id, export.FIELDS, 2, "csv", None),
        "pow_notices": (
            "notice",
            tracing.id,
            bureau.NOTICE_FIELDS,
            1,
            "zip",
            "GC III Art. 122-123",
        ),
        "pow_health_report": ("report", None, bureau.HEALTH_FIELDS, 1, "zip", "GC III Art. 122"),
        "pow_capture_card": (
            "notice",
            tracing.id,
            pow_service.CARD_FIELDS,
            1,
            "card",
            "GC III Art. 70",
        ),
        "referral": ("referral", referrals.id, work.REFERRAL_FIELDS, 1, "record", None),
    }
    for source, (kind, agreement_id, fields, count, fmt, article) in expected.items():
        entry = entries[source]
        assert (entry.kind, entry.agreement_id, set(entry.fields)) == (
            kind,
            agreement_id,
            {x.value for x in fields},
        ), source
        assert (entry.people_count, entry.format, entry.legal_reference) == (count, fmt, article)
        people = db.scalars(
            select(DisclosurePerson.person_id).where(DisclosurePerson.disclosure_id == entry.id)
        ).all()
        assert len(people) == count, source
    assert entries["people_export"].sha256 == hashlib.sha256(content).hexdigest()
    assert entries["pow_notices"].sha256 == hashlib.sha256(notices.content).hexdigest()
    assert entries["pow_health_report"].sha256 == hashlib.sha256(health.content).hexdigest()
    # Without an agreement covering it, the health report names the agency and its article.
    assert entries["pow_health_report"].recipient_name == "ICRC Central Tracing Agency"
    assert entries["pow_health_report"].legal_basis == "legal_obligation"
    assert entries["referral"].recipient_name == "Clinic"
    # Each entry has its audit event, in the same transaction, with no name in it.
    events = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "disclosure.recorded", AuditEvent.organisation_id == org.id
        )
    ).all()
    assert sorted(str(e.subject_id) for e in events) == sorted(str(e.id) for e in entries.values())
    assert "Disclose" not in str([e.changes for e in events])
    # The log is append-only: the database itself refuses a change or a removal.
    for statement in (update(Disclosure).values(people_count=0), delete(DisclosurePerson)):
        with pytest.raises(DBAPIError), db.begin_nested():
            db.execute(statement)


@pytest.mark.parametrize(
    ("make", "kind", "fields", "reason"),
    [
        (None, DisclosureKind.EXPORT, export.FIELDS, "none"),
        (
            {"valid_until": local_today() - timedelta(days=1)},
            DisclosureKind.EXPORT,
            export.FIELDS,
            "expired",
        ),
        (
            {"valid_from": local_today() + timedelta(days=1)},
            DisclosureKind.EXPORT,
            export.FIELDS,
            "not_yet_valid",
        ),
        ({"status": "suspended"}, DisclosureKind.EXPORT, export.FIELDS, "suspended"),
        ({"status": "draft"}, DisclosureKind.EXPORT, export.FIELDS, "draft"),
        ({"status": "ended"}, DisclosureKind.EXPORT, export.FIELDS, "ended"),
        ({"fields": [P.NAMES]}, DisclosureKind.EXPORT, export.FIELDS, "fields_not_covered"),
        (
            {"kinds": [DisclosureKind.NOTICE]},
            DisclosureKind.EXPORT,
            export.FIELDS,
            "kind_not_covered",
        ),
        ({"kinds": [DisclosureKind.EXPORT]}, DisclosureKind.REPORT, [P.HEALTH], "kind_not_covered"),
        ({"other_organisation": True}, DisclosureKind.EXPORT, export.FIELDS, "unknown"),
    ],
)
def test_refusals(
    db: Session,
    make: dict[str, object] | None,
    kind: DisclosureKind,
    fields: list[PersonalField],
    reason: str,
) -> None:
    """Pure checks on agreements rows: no agreement, expired, not yet valid, suspended, draft,
    ended, a field or the kind not covered, another organisation's. The field-level message
    is on `agreement_id`."""
    org = f.organisation(db)
    actor = Actor(
        user_id=None, label="t", organisation_id=org.id, site_id=None, role=Role.MANAGER,
        permissions=frozenset(),
    )  # fmt: skip
    agreement_id = None
    if make is not None:
        options = dict(make)
        owner = f.organisation(db).id if options.pop("other_organisation", False) else org.id
        agreement_id = agreement(db, organisation_id=owner, **options).id  # type: ignore[arg-type]
    with pytest.raises(DisclosureRefused) as refused:
        require_agreement(db, actor, agreement_id, kind=kind, source="people_export", fields=fields)
    assert refused.value.reason == reason
    assert set(refused.value.fields) == {"agreement_id"}
    assert str(refused.value.fields["agreement_id"])  # a message that renders
    # And one that covers it is accepted.
    covering = agreement(db, organisation_id=org.id, kinds=[kind], fields=fields)
    assert (
        require_agreement(db, actor, covering.id, kind=kind, source="x", fields=fields) is covering
    )
