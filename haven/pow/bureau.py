"""The Information Bureau (Art. 122): capture cards, notices and the weekly health report,
sent out as signed files for the ICRC Central Tracing Agency.

What leaves Haven is exactly the Art. 122 items that are recorded (a refusal is written as
"refused", an item not available stays empty) and the notice itself (kind, date, place).
Nothing else: no vetting data, no case notes, no NRC, no family whereabouts, no medical
findings. Each export is a zip of CSV + PDF + `manifest.json` (file hashes) and
`manifest.sig`, an Ed25519 signature over the manifest made with the installation's signing
key (the key that signs audit checkpoints, under its own purpose label); `verify_export`
checks one, as does `openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin -in
manifest.json -sigfile manifest.sig` followed by `sha256sum` of the files.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.audit.checkpoints import key_id
from haven.db.session import keyring_of
from haven.db.types import new_id, utcnow
from haven.disclosures.public import DisclosureKind, PersonalField, record_convention_disclosure
from haven.errors import Conflict
from haven.exports import to_csv
from haven.forces.public import rank_by_id
from haven.i18n import N_
from haven.kernel import custody
from haven.kernel.custody import CustodyAct
from haven.people.public import person_by_id
from haven.pow import repository
from haven.pow.deadlines import local_today
from haven.pow.documents import (
    REFUSED,
    Line,
    birth_text,
    render_card,
    render_certificate,
    render_table,
)
from haven.pow.ending import death_certificate
from haven.pow.models import (
    CaptureCard,
    MedicalInspection,
    PowDeath,
    PowNotice,
    PowPlace,
    PowRecord,
)
from haven.pow.schemas import Art122Item, CardOccasion, NoticeKind, PlaceKind, StateOfHealth
from haven.pow.service import get_card, get_record
from haven.programme.public import LegalFramework, framework_of
from haven.security.fresh import require_fresh
from haven.security.permissions import Actor, Permission, require

PURPOSE = "haven-pow-bureau-export"
# The Art. 122 items, in the order of the article, as columns of every export.
ART122_COLUMNS: tuple[str, ...] = (
    "surname",
    "first_names",
    "rank",
    "service_number",
    "date_of_birth",
    "place_of_birth",
    "power_depended_on",
    "father_first_name",
    "mother_maiden_name",
    "person_to_inform",
    "address",
)
# A private message to the family (the person's tracing choice, docs/pow.md) names the person
# and whom to tell, nothing military: no rank, service number, power or birth details.
FAMILY_COLUMNS = frozenset(
    {
        "surname",
        "first_names",
        "father_first_name",
        "mother_maiden_name",
        "person_to_inform",
        "address",
    }
)
FAMILY_ONLY = (
    "For the family only, at the person's own request: not to be passed to any party to the "
    "conflict / ထိုသူ ကိုယ်တိုင် တောင်းဆိုချက်အရ မိသားစုထံသာ (ပဋိပက္ခတွင် ပါဝင်သည့် မည်သည့်ဘက်ထံမျှ မပေးပို့ရ)"
)
NOTICE_COLUMNS: tuple[str, ...] = ("notice_id", "notice", "date", "detail", *ART122_COLUMNS)
# What each file carries, in the disclosure log's catalogue (haven.disclosures).
ART122_FIELDS = frozenset(
    {
        PersonalField.NAMES,
        PersonalField.RANK_AND_FORCE,
        PersonalField.SERVICE_NUMBER,
        PersonalField.DATE_OF_BIRTH,
        PersonalField.PLACE_OF_BIRTH,
        PersonalField.FATHER_NAME,
        PersonalField.MOTHER_NAME,
        PersonalField.FAMILY_WHEREABOUTS,
    }
)
NOTICE_FIELDS = ART122_FIELDS | {PersonalField.CUSTODY_EVENTS}
HEALTH_FIELDS = frozenset(
    {
        PersonalField.NAMES,
        PersonalField.RANK_AND_FORCE,
        PersonalField.SERVICE_NUMBER,
        PersonalField.DATE_OF_BIRTH,
        PersonalField.PLACE_HELD,
        PersonalField.HEALTH,
    }
)
HEALTH_COLUMNS: tuple[str, ...] = (
    *ART122_COLUMNS[:5],
    "place_of_internment",
    "last_inspection",
    "in_hospital",
)


def art122_items(record: PowRecord) -> dict[str, str | None]:
    """Every Art. 122 item of a record: its value, "refused", or None when not available."""
    refused17 = set(record.art17_refused or [])
    refused122 = set(record.art122_refused or [])
    details = record.bureau_details
    values: dict[str, str | None] = {
        "surname": record.surname,
        "first_names": record.first_names,
        "rank": record.rank,
        "service_number": record.service_number,
        "date_of_birth": birth_text(record.birth_year, record.birth_month, record.birth_day),
    }
    for name in list(values):
        if name in refused17:
            values[name] = REFUSED
    for item in Art122Item:
        values[str(item)] = REFUSED if str(item) in refused122 else details.get(str(item))
    return {name: values.get(name) for name in ART122_COLUMNS}


# --- the capture card -----------------------------------------------------------------------


# The model card's choices (GC III Annex IV B, item 11) and what the card says when nobody
# examined the person: never a state of health that no one found.
HEALTH_ON_CARD: dict[str, str] = {
    StateOfHealth.HEALTHY: "Healthy / ကျန်းမာသည်",
    StateOfHealth.NOT_WOUNDED: "Not wounded / ဒဏ်ရာမရှိ",
    StateOfHealth.RECOVERED: "Recovered / ပြန်လည်ကျန်းမာလာပြီ",
    StateOfHealth.CONVALESCENT: "Convalescent / နာလန်ထစ",
    StateOfHealth.SICK: "Sick / ဖျားနာနေသည်",
    StateOfHealth.SLIGHTLY_WOUNDED: "Slightly wounded / ဒဏ်ရာ အနည်းငယ်ရ",
    StateOfHealth.SERIOUSLY_WOUNDED: "Seriously wounded / ဒဏ်ရာ ပြင်းထန်စွာရ",
}
NOT_EXAMINED = "Not examined / ဆေးမစစ်ရသေး"
NOT_RECORDED = "Not recorded at the examination / ဆေးစစ်ချိန်တွင် မှတ်တမ်းမတင်ခဲ့"
OCCASION_ON_CARD: dict[str, str] = {
    CardOccasion.CAPTURE: "capture / ဖမ်းဆီးခြင်း",
    CardOccasion.TRANSFER: "transfer / ပြောင်းရွှေ့ခြင်း",
    CardOccasion.HOSPITAL: "hospital admission / ဆေးရုံတက်ခြင်း",
    CardOccasion.ILLNESS: "serious illness / ပြင်းထန်သော ဖျားနာမှု",
}
PLACE_ON_CARD: dict[str, str] = {
    PlaceKind.CAMP: "camp / စခန်း",
    PlaceKind.TRANSIT_CAMP: "transit camp / ကြားခံ စခန်း",
    PlaceKind.HOSPITAL: "hospital / ဆေးရုံ",
}


def _place_text(place: PowPlace | None) -> str | None:
    if place is None:
        return None
    kind = PLACE_ON_CARD.get(place.kind)
    return f"{place.name} ({kind})" if kind else place.name


def _rank_text(session: Session, record: PowRecord, given: str | None) -> str | None:
    """The rank in both languages: the forces' table's English and Burmese names when the
    record links a rank, otherwise the text as recorded (or "refused")."""
    if given is None or given == REFUSED or record.rank_id is None:
        return given
    rank = rank_by_id(session, record.rank_id)
    if rank is None:
        return given
    return f"{rank.name_en} / {rank.name_my}" if rank.name_my else rank.name_en


def _examiner_text(inspection: MedicalInspection) -> str:
    return " · ".join(filter(None, [inspection.examined_by, inspection.inspected_on.isoformat()]))


def _health_text(session: Session, record: PowRecord, card: CaptureCard) -> tuple[str, str | None]:
    """The state of health as last found by whoever examined the person, up to the day the
    card was sent (today, while unsent), and who examined them on which day."""
    until = card.sent_on or local_today()
    inspections = repository.inspections_of(session, record.id)
    examined = [i for i in inspections if i.inspected_on <= until]
    if not examined:
        return NOT_EXAMINED, None
    found = next((i for i in examined if i.state_of_health), None)
    if found is None:
        return NOT_RECORDED, _examiner_text(examined[0])
    return HEALTH_ON_CARD.get(found.state_of_health or "", NOT_RECORDED), _examiner_text(found)


def card_lines(session: Session, record: PowRecord, card: CaptureCard) -> list[Line]:
    """The card's items in the order of the Convention's model (GC III Annex IV B): the names
    in both scripts as recorded, the rank in both languages, "taken prisoner on" and "coming
    from", the state of health found by whoever examined the person, the present address
    with the prisoner number; the date and signature lines follow, blank."""
    items = art122_items(record)
    places = repository.places_by_id(session, [card.place_id, card.coming_from_id])
    person = person_by_id(session, record.person_id)
    names_refused = "first_names" in (record.art17_refused or [])
    name_my = REFUSED if names_refused else (person.name_my if person else None)
    name_latin = REFUSED if names_refused else (person.name_latin if person else None)
    health, examined_by = _health_text(session, record, card)
    coming_from = places.get(card.coming_from_id) if card.coming_from_id else None
    here = places.get(card.place_id) if card.place_id else None
    return [
        Line(
            "Power on which the prisoner depends",
            "စစ်သုံ့ပန်း သက်ဆိုင်သည့် နိုင်ငံ/အာဏာပိုင်",
            items["power_depended_on"],
        ),
        Line("Surname", "မျိုးရိုးအမည်", items["surname"]),
        Line("First names (in full)", "အမည် (အပြည့်အစုံ)", items["first_names"]),
        Line("Name in Myanmar script", "မြန်မာစာဖြင့် အမည်", name_my),
        Line("Name in Latin letters", "လက်တင်အက္ခရာဖြင့် အမည်", name_latin),
        Line("First name of father", "ဖခင်အမည်", items["father_first_name"]),
        Line("Date of birth", "မွေးသက္ကရာဇ်", items["date_of_birth"]),
        Line("Place of birth", "မွေးရပ်", items["place_of_birth"]),
        Line("Rank", "အဆင့်", _rank_text(session, record, items["rank"])),
        Line("Service number", "တပ်မှုထမ်း နံပါတ်", items["service_number"]),
        Line("Person to inform", "အကြောင်းကြားရမည့်သူ", items["person_to_inform"]),
        Line("Address of family (for correspondence)", "မိသားစု လိပ်စာ (စာပေးစာယူ)", items["address"]),
        Line("Taken prisoner on", "ဖမ်းဆီးခံရသည့်နေ့", record.captured_on.isoformat()),
        Line(
            "Coming from (camp or hospital)", "ယခင်နေရာ (စခန်း သို့မဟုတ် ဆေးရုံ)", _place_text(coming_from)
        ),
        Line("State of health", "ကျန်းမာရေး အခြေအနေ", health),
        Line("Examined by, on", "ဆေးစစ်သူ၊ ဆေးစစ်သည့်နေ့", examined_by),
        Line("Prisoner number", "စစ်သုံ့ပန်း အမှတ်", record.prisoner_number),
        Line("Present address (camp or hospital)", "လက်ရှိ နေရပ် (စခန်း သို့မဟုတ် ဆေးရုံ)", _place_text(here)),
    ]


def capture_card_pdf(session: Session, actor: Actor, card_id: uuid.UUID) -> bytes:
    """The card as a PDF in English and Burmese; printing is audited. Never for a person who
    changed sides: what the tracing agency learns of them is their own choice."""
    card = get_card(session, actor, card_id)
    record = get_record(session, actor, card.pow_id)
    # Asked of the person's standing: never for a person who changed sides.
    custody.require_allowed(session, record.person_id, CustodyAct.CAPTURE_CARD)
    occasion = OCCASION_ON_CARD.get(card.occasion, card.occasion)
    # The person's reference number (haven.kernel.references), by which the office finds the
    # record when the card is answered; random, so it tells the reader nothing.
    person = person_by_id(session, record.person_id)
    reference = person.reference if person is not None else str(card.id)[:8]
    footer = (
        f"Occasion / အကြောင်း: {occasion} · {card.occasion_on.isoformat()} · "
        f"due by / နောက်ဆုံးထား: {card.due_on.isoformat()} · ref {reference}"
    )
    content = render_card(
        card_lines(session, record, card),
        footer=footer,
        framework=framework_of(session, card.organisation_id),
    )
    audit.record(
        session,
        actor,
        AuditAction.POW_CARD_PRINTED,
        subject_type="pow_card",
        subject_id=card.id,
        organisation_id=card.organisation_id,
    )
    return content


def death_certificate_pdf(session: Session, actor: Actor, pow_id: uuid.UUID) -> bytes:
    """The Art. 120 certificate (GC III Annex IV D) with the grave's registration; audited."""
    death: PowDeath = death_certificate(session, actor, pow_id)
    record = get_record(session, actor, pow_id)
    items = art122_items(record)
    buried = death.buried_on.isoformat() if death.buried_on else None
    cremation = f"yes / ဟုတ်: {death.cremation_reason}" if death.cremated else "no / မဟုတ်"
    lines = [
        Line(
            "Power on which the prisoner depended",
            "စစ်သုံ့ပန်း သက်ဆိုင်ခဲ့သည့် နိုင်ငံ/အာဏာပိုင်",
            items["power_depended_on"],
        ),
        Line("Surname", "မျိုးရိုးအမည်", items["surname"]),
        Line("First names", "အမည်", items["first_names"]),
        Line("First name of father", "ဖခင်အမည်", items["father_first_name"]),
        Line("Date of birth", "မွေးသက္ကရာဇ်", items["date_of_birth"]),
        Line("Place of birth", "မွေးရပ်", items["place_of_birth"]),
        Line("Rank", "အဆင့်", items["rank"]),
        Line("Service number", "တပ်မှုထမ်း နံပါတ်", items["service_number"]),
        Line("Date of death", "သေဆုံးသည့်နေ့", death.died_on.isoformat()),
        Line("Place of death", "သေဆုံးရာနေရာ", death.place_of_death),
        Line("Cause of death", "သေဆုံးရသည့် အကြောင်းရင်း", death.cause),
        Line("Date of burial", "မြှုပ်နှံသည့်နေ့", buried),
        Line("Place of burial", "မြှုပ်နှံရာနေရာ", death.burial_place),
        Line("Grave identification", "သင်္ချိုင်းဂူ အမှတ်", death.grave_number),
        Line("Cremated, and why", "မီးသင်္ဂြိုဟ်ခြင်းနှင့် အကြောင်းရင်း", cremation),
    ]  # fmt: skip
    return render_certificate(
        lines,
        footer=f"Certificate / လက်မှတ်အမှတ် {death.certificate_number}",
        framework=framework_of(session, record.organisation_id),
    )


