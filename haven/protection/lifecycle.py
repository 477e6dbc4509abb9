"""The protection domain's vocabularies and the incident's lifecycle (docs/protection.md).

open → responding → closed; a closed incident may be reopened (back to open), and a
responding one may go back to open. Every move carries a reason and is kept with who made it
and when (`protection_incident_moves`); an illegal move is a 409.

The risk rule: each incident gives a level (`level_for`), the higher of its kind's floor and
its severity's level; the people it touches are raised to it, never lowered by it.
"""

from __future__ import annotations

from haven.audit.actions import AuditAction
from haven.i18n import N_
from haven.kernel.labels import Labelled
from haven.kernel.lifecycle import Lifecycle
from haven.people.public import RiskLevel


class IncidentKind(Labelled):
    REPRISAL = "reprisal", N_("Reprisal against family")
    THREAT = "threat", N_("Threat")
    ARREST = "arrest", N_("Arrest or re-arrest")
    MISSING = "missing", N_("Person missing")
    LEAK = "leak", N_("Leak of information")
    DEVICE_LOST = "device_lost", N_("Device lost")
    DEVICE_SEIZED = "device_seized", N_("Device seized")
    OTHER = "other", N_("Other")


DEVICE_KINDS = frozenset({IncidentKind.DEVICE_LOST, IncidentKind.DEVICE_SEIZED})


class Severity(Labelled):
    LOW = "low", N_("Low")
    MEDIUM = "medium", N_("Medium")
    HIGH = "high", N_("High")
    CRITICAL = "critical", N_("Critical")


class IncidentState(Labelled):
    OPEN = "open", N_("Open")
    RESPONDING = "responding", N_("Responding")
    CLOSED = "closed", N_("Closed")


class Touch(Labelled):
    """How an incident touches a person."""

    LINKED = "linked", N_("Concerned")  # named by whoever recorded the incident
    DEVICE = "device", N_("Held on the device")  # on the lost or seized laptop


TRANSITIONS: dict[IncidentState, frozenset[IncidentState]] = {
    IncidentState.OPEN: frozenset({IncidentState.RESPONDING, IncidentState.CLOSED}),
    IncidentState.RESPONDING: frozenset({IncidentState.CLOSED, IncidentState.OPEN}),
    IncidentState.CLOSED: frozenset({IncidentState.OPEN}),
}

INCIDENT = Lifecycle(
    states=IncidentState,
    transitions=TRANSITIONS,
    subject_type="protection_incident",
    action=AuditAction.PROTECTION_INCIDENT_MOVED,
    attribute="state",
    refusal=N_("This incident cannot move from “{current}” to “{target}”."),
)

# What a severity alone asks for.
SEVERITY_LEVEL: dict[Severity, RiskLevel] = {
    Severity.LOW: RiskLevel.NORMAL,
    Severity.MEDIUM: RiskLevel.ELEVATED,
    Severity.HIGH: RiskLevel.HIGH,
    Severity.CRITICAL: RiskLevel.CRITICAL,
}

# The least a kind of incident asks for, whatever its severity: a reprisal, an arrest, a
# disappearance, a leak or a seized laptop put the people concerned in danger by themselves.
KIND_FLOOR: dict[IncidentKind, RiskLevel] = {
    IncidentKind.REPRISAL: RiskLevel.HIGH,
    IncidentKind.ARREST: RiskLevel.HIGH,
    IncidentKind.MISSING: RiskLevel.HIGH,
    IncidentKind.LEAK: RiskLevel.HIGH,
    IncidentKind.DEVICE_SEIZED: RiskLevel.HIGH,
    IncidentKind.THREAT: RiskLevel.ELEVATED,
    IncidentKind.DEVICE_LOST: RiskLevel.ELEVATED,
    IncidentKind.OTHER: RiskLevel.NORMAL,
}


def level_for(kind: IncidentKind | str, severity: Severity | str) -> RiskLevel:
    """The risk level an incident gives the people it touches."""
    floor = KIND_FLOOR[IncidentKind(kind)]
    by_severity = SEVERITY_LEVEL[Severity(severity)]
    return max(floor, by_severity, key=lambda level: level.rank)
