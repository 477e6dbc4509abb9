"""Permissions as data (docs/architecture.md, "Permissions are data").

A role grants a set of permissions; a scope limits which records a permission reaches.
Services call `require(actor, Permission.X, record)`; list queries use `visible_to(actor, …)`.
Deny by default: a role or permission missing from the map grants nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, false, true

from haven.errors import NotFound, PermissionDenied
from haven.i18n import N_, Labelled


class Permission(StrEnum):
    DASHBOARD_VIEW = "dashboard.view"
    ORGANISATION_READ = "organisation.read"
    SITE_READ = "site.read"
    SITE_MANAGE = "site.manage"
    REFERENCE_READ = "reference.read"
    REFERENCE_MANAGE = "reference.manage"
    USER_READ = "user.read"
    USER_MANAGE = "user.manage"
    API_TOKEN_OWN = "api_token.own"
    AUDIT_READ = "audit.read"
    REPORT_AGGREGATE = "report.aggregate"
    PERSON_READ = "person.read"
    PERSON_WRITE = "person.write"
    RECEPTION_RECORD = "reception.record"
    CASE_READ = "case.read"
    CASE_WRITE = "case.write"
    VETTING_READ = "vetting.read"
    VETTING_DECIDE = "vetting.decide"
    # Record a person's appeal of their vetting decision on their behalf (vetting officers and
    # case workers); gives no access to allegations or hits.
    VETTING_APPEAL = "vetting.appeal"
    PAYMENT_PREPARE = "payment.prepare"
    PAYMENT_APPROVE = "payment.approve"
    POW_READ = "pow.read"
    POW_WRITE = "pow.write"
    AGREEMENT_READ = "agreement.read"
    AGREEMENT_WRITE = "agreement.write"
    AGREEMENT_APPROVE = "agreement.approve"
    CROSSING_DESK = "crossing.desk"
    PLAN_MANAGE = "plan.manage"
    FUNDER_MANAGE = "funder.manage"
    PAYMENT_READ = "payment.read"
    PAYMENT_DISBURSE = "payment.disburse"
    ENTITLEMENT_READ = "entitlement.read"
    CONSENT_TEXT_MANAGE = "consent_text.manage"
    CASE_MANAGE = "case.manage"
    MATCH_REVIEW = "match.review"
    POW_PAY_MANAGE = "pow.pay_manage"
    POSTING_OVERRIDE = "posting.override"
    PROGRAMME_MANAGE = "programme.manage"
    # Headquarters' registry of field nodes (haven.sync): see it; issue enrolment codes and
    # revoke nodes. Conflicts between a node and headquarters are decided by whoever may write
    # the record (PERSON_WRITE, CASE_WRITE), not by a permission of their own.
    SYNC_NODES_READ = "sync.nodes_read"
    SYNC_NODES_MANAGE = "sync.nodes_manage"
    # Protection (issue 24). Family-movement plans (haven.families).
    FAMILY_MOVE_READ = "family_move.read"
    FAMILY_MOVE_WRITE = "family_move.write"
    # Security incidents: reprisals, threats, arrests, missing people, leaks, lost or seized
    # devices (haven.protection); not the vetting domain's allegations of past conduct.
    SECURITY_INCIDENT_READ = "security_incident.read"
    SECURITY_INCIDENT_WRITE = "security_incident.write"
    # Programme identity cards (haven.cards): issue, print and revoke; verify one at a checkpoint.
    CARD_ISSUE = "card.issue"
    CARD_VERIFY = "card.verify"
    # First contacts of soldiers still inside (haven.contacts): the negotiation team alone.
    CONTACT_READ = "contact.read"
    CONTACT_WRITE = "contact.write"
    # Complaints and feedback (haven.complaints): take one down; handle, answer and escalate;
    # see the confidential ones (about staff, or asked to be kept close).
    COMPLAINT_RECORD = "complaint.record"
    COMPLAINT_HANDLE = "complaint.handle"
    COMPLAINT_CONFIDENTIAL = "complaint.confidential"
    # Data-sharing agreements and the disclosure log (haven.disclosures).
    SHARING_AGREEMENT_MANAGE = "sharing_agreement.manage"
    DISCLOSURE_READ = "disclosure.read"
    # Weapons and ammunition after reception (haven.weapons, issue 25): see the stores and
    # their ledgers; keep a store (take items in, count, transfer); re-issue to a receiving
    # force's unit; authorise a destruction.
    WEAPON_READ = "weapon.read"
    WEAPON_CUSTODY = "weapon.custody"
    WEAPON_REISSUE = "weapon.reissue"
    WEAPON_DESTROY = "weapon.destroy"


class Role(Labelled):
    """Who works in Haven; each role carries its label."""

    REGISTRAR = "registrar", N_("Registrar")
    CASE_WORKER = "case_worker", N_("Case worker")
    VETTING_OFFICER = "vetting_officer", N_("Vetting officer")
    FINANCE_OFFICER = "finance_officer", N_("Finance officer")
    POW_OFFICER = "pow_officer", N_("Prisoner-of-war officer")
    NEGOTIATOR = "negotiator", N_("Negotiator")
    MANAGER = "manager", N_("Programme manager")
    AUDITOR = "auditor", N_("Auditor")
    ADMINISTRATOR = "administrator", N_("Administrator")


class Scope(StrEnum):
    SITE = "site"
    ORGANISATION = "organisation"


_EVERYONE = {
    Permission.DASHBOARD_VIEW,
    Permission.ORGANISATION_READ,
    Permission.API_TOKEN_OWN,
    Permission.REFERENCE_READ,
    # Whoever stands at a checkpoint of the programme reads its cards.
    Permission.CARD_VERIFY,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.REGISTRAR: frozenset(
        _EVERYONE
        | {
            Permission.SITE_READ,
            Permission.PERSON_READ,
            Permission.PERSON_WRITE,
            Permission.RECEPTION_RECORD,
            Permission.CROSSING_DESK,
            Permission.MATCH_REVIEW,
            Permission.CARD_ISSUE,
            Permission.COMPLAINT_RECORD,
            Permission.WEAPON_READ,
            Permission.WEAPON_CUSTODY,
        }
    ),
    Role.CASE_WORKER: frozenset(
        _EVERYONE
        | {
            Permission.SITE_READ,
            Permission.PERSON_READ,
            Permission.CASE_READ,
            Permission.CASE_WRITE,
            Permission.ENTITLEMENT_READ,
            Permission.MATCH_REVIEW,
            Permission.VETTING_APPEAL,
            Permission.FAMILY_MOVE_READ,
            Permission.FAMILY_MOVE_WRITE,
            Permission.SECURITY_INCIDENT_READ,
            Permission.SECURITY_INCIDENT_WRITE,
            Permission.CARD_ISSUE,
            Permission.COMPLAINT_RECORD,
            Permission.COMPLAINT_HANDLE,
            Permission.DISCLOSURE_READ,
        }
    ),
    Role.VETTING_OFFICER: frozenset(
        _EVERYONE
        | {
            Permission.PERSON_READ,
            Permission.VETTING_READ,
            Permission.VETTING_DECIDE,
            Permission.VETTING_APPEAL,
        }
    ),
    Role.FINANCE_OFFICER: frozenset(
        _EVERYONE
        | {
            Permission.PERSON_READ,
            Permission.PAYMENT_PREPARE,
            Permission.PAYMENT_APPROVE,
            Permission.PAYMENT_DISBURSE,
            Permission.PAYMENT_READ,
            Permission.ENTITLEMENT_READ,
            Permission.FUNDER_MANAGE,
            Permission.COMPLAINT_RECORD,
            Permission.REPORT_AGGREGATE,
        }
    ),
    Role.POW_OFFICER: frozenset(
        _EVERYONE
        | {
            Permission.SITE_READ,
            Permission.PERSON_READ,
            Permission.POW_READ,
            Permission.POW_WRITE,
            Permission.POW_PAY_MANAGE,
        }
    ),
    Role.NEGOTIATOR: frozenset(
        _EVERYONE
        | {
            Permission.AGREEMENT_READ,
            Permission.AGREEMENT_WRITE,
            Permission.CROSSING_DESK,
            Permission.FAMILY_MOVE_READ,
            Permission.FAMILY_MOVE_WRITE,
            Permission.CONTACT_READ,
            Permission.CONTACT_WRITE,
        }
    ),
    Role.MANAGER: frozenset(
        _EVERYONE
        | {
            Permission.SITE_READ,
            Permission.REPORT_AGGREGATE,
            Permission.AGREEMENT_APPROVE,
            Permission.PAYMENT_READ,
            Permission.CASE_MANAGE,
            Permission.POSTING_OVERRIDE,
            Permission.PROGRAMME_MANAGE,
            Permission.SYNC_NODES_READ,
            Permission.FAMILY_MOVE_READ,
            Permission.SECURITY_INCIDENT_READ,
            Permission.SECURITY_INCIDENT_WRITE,
            Permission.CARD_ISSUE,
            Permission.COMPLAINT_RECORD,
            Permission.COMPLAINT_HANDLE,
            Permission.COMPLAINT_CONFIDENTIAL,
            Permission.SHARING_AGREEMENT_MANAGE,
            Permission.DISCLOSURE_READ,
            Permission.WEAPON_READ,
            Permission.WEAPON_REISSUE,
            Permission.WEAPON_DESTROY,
        }
    ),
    Role.AUDITOR: frozenset(
        _EVERYONE
        | {
            Permission.AUDIT_READ,
            Permission.USER_READ,
            Permission.PAYMENT_READ,
            Permission.DISCLOSURE_READ,
            Permission.WEAPON_READ,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        _EVERYONE
        | {
            Permission.SITE_READ,
            Permission.SITE_MANAGE,
            Permission.REFERENCE_MANAGE,
            Permission.USER_READ,
            Permission.USER_MANAGE,
            Permission.REPORT_AGGREGATE,
            Permission.PLAN_MANAGE,
            Permission.FUNDER_MANAGE,
            Permission.CONSENT_TEXT_MANAGE,
            Permission.POW_PAY_MANAGE,
            Permission.PROGRAMME_MANAGE,
            Permission.SYNC_NODES_READ,
            Permission.SYNC_NODES_MANAGE,
        }
    ),
}

ROLE_SCOPE: dict[Role, Scope] = dict.fromkeys(Role, Scope.ORGANISATION) | {
    Role.REGISTRAR: Scope.SITE
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user, an API token's user, or the command line (system)."""

    user_id: uuid.UUID | None
    label: str
    organisation_id: uuid.UUID | None
    site_id: uuid.UUID | None
    role: Role | None
    is_system: bool = False
    permissions: frozenset[Permission] = field(default=frozenset())

    @classmethod
    def for_user(
        cls,
        *,
        user_id: uuid.UUID,
        username: str,
        organisation_id: uuid.UUID,
        site_id: uuid.UUID | None,
        role: str,
    ) -> Actor:
        try:
            parsed = Role(role)
        except ValueError:
            parsed = None
        granted = ROLE_PERMISSIONS.get(parsed, frozenset()) if parsed else frozenset()
        return cls(
            user_id=user_id,
            label=username,
            organisation_id=organisation_id,
            site_id=site_id,
            role=parsed,
            permissions=granted,
        )

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """The operator at the command line: full rights over every organisation."""
        return cls(
            user_id=None,
            label=label,
            organisation_id=None,
            site_id=None,
            role=None,
            is_system=True,
            permissions=frozenset(Permission),
        )

    @property
    def scope(self) -> Scope:
        return ROLE_SCOPE.get(self.role, Scope.SITE) if self.role else Scope.SITE

    def can(self, permission: Permission) -> bool:
        return self.is_system or permission in self.permissions