# --- signed exports -------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedExport:
    export_id: str
    content: bytes
    rows: int


def _signed_zip(session: Session, files: dict[str, bytes], meta: dict[str, object]) -> bytes:
    private = keyring_of(session).audit_signing_key
    public = private.public_key()
    manifest = {
        "purpose": PURPOSE,
        "v": 1,
        **meta,
        "key_id": key_id(public),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
        archive.writestr("manifest.json", manifest_bytes)
        archive.writestr("manifest.sig", private.sign(manifest_bytes))
        archive.writestr(
            "signing-key.pem", public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        )
    return out.getvalue()


def verify_export(content: bytes, public_key: Ed25519PublicKey) -> list[str]:
    """The problems of a signed export (an empty list: signature and every file verify).

    The public key must come from a trusted source (the installation's key id, given to the
    receiver beforehand), never from the zip itself.
    """
    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        manifest_bytes = archive.read("manifest.json")
        signature = archive.read("manifest.sig")
    except (zipfile.BadZipFile, KeyError):
        return ["not a signed Haven export"]
    try:
        public_key.verify(signature, manifest_bytes)
    except InvalidSignature:
        return ["the signature does not match the manifest"]
    manifest = json.loads(manifest_bytes)
    if manifest.get("purpose") != PURPOSE:
        problems.append("the manifest is not a bureau export")
    listed: dict[str, str] = manifest.get("files", {})
    present = set(archive.namelist()) - {"manifest.json", "manifest.sig", "signing-key.pem"}
    if present != set(listed):
        problems.append("the files differ from the manifest")
    for name, digest in listed.items():
        if name in present and hashlib.sha256(archive.read(name)).hexdigest() != digest:
            problems.append(f"{name} was changed")
    return problems


def _framework(session: Session, actor: Actor) -> LegalFramework | None:
    """The legal framework the actor's organisation works under (docs/legal-framework.md)."""
    return framework_of(session, actor.organisation_id) if actor.organisation_id else None


def _place_names(session: Session, actor: Actor) -> dict[uuid.UUID, str]:
    return {p.id: p.name for p in repository.places(session, actor)}


def pending_notices(session: Session, actor: Actor) -> Sequence[PowNotice]:
    require(actor, Permission.POW_READ)
    return repository.pending_notices(session, actor)


def seriously_ill(session: Session, actor: Actor) -> Sequence[PowRecord]:
    """The interned prisoners the actor may see who are seriously ill (the weekly report's)."""
    require(actor, Permission.POW_READ)
    return repository.seriously_ill(session, actor)


def export_notices(session: Session, actor: Actor) -> SignedExport:
    """Every pending notice with the Art. 122 items of its prisoner, as a signed zip.

    A fresh login is required (the file leaves Haven); the notices are marked exported and
    the export is audited with its size and id, never its content.
    """
    require(actor, Permission.POW_WRITE)
    require_fresh(session, actor)
    notices = repository.pending_notices(session, actor)
    if not notices:
        raise Conflict(N_("There are no notices waiting to be sent."))
    rows: list[list[str | None]] = []
    person_ids: list[uuid.UUID] = []
    for notice in notices:
        record = get_record(session, actor, notice.pow_id)
        person_ids.append(record.person_id)
        items = art122_items(record)
        detail = notice.detail
        if notice.kind == NoticeKind.FAMILY_PRIVATE:
            items = {name: items[name] if name in FAMILY_COLUMNS else None for name in items}
            detail = FAMILY_ONLY
        rows.append(
            [str(notice.id), notice.kind, notice.occurred_on.isoformat(), detail]
            + [items[name] for name in ART122_COLUMNS]
        )
    export_id = f"N-{local_today():%Y%m%d}-{str(new_id())[-8:]}"
    footer = f"Export {export_id} · {len(rows)} notices · signed (manifest.sig)"
    files = {
        "notices.csv": to_csv(NOTICE_COLUMNS, rows),
        "notices.pdf": render_table(
            "NOTICES TO THE INFORMATION BUREAU",
            "သတင်းအချက်အလက် ဗျူရိုသို့ အကြောင်းကြားစာများ",
            list(NOTICE_COLUMNS[1:]),
            [[v or "" for v in row[1:]] for row in rows],
            footer=footer,
            framework=_framework(session, actor),
            article="122",
        ),
    }
    content = _signed_zip(
        session, files, {"export_id": export_id, "kind": "notices", "rows": len(rows)}
    )
    now = utcnow()
    for notice in notices:
        notice.exported_at = now
        notice.export_id = export_id
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_NOTICES_EXPORTED,
        subject_type="pow_notices",
        subject_id=None,
        organisation_id=actor.organisation_id,
        changes={"export_id": export_id, "rows": {"before": None, "after": len(rows)}},
    )
    # Required by the Convention (Art. 122-123): logged, never refused (docs/disclosures.md).
    record_convention_disclosure(
        session,
        actor,
        kind=DisclosureKind.NOTICE,
        source="pow_notices",
        article="122-123",
        fields=NOTICE_FIELDS,
        person_ids=person_ids,
        fmt="zip",
        content=content,
        reference=export_id,
    )
    return SignedExport(export_id=export_id, content=content, rows=len(rows))


