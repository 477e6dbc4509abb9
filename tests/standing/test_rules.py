"""The standing table (docs/standing.md) as code: each state, what it allows and why the
rest is closed. Pure: no database."""

from __future__ import annotations

import uuid

import pytest

from haven.i18n import Text
from haven.kernel.custody import CustodyAct
from haven.pow.public import PowStatus
from haven.standing.rules import (
    REASONS,
    REFUSED_CHILD,
    REFUSED_DECEASED,
    REFUSED_NOT_REFERRED,
    REFUSED_PRISONER,
    REFUSED_REFERRED,
    REFUSED_RELEASE_REFERRED,
    Facts,
    Path,
    StandingState,
    custody_refusal,
    decide,
)
from haven.vetting.public import VettingStatus

PERSON = uuid.UUID(int=1)
ALL = (Path.SERVE, Path.HOME, Path.EXILE)


def _open(facts: Facts) -> tuple[Path, ...]:
    return decide(facts).open_paths


@pytest.mark.parametrize(
    ("vetting", "state", "conditions", "held"),
    [
        (VettingStatus.PENDING, StandingState.PENDING_VETTING, False, True),
        (VettingStatus.CLEARED, StandingState.CLEARED, False, False),
        (VettingStatus.CLEARED_WITH_CONDITIONS, StandingState.CLEARED_WITH_CONDITIONS, True, False),
    ],
)
def test_an_adult_not_referred_may_take_every_pathway(
    vetting: VettingStatus, state: StandingState, conditions: bool, held: bool
) -> None:
    standing = decide(Facts(person_id=PERSON, vetting=vetting))
    assert standing.state is state
    assert standing.open_paths == ALL
    assert (standing.may_serve, standing.may_go_home, standing.may_go_into_exile) == (
        True,
        True,
        True,
    )
    assert not standing.custody_and_justice_referral
    assert standing.home_under_conditions is conditions
    assert standing.support_held is held
    assert not standing.excluded
    assert standing.may_receive_cash
    assert standing.refusal(Path.SERVE) is None
    assert standing.refusal(Path.CUSTODY_AND_JUSTICE) == Text(
        REFUSED_NOT_REFERRED, {"standing": Text(state.label)}
    )


def test_a_referred_person_is_excluded_from_serving_only() -> None:
    standing = decide(Facts(person_id=PERSON, vetting=VettingStatus.REFERRED))
    assert standing.state is StandingState.REFERRED
    assert not standing.may_serve
    assert standing.open_paths == (Path.HOME, Path.EXILE, Path.CUSTODY_AND_JUSTICE)
    assert standing.home_under_conditions
    assert standing.custody_and_justice_referral
    assert standing.excluded
    assert not standing.support_held
    assert standing.refusal("serve") == Text(
        REFUSED_REFERRED, {"standing": Text("Referred for accountability")}
    )


def test_a_child_is_protected_never_vetted_never_held_never_paid_cash() -> None:
    # Whatever vetting says (a legacy case may exist), a child's standing is the child's.
    for vetting in VettingStatus:
        standing = decide(Facts(person_id=PERSON, child=True, vetting=vetting))
        assert standing.state is StandingState.CHILD
        assert standing.vetting is None
        assert standing.open_paths == (Path.HOME, Path.EXILE)
        assert standing.refusal(Path.SERVE) == Text(
            REFUSED_CHILD, {"standing": Text(StandingState.CHILD.label)}
        )
        assert not standing.support_held
        assert not standing.excluded
        assert not standing.may_receive_cash


def test_an_interned_prisoner_changes_path_only_as_a_voluntariness_check_allows() -> None:
    unchecked = decide(Facts(person_id=PERSON, prisoner=PowStatus.INTERNED))
    assert unchecked.state is StandingState.PRISONER_OF_WAR
    assert unchecked.open_paths == ()
    assert not unchecked.voluntariness_completed
    for path in ALL:
        assert unchecked.refusal(path) == Text(
            REFUSED_PRISONER, {"standing": Text(StandingState.PRISONER_OF_WAR.label)}
        )
    checked = decide(
        Facts(person_id=PERSON, prisoner=PowStatus.INTERNED, voluntary_paths=frozenset({Path.HOME}))
    )
    assert checked.voluntariness_completed
    assert checked.open_paths == (Path.HOME,)
    assert checked.refusal(Path.SERVE) is not None


