"""The prisoner's status as a lifecycle, each status with its label.

An interned prisoner may escape, be released or repatriated, die, or become a defector after
a documented voluntariness check; an escaped prisoner may be interned again (or die). The
other statuses are final. Every change goes through `STATUS` (`haven.kernel.lifecycle`),
which refuses an illegal one with a 409.
"""

from __future__ import annotations

from haven.i18n import N_
from haven.kernel.labels import Labelled
from haven.kernel.lifecycle import Lifecycle


class PowStatus(Labelled):
    INTERNED = "interned", N_("Interned")
    ESCAPED = "escaped", N_("Escaped")
    RELEASED = "released", N_("Released")
    REPATRIATED = "repatriated", N_("Repatriated")
    DECEASED = "deceased", N_("Deceased")
    DEFECTED = "defected", N_("Defected")


TRANSITIONS: dict[PowStatus, frozenset[PowStatus]] = {
    PowStatus.INTERNED: frozenset(
        {
            PowStatus.ESCAPED,
            PowStatus.RELEASED,
            PowStatus.REPATRIATED,
            PowStatus.DECEASED,
            PowStatus.DEFECTED,
        }
    ),
    PowStatus.ESCAPED: frozenset({PowStatus.INTERNED, PowStatus.DECEASED}),
    PowStatus.RELEASED: frozenset(),
    PowStatus.REPATRIATED: frozenset(),
    PowStatus.DECEASED: frozenset(),
    PowStatus.DEFECTED: frozenset(),
}

# Each change writes an audit event of its own kind (death recorded, released, escaped,
# defected) with its details, so the lifecycle names no action.
STATUS = Lifecycle(
    states=PowStatus,
    transitions=TRANSITIONS,
    subject_type="pow",
    refusal=N_("A prisoner whose status is “{current}” cannot become “{target}”."),
    terminal=frozenset(
        {PowStatus.RELEASED, PowStatus.REPATRIATED, PowStatus.DECEASED, PowStatus.DEFECTED}
    ),
)