def export_health_report(session: Session, actor: Actor) -> SignedExport:
    """The weekly report of the seriously ill (Art. 122), signed like the notices."""
    require(actor, Permission.POW_WRITE)
    require_fresh(session, actor)
    places = _place_names(session, actor)
    last = repository.last_inspections(session, actor)
    rows: list[list[str | None]] = []
    person_ids: list[uuid.UUID] = []
    for found in repository.seriously_ill(session, actor):
        record = get_record(session, actor, found.id)
        person_ids.append(record.person_id)
        items = art122_items(record)
        latest = repository.inspections_of(session, record.id)
        rows.append(
            [items[name] for name in ART122_COLUMNS[:5]]
            + [
                places.get(record.place_id) if record.place_id else None,
                last[record.id].isoformat() if record.id in last else None,
                "yes" if latest and latest[0].hospitalised else "no",
            ]
        )
    today = local_today()
    year, week, _ = today.isocalendar()
    export_id = f"H-{year}W{week:02d}-{str(new_id())[-8:]}"
    footer = f"Week {year}-W{week:02d} · {len(rows)} seriously ill · signed (manifest.sig)"
    files = {
        "health.csv": to_csv(HEALTH_COLUMNS, rows),
        "health.pdf": render_table(
            "WEEKLY REPORT ON THE SERIOUSLY ILL",
            "ပြင်းထန်စွာ ဖျားနာသူများ အပတ်စဉ် အစီရင်ခံစာ",
            list(HEALTH_COLUMNS),
            [[v or "" for v in row] for row in rows],
            footer=footer,
            framework=_framework(session, actor),
            article="122",
        ),
    }
    content = _signed_zip(
        session, files, {"export_id": export_id, "kind": "health", "rows": len(rows)}
    )
    audit.record(
        session,
        actor,
        AuditAction.POW_HEALTH_REPORT_EXPORTED,
        subject_type="pow_health_report",
        subject_id=None,
        organisation_id=actor.organisation_id,
        changes={"export_id": export_id, "rows": {"before": None, "after": len(rows)}},
    )
    if person_ids:
        # The weekly information on the seriously ill is required too (Art. 122).
        record_convention_disclosure(
            session,
            actor,
            kind=DisclosureKind.REPORT,
            source="pow_health_report",
            article="122",
            fields=HEALTH_FIELDS,
            person_ids=person_ids,
            fmt="zip",
            content=content,
            reference=export_id,
        )
    return SignedExport(export_id=export_id, content=content, rows=len(rows))