def test_a_referred_interned_prisoner_keeps_both_limits() -> None:
    standing = decide(
        Facts(
            person_id=PERSON,
            vetting=VettingStatus.REFERRED,
            prisoner=PowStatus.INTERNED,
            voluntary_paths=frozenset({Path.SERVE, Path.EXILE}),
        )
    )
    assert standing.state is StandingState.REFERRED
    # Serving stays closed (referred) although the check recorded it; home needs a check.
    assert standing.open_paths == (Path.EXILE, Path.CUSTODY_AND_JUSTICE)
    assert standing.refusal(Path.SERVE) == Text(
        REFUSED_REFERRED, {"standing": Text(StandingState.REFERRED.label)}
    )
    assert standing.refusal(Path.HOME) == Text(
        REFUSED_PRISONER, {"standing": Text(StandingState.PRISONER_OF_WAR.label)}
    )


@pytest.mark.parametrize("status", [PowStatus.RELEASED, PowStatus.REPATRIATED, PowStatus.ESCAPED])
def test_a_prisoner_no_longer_interned_stands_by_vetting(status: PowStatus) -> None:
    standing = decide(Facts(person_id=PERSON, vetting=VettingStatus.CLEARED, prisoner=status))
    assert standing.state is StandingState.CLEARED
    assert standing.open_paths == ALL
    assert standing.voluntary_paths == frozenset()


def test_a_deceased_person_has_nothing_open() -> None:
    standing = decide(Facts(person_id=PERSON, child=True, prisoner=PowStatus.DECEASED))
    assert standing.state is StandingState.DECEASED
    assert standing.open_paths == ()
    assert standing.refusal(Path.HOME) == Text(
        REFUSED_DECEASED, {"standing": Text(StandingState.DECEASED.label)}
    )


def test_every_state_has_its_reason_and_label() -> None:
    assert set(REASONS) == set(StandingState)
    assert all(state.label for state in StandingState)


def test_a_prisoner_who_defected_takes_the_pathway_the_check_recorded() -> None:
    unchecked = decide(Facts(person_id=PERSON, prisoner=PowStatus.DEFECTED))
    assert unchecked.state is StandingState.FORMER_PRISONER
    assert unchecked.open_paths == ()
    assert unchecked.refusal(Path.HOME) == Text(
        REFUSED_PRISONER, {"standing": Text(StandingState.FORMER_PRISONER.label)}
    )
    serve = decide(
        Facts(
            person_id=PERSON,
            vetting=VettingStatus.CLEARED,
            prisoner=PowStatus.DEFECTED,
            voluntary_paths=frozenset({Path.SERVE}),
        )
    )
    assert serve.state is StandingState.FORMER_PRISONER
    assert serve.open_paths == (Path.SERVE,)
    every = decide(
        Facts(
            person_id=PERSON,
            vetting=VettingStatus.CLEARED,
            prisoner=PowStatus.DEFECTED,
            voluntary_paths=frozenset(ALL),
        )
    )
    assert every.state is StandingState.CLEARED
    assert every.open_paths == ALL


@pytest.mark.parametrize(
    ("facts", "refused"),
    [
        # A prisoner referred for accountability stays in custody; transfers still allowed.
        (
            Facts(PERSON, prisoner=PowStatus.INTERNED, vetting=VettingStatus.REFERRED),
            {CustodyAct.RELEASE, CustodyAct.REPATRIATION},
        ),
        (Facts(PERSON, prisoner=PowStatus.INTERNED), set()),
        (Facts(PERSON, prisoner=PowStatus.INTERNED, vetting=VettingStatus.CLEARED), set()),
        # The dead are not moved; their cards stay printable for the record.
        (
            Facts(PERSON, prisoner=PowStatus.DECEASED, vetting=VettingStatus.REFERRED),
            {CustodyAct.TRANSFER, CustodyAct.RELEASE, CustodyAct.REPATRIATION},
        ),
        # Nobody who changed sides gets a capture card.
        (Facts(PERSON, prisoner=PowStatus.DEFECTED), {CustodyAct.CAPTURE_CARD}),
        # A child is never referred: custody follows the Convention.
        (Facts(PERSON, child=True, prisoner=PowStatus.INTERNED), set()),
    ],
)
def test_what_custody_may_do_follows_the_standing(facts: Facts, refused: set[CustodyAct]) -> None:
    standing = decide(facts)
    found = {act for act in CustodyAct if custody_refusal(standing, act) is not None}
    assert found == refused
    if CustodyAct.RELEASE in refused and not facts.deceased:
        refusal = custody_refusal(standing, CustodyAct.RELEASE)
        assert refusal == Text(
            REFUSED_RELEASE_REFERRED, {"standing": Text(StandingState.REFERRED.label)}
        )
