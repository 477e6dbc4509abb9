"""The review lifecycle: its one transition table, its labels, the refusals."""

from __future__ import annotations

import pytest

from haven.errors import Conflict
from haven.kernel.labels import labels
from haven.matching.lifecycle import OPEN_STATES, REVIEW, Decision, ReviewState

S = ReviewState


def test_the_transition_table() -> None:
    allowed = {(a, b) for a in S for b in S if REVIEW.allows(a, b)}
    assert allowed == {
        (S.OPEN, S.AWAITING_SECOND),  # a first vote
        (S.OPEN, S.LINKED),  # the batch links a pair nobody voted on
        (S.AWAITING_SECOND, S.LINKED),  # two votes to link
        (S.AWAITING_SECOND, S.NOT_SAME),  # two votes: not the same person
        (S.AWAITING_SECOND, S.OPEN),  # the second vote disagrees
        (S.LINKED, S.OPEN),  # the merge is undone
        # Other decisions answer an undecided pair (haven.matching.transitive) ...
        (S.OPEN, S.MOOT_LINKED),
        (S.OPEN, S.MOOT_NOT_SAME),
        (S.AWAITING_SECOND, S.MOOT_LINKED),
        (S.AWAITING_SECOND, S.MOOT_NOT_SAME),
        # ... until the merge that answered it is undone.
        (S.MOOT_LINKED, S.OPEN),
        (S.MOOT_NOT_SAME, S.OPEN),
    }
    assert frozenset({S.OPEN, S.AWAITING_SECOND}) == OPEN_STATES


def test_an_illegal_move_is_a_conflict_naming_both_states() -> None:
    with pytest.raises(Conflict) as refused:
        REVIEW.check("not_same", S.LINKED)
    assert refused.value.code == "illegal_transition"


def test_states_and_decisions_carry_their_labels() -> None:
    assert labels(ReviewState) == {
        "open": "Waiting for a first reviewer",
        "awaiting_second": "Waiting for a second reviewer",
        "linked": "Linked: the newer record is merged into the older one",
        "not_same": "Decided: not the same person",
        "moot_linked": "Closed: the same person through another decision",
        "moot_not_same": "Closed: not the same person through another decision",
    }
    assert labels(Decision) == {"link": "Same person", "not_same": "Not the same person"}
