"""The defection plan as versioned policy data: drafts, components, publication, import.

A draft version is edited freely by an administrator (PLAN_MANAGE); publishing freezes it
for good. A change of policy is a new version with its own `effective_from`: the version in
force on a person's reception date decides their entitlements (an agreement may name
another version). Two published versions never share an effective date.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from haven.allowances.facts import rank_tables
from haven.allowances.lifecycle import PLAN, PlanStatus
from haven.allowances.models import PlanComponent, PlanVersion
from haven.allowances.repository import PlanComponents, PlanVersions
from haven.allowances.rules import (
    ComponentKind,
    ComponentSpec,
    RankTable,
    open_to,
    validate_component,
)
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.i18n import N_, Text, gettext
from haven.security.permissions import Actor, Permission, in_scope, require

READERS = (
    Permission.PLAN_MANAGE,
    Permission.PAYMENT_READ,
    Permission.PAYMENT_PREPARE,
    Permission.ENTITLEMENT_READ,
)


def require_any(actor: Actor, permissions: Iterable[Permission], record: Any = None) -> None:
    """Like `require`, for an action any one of several permissions allows."""
    if record is not None and not in_scope(actor, record):
        raise NotFound
    if not any(actor.can(p) for p in permissions):
        raise PermissionDenied


def organisation_of(actor: Actor, organisation_id: uuid.UUID | None) -> uuid.UUID:
    """The organisation a new record belongs to: the actor's (the command line names one)."""
    if actor.is_system:
        if organisation_id is None:
            raise ValidationFailed(fields={"organisation_id": N_("Name the organisation.")})
        return organisation_id
    if actor.organisation_id is None:
        raise PermissionDenied
    return actor.organisation_id


def spec_of(component: PlanComponent) -> ComponentSpec:
    return ComponentSpec(
        code=component.code,
        kind=ComponentKind(component.kind),
        name_en=component.name_en,
        name_my=component.name_my,
        currency=component.currency,
        rules=component.rules,
        eligibility=component.eligibility,
    )


def describe(component: PlanComponent, tables: Mapping[str, RankTable], language: str) -> str:
    """Who the component is open to, in a sentence of `language` (docs/allowances.md)."""
    return open_to(
        ComponentKind(component.kind),
        component.eligibility,
        gettext=lambda msgid: gettext(msgid, language),
        language=language,
        rules=component.rules,
        tables=tables,
    )


def _check_header(name: str, effective_from: date | None) -> None:
    fields: dict[str, Text | str] = {}
    if not name or len(name) > 200:
        fields["name"] = N_("Give the version a name of at most 200 characters.")
    if effective_from is None:
        fields["effective_from"] = N_("Enter the date from which this version applies.")
    if fields:
        raise ValidationFailed(fields=fields)


def create_version(
    session: Session,
    actor: Actor,
    *,
    name: str,
    effective_from: date | None,
    notes: str | None = None,
    copy_from: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
) -> PlanVersion:
    """A new draft version, empty or with the components of `copy_from`."""
    require(actor, Permission.PLAN_MANAGE)
    organisation = organisation_of(actor, organisation_id)
    name = (name or "").strip()
    _check_header(name, effective_from)
    assert effective_from is not None  # noqa: S101 - checked above, for the type checker
    source = get_version(session, actor, copy_from) if copy_from else None
    number = PlanVersions(session).next_number(organisation)
    version = PlanVersion(
        organisation_id=organisation,
        number=number,
        name=name,
        effective_from=effective_from,
        notes=(notes or "").strip()[:2000] or None,
        status=PlanStatus.DRAFT.value,
        created_by_id=actor.user_id,
    )
    session.add(version)
    session.flush()
    if source is not None:
        for component in components_of(session, source.id):
            session.add(
                PlanComponent(
                    plan_version_id=version.id,
                    code=component.code,
                    kind=component.kind,
                    name_en=component.name_en,
                    name_my=component.name_my,
                    currency=component.currency,
                    position=component.position,
                    rules=dict(component.rules),
                    eligibility=dict(component.eligibility),
                )
            )
        session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_PLAN_CREATED,
        subject_type="allowance_plan_version",
        subject_id=version.id,
        organisation_id=organisation,
        changes={
            "number": {"before": None, "after": number},
            "effective_from": {"before": None, "after": effective_from.isoformat()},
            "copied_from": {"before": None, "after": str(copy_from) if copy_from else None},
        },
    )
    return version


