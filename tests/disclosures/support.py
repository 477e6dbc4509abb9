"""Data-sharing agreements for tests: made directly in the table, in any state and validity,
so that tests of the outbound points (people export, POW, referrals) can give themselves one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy.orm import Session

from haven.disclosures.lifecycle import DisclosureKind, PersonalField, RecipientKind
from haven.disclosures.models import SharingAgreement
from haven.kernel.clock import local_today

EVERY_FIELD = tuple(PersonalField)


def agreement(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    recipient: str = "Partner Agency",
    recipient_kind: RecipientKind = RecipientKind.NGO,
    kinds: Iterable[DisclosureKind] = (DisclosureKind.EXPORT,),
    fields: Iterable[PersonalField] = EVERY_FIELD,
    status: str = "in_force",
    valid_from: date | None = None,
    valid_until: date | None = None,
    recipient_organisation_id: uuid.UUID | None = None,
) -> SharingAgreement:
    """An agreement (in force since a month ago, with no end, by default)."""
    found = SharingAgreement(
        organisation_id=organisation_id,
        recipient_name=recipient,
        recipient_kind=recipient_kind.value,
        recipient_organisation_id=recipient_organisation_id,
        purpose="Synthetic test agreement",
        legal_basis="consent",
        kinds=[k.value for k in kinds],
        fields=[f.value for f in fields],
        valid_from=valid_from or local_today() - timedelta(days=30),
        valid_until=valid_until,
        status=status,
    )
    db.add(found)
    db.flush()
    return found
