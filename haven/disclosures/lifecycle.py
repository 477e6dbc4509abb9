"""The vocabulary of data sharing (recipients, legal bases, kinds of disclosure, the catalogue
of personal fields) and the lifecycle of a data-sharing agreement.

An agreement is drafted, comes into force, may be suspended and resumed, and ends; an ended
agreement never comes back (a new one is drafted). Only an agreement in force, on a day
between its validity dates, lets personal data leave Haven (docs/disclosures.md).
"""

from __future__ import annotations

from haven.audit.actions import AuditAction
from haven.i18n import N_
from haven.kernel.labels import Labelled, labels
from haven.kernel.lifecycle import Lifecycle


class RecipientKind(Labelled):
    TRACING_AGENCY = "tracing_agency", N_("Tracing agency")
    UN_AGENCY = "un_agency", N_("UN agency")
    NGO = "ngo", N_("Non-governmental organisation")
    SERVICE_PROVIDER = "service_provider", N_("Service provider")
    FUNDER = "funder", N_("Funder")
    AUTHORITY = "authority", N_("Authority")


class LegalBasis(Labelled):
    CONSENT = "consent", N_("Consent of the person")
    VITAL_INTEREST = "vital_interest", N_("Vital interest of the person")
    LEGAL_OBLIGATION = "legal_obligation", N_("Legal obligation")
    PUBLIC_INTEREST = "public_interest", N_("Public interest")
    LEGITIMATE_INTEREST = "legitimate_interest", N_("Legitimate interest")


class DisclosureKind(Labelled):
    EXPORT = "export", N_("Export")
    NOTICE = "notice", N_("Notice")
    REFERRAL = "referral", N_("Referral")
    REPORT = "report", N_("Report")


class PersonalField(Labelled):
    """The catalogue of Haven's personal fields an agreement may allow and a disclosure names.

    One enum for every outbound point: a disclosure is covered when its fields are a subset of
    the agreement's."""

    NAMES = "names", N_("Names")
    FATHER_NAME = "father_name", N_("Father's name")
    MOTHER_NAME = "mother_name", N_("Mother's name")
    DATE_OF_BIRTH = "date_of_birth", N_("Date of birth")
    PLACE_OF_BIRTH = "place_of_birth", N_("Place of birth")
    SEX = "sex", N_("Sex")
    NRC = "nrc", N_("NRC number")
    SERVICE_NUMBER = "service_number", N_("Service number")
    RANK_AND_FORCE = "rank_and_force", N_("Rank and force")
    PHOTO = "photo", N_("Photo")
    FAMILY_WHEREABOUTS = "family_whereabouts", N_("Family and their whereabouts")
    PLACE_HELD = "place_held", N_("Place of internment or stay")
    CUSTODY_EVENTS = "custody_events", N_("Capture, transfer, release, escape or death")
    HEALTH = "health", N_("Health")
    NEEDS = "needs", N_("Needs and reason for referral")


class AgreementStatus(Labelled):
    DRAFT = "draft", N_("Draft")
    IN_FORCE = "in_force", N_("In force")
    SUSPENDED = "suspended", N_("Suspended")
    ENDED = "ended", N_("Ended")


AGREEMENT = Lifecycle(
    states=AgreementStatus,
    transitions={
        AgreementStatus.DRAFT: frozenset({AgreementStatus.IN_FORCE, AgreementStatus.ENDED}),
        AgreementStatus.IN_FORCE: frozenset({AgreementStatus.SUSPENDED, AgreementStatus.ENDED}),
        AgreementStatus.SUSPENDED: frozenset({AgreementStatus.IN_FORCE, AgreementStatus.ENDED}),
        AgreementStatus.ENDED: frozenset(),
    },
    subject_type="sharing_agreement",
    action=AuditAction.SHARING_AGREEMENT_MOVED,
    what=N_("This agreement"),
    terminal=frozenset({AgreementStatus.ENDED}),
)


# The value → label map the templates read (no value is shared by two of these enums).
DISCLOSURE_LABELS: dict[str, str] = {
    **labels(RecipientKind),
    **labels(LegalBasis),
    **labels(DisclosureKind),
    **labels(PersonalField),
    **labels(AgreementStatus),
}