def get_version(session: Session, actor: Actor, version_id: uuid.UUID) -> PlanVersion:
    version = PlanVersions(session).get_for(actor, version_id)
    require_any(actor, READERS, version)
    return version


def list_versions(session: Session, actor: Actor) -> Sequence[PlanVersion]:
    require_any(actor, READERS)
    return PlanVersions(session).listed(actor)


def component_names(session: Session, actor: Actor, language: str) -> dict[str, str]:
    """Component code -> its name in `language` (the latest version's), for every page that
    would otherwise show a code: budget lines, batch items, a statement's preview."""
    versions = sorted(PlanVersions(session).listed(actor), key=lambda v: v.number)
    order = {version.id: index for index, version in enumerate(versions)}
    rows = PlanComponents(session).of_versions(order)
    names: dict[str, str] = {}
    for component in sorted(rows, key=lambda c: order[c.plan_version_id]):
        names[component.code] = (
            component.name_my if language == "my" and component.name_my else component.name_en
        )
    return names


def has_versions(session: Session, organisation_id: uuid.UUID) -> bool:
    """Whether the organisation has any plan version (no permission check: a yes or no, for
    the demo builder that seeds the plan once)."""
    return PlanVersions(session).any_of(organisation_id)


def components_of(session: Session, version_id: uuid.UUID) -> Sequence[PlanComponent]:
    return PlanComponents(session).of_version(version_id)


def _draft(session: Session, actor: Actor, version: PlanVersion) -> None:
    require(actor, Permission.PLAN_MANAGE, version)
    if version.status != PlanStatus.DRAFT:
        raise Conflict(N_("A published plan version cannot change: make a new version."))


def update_version(
    session: Session,
    actor: Actor,
    version: PlanVersion,
    *,
    name: str,
    effective_from: date | None,
    notes: str | None = None,
) -> PlanVersion:
    _draft(session, actor, version)
    name = (name or "").strip()
    _check_header(name, effective_from)
    before = {"name": version.name, "effective_from": str(version.effective_from)}
    version.name = name
    version.effective_from = effective_from  # type: ignore[assignment]
    version.notes = (notes or "").strip()[:2000] or None
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_PLAN_UPDATED,
        subject_type="allowance_plan_version",
        subject_id=version.id,
        organisation_id=version.organisation_id,
        changes=audit.diff(
            before, {"name": version.name, "effective_from": str(version.effective_from)}
        ),
    )
    return version


def save_component(
    session: Session,
    actor: Actor,
    version: PlanVersion,
    *,
    code: str,
    kind: str,
    name_en: str,
    currency: str,
    rules: Any,
    eligibility: Any,
    name_my: str | None = None,
    position: int | None = None,
) -> PlanComponent:
    """Add a component to a draft, or replace the one with the same code."""
    _draft(session, actor, version)
    code = (code or "").strip()
    name_en = (name_en or "").strip()
    parsed_kind, clean_rules, clean_eligibility = validate_component(
        code=code,
        kind=kind,
        currency=currency,
        rules=rules,
        eligibility=eligibility,
        tables=rank_tables(session) if kind == ComponentKind.DEFECTION_PAYMENT else None,
    )
    if not name_en or len(name_en) > 200:
        raise ValidationFailed(fields={"name_en": N_("Give the component an English name.")})
    component = PlanComponents(session).by_code(version.id, code)
    before = _component_view(component) if component else {}
    if component is None:
        count = len(components_of(session, version.id))
        component = PlanComponent(plan_version_id=version.id, code=code, position=count)
        session.add(component)
    component.kind = str(parsed_kind)
    component.name_en = name_en
    component.name_my = (name_my or "").strip()[:200] or None
    component.currency = currency
    component.rules = clean_rules
    component.eligibility = clean_eligibility
    if position is not None:
        component.position = position
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_COMPONENT_SAVED,
        subject_type="allowance_plan_version",
        subject_id=version.id,
        organisation_id=version.organisation_id,
        changes={"code": code} | audit.diff(before, _component_view(component)),
    )
    return component