class Scoped(Protocol):
    """A record that belongs to an organisation (and perhaps a site)."""

    @property
    def organisation_id(self) -> uuid.UUID: ...


def in_scope(actor: Actor, record: Any) -> bool:
    """Whether the record lies within the actor's organisation (and site, for site roles)."""
    if actor.is_system:
        return True
    if getattr(record, "organisation_id", None) != actor.organisation_id:
        return False
    if actor.scope is Scope.SITE and hasattr(record, "site_id"):
        return record.site_id is not None and record.site_id == actor.site_id
    return True


def require(actor: Actor, permission: Permission, record: Any | None = None) -> None:
    """Raise unless the actor holds the permission and the record is within their scope.

    An out-of-scope record answers NotFound before the permission is even considered, so a
    user cannot learn that a record of another organisation or site exists.
    """
    if record is not None and not in_scope(actor, record):
        raise NotFound
    if not actor.can(permission):
        raise PermissionDenied


def visible_to(
    actor: Actor, model: Any, *, site_column: str | None = "site_id"
) -> ColumnElement[bool]:
    """A WHERE clause limiting `model`'s rows to the actor's scope (deny by default)."""
    if actor.is_system:
        return true()
    if actor.organisation_id is None:
        return false()
    clause: ColumnElement[bool] = model.organisation_id == actor.organisation_id
    if actor.scope is Scope.SITE and site_column and hasattr(model, site_column):
        if actor.site_id is None:
            return false()
        clause = and_(clause, getattr(model, site_column) == actor.site_id)
    return clause
