"""The risk rule and the incident's lifecycle, table-driven (no database)."""

from __future__ import annotations

import pytest

from haven.errors import Conflict
from haven.people.models import Person
from haven.people.public import RiskLevel
from haven.protection.lifecycle import INCIDENT, IncidentKind, IncidentState, Severity, level_for
from haven.sync.values import shape

N, E, H, C = RiskLevel.NORMAL, RiskLevel.ELEVATED, RiskLevel.HIGH, RiskLevel.CRITICAL

# kind: the level for severity low, medium, high, critical
LEVELS = {
    IncidentKind.REPRISAL: (H, H, H, C),
    IncidentKind.ARREST: (H, H, H, C),
    IncidentKind.MISSING: (H, H, H, C),
    IncidentKind.LEAK: (H, H, H, C),
    IncidentKind.DEVICE_SEIZED: (H, H, H, C),
    IncidentKind.THREAT: (E, E, H, C),
    IncidentKind.DEVICE_LOST: (E, E, H, C),
    IncidentKind.OTHER: (N, E, H, C),
}


@pytest.mark.parametrize("kind", list(IncidentKind))
def test_each_kind_and_severity_gives_a_level(kind: IncidentKind) -> None:
    got = tuple(level_for(kind, severity) for severity in Severity)
    assert got == LEVELS[kind]
    # Never lower for a graver severity.
    assert [level.rank for level in got] == sorted(level.rank for level in got)


def test_the_lifecycle_allows_only_its_moves() -> None:
    o, r, x = IncidentState.OPEN, IncidentState.RESPONDING, IncidentState.CLOSED
    allowed = {(a, b) for a in IncidentState for b in IncidentState if INCIDENT.allows(a, b)}
    assert allowed == {(o, r), (o, x), (r, x), (r, o), (x, o)}
    with pytest.raises(Conflict):
        INCIDENT.check(x, r)
    assert [level.rank for level in RiskLevel] == [0, 1, 2, 3]


def test_the_risk_level_travels_to_field_nodes_but_not_the_incident() -> None:
    """`persons` travels: a field site sees the level and its date; the incident that set it
    is a headquarters table, so its id stays at headquarters (docs/protection.md)."""
    travels = shape(Person).plain
    assert {"risk_level", "risk_since"} <= set(travels)
    assert "risk_incident_id" not in travels
