"""The review of a possible duplicate: two different reviewers must agree (docs/matching.md).

open (no vote) → awaiting_second (one vote) → linked | not_same. A second vote that disagrees
with the first sends the review back to open; undoing a link opens it again; the batch
(`haven.matching.dedupe`) links an open review nobody has voted on. An undecided review that
other decisions answer is closed as moot (moot_linked, moot_not_same:
`haven.matching.transitive`), and opens again if the merge it rested on is undone. Every
move is audited by the service with its own action (vote, dispute, decision, automatic link,
unmerge, closure), so the lifecycle names none.
"""

from __future__ import annotations

from haven.i18n import N_
from haven.kernel.labels import Labelled
from haven.kernel.lifecycle import Lifecycle


class ReviewState(Labelled):
    OPEN = "open", N_("Waiting for a first reviewer")
    AWAITING_SECOND = "awaiting_second", N_("Waiting for a second reviewer")
    LINKED = "linked", N_("Linked: the newer record is merged into the older one")
    NOT_SAME = "not_same", N_("Decided: not the same person")
    MOOT_LINKED = "moot_linked", N_("Closed: the same person through another decision")
    MOOT_NOT_SAME = (
        "moot_not_same",
        N_("Closed: not the same person through another decision"),
    )


class Decision(Labelled):
    """One reviewer's vote."""

    LINK = "link", N_("Same person")
    NOT_SAME = "not_same", N_("Not the same person")


OPEN_STATES = frozenset({ReviewState.OPEN, ReviewState.AWAITING_SECOND})
MOOT_STATES = frozenset({ReviewState.MOOT_LINKED, ReviewState.MOOT_NOT_SAME})

REVIEW = Lifecycle(
    states=ReviewState,
    transitions={
        ReviewState.OPEN: frozenset(
            {ReviewState.AWAITING_SECOND, ReviewState.LINKED, *MOOT_STATES}
        ),
        ReviewState.AWAITING_SECOND: frozenset(
            {ReviewState.LINKED, ReviewState.NOT_SAME, ReviewState.OPEN, *MOOT_STATES}
        ),
        ReviewState.LINKED: frozenset({ReviewState.OPEN}),
        # Undoing the merge a closure rested on opens the review again (`unmerge`).
        ReviewState.MOOT_LINKED: frozenset({ReviewState.OPEN}),
        ReviewState.MOOT_NOT_SAME: frozenset({ReviewState.OPEN}),
        ReviewState.NOT_SAME: frozenset(),
    },
    subject_type="match_review",
    attribute="state",
    terminal=frozenset({ReviewState.NOT_SAME}),
)