def _component_view(component: PlanComponent) -> dict[str, Any]:
    return {
        "kind": component.kind,
        "name_en": component.name_en,
        "currency": component.currency,
        "rules": json.dumps(component.rules, sort_keys=True),
        "eligibility": json.dumps(component.eligibility, sort_keys=True),
    }


def remove_component(session: Session, actor: Actor, version: PlanVersion, code: str) -> None:
    _draft(session, actor, version)
    component = PlanComponents(session).by_code(version.id, code)
    if component is None:
        raise NotFound
    session.delete(component)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ALLOWANCE_COMPONENT_REMOVED,
        subject_type="allowance_plan_version",
        subject_id=version.id,
        organisation_id=version.organisation_id,
        changes={"code": code},
    )


def publish(session: Session, actor: Actor, version: PlanVersion) -> PlanVersion:
    """Freeze a draft; from its effective date on it decides new entitlements."""
    _draft(session, actor, version)
    if not components_of(session, version.id):
        raise Conflict(N_("A plan version needs at least one component before publishing."))
    clash = PlanVersions(session).published_on(version.organisation_id, version.effective_from)
    if clash is not None:
        raise Conflict(
            N_("Another published version starts on the same date: choose another date.")
        )
    version.published_by_id = actor.user_id
    # Stamps `published_at` and writes the audit event (ALLOWANCE_PLAN_PUBLISHED).
    PLAN.move(session, actor, version, PlanStatus.PUBLISHED)
    session.flush()
    return version


def version_in_force(session: Session, organisation_id: uuid.UUID, on: date) -> PlanVersion | None:
    """The published version with the latest effective date on or before `on`."""
    return PlanVersions(session).in_force(organisation_id, on)


def import_version(
    session: Session,
    actor: Actor,
    data: Mapping[str, Any],
    *,
    organisation_id: uuid.UUID | None = None,
) -> PlanVersion:
    """A new draft from a plan file (the shape `export_version` writes): all or nothing.

    Errors name the component: `components.2.rules` says the third component's amounts are
    wrong. The caller's transaction is rolled back on any error, so nothing half-imported
    remains.
    """
    require(actor, Permission.PLAN_MANAGE)
    if not isinstance(data, Mapping):
        raise ValidationFailed(fields={"file": N_("The file must hold a JSON object.")})
    try:
        effective_from = date.fromisoformat(str(data.get("effective_from", "")))
    except ValueError:
        raise ValidationFailed(
            fields={"effective_from": N_("Give effective_from as a date (YYYY-MM-DD).")}
        ) from None
    components = data.get("components")
    if not isinstance(components, list) or not components:
        raise ValidationFailed(fields={"components": N_("List at least one component.")})
    version = create_version(
        session,
        actor,
        name=str(data.get("name", "")),
        effective_from=effective_from,
        notes=str(data["notes"]) if data.get("notes") else None,
        organisation_id=organisation_id,
    )
    seen: set[str] = set()
    for index, item in enumerate(components):
        if not isinstance(item, Mapping):
            raise ValidationFailed(
                fields={f"components.{index}": N_("Each component must be a JSON object.")}
            )
        code = str(item.get("code", ""))
        if code in seen:
            raise ValidationFailed(
                fields={f"components.{index}.code": N_("This code is used twice.")}
            )
        seen.add(code)
        try:
            save_component(
                session,
                actor,
                version,
                code=code,
                kind=str(item.get("kind", "")),
                name_en=str(item.get("name_en", "")),
                name_my=str(item["name_my"]) if item.get("name_my") else None,
                currency=str(item.get("currency", "")),
                rules=item.get("rules", {}),
                eligibility=item.get("eligibility", {}),
                position=index,
            )
        except ValidationFailed as error:
            raise ValidationFailed(
                fields={f"components.{index}.{k}": v for k, v in error.fields.items()}
            ) from None
    return version


def export_version(session: Session, version: PlanVersion) -> dict[str, Any]:
    return {
        "name": version.name,
        "effective_from": version.effective_from.isoformat(),
        "notes": version.notes,
        "components": [
            {
                "code": c.code,
                "kind": c.kind,
                "name_en": c.name_en,
                "name_my": c.name_my,
                "currency": c.currency,
                "rules": c.rules,
                "eligibility": c.eligibility,
            }
            for c in components_of(session, version.id)
        ],
    }
