"""The standing rules: from a person's facts (age, vetting, prisoner status, voluntariness) to
their standing and what it allows. Pure: no database, so the table in docs/standing.md can be
checked against it line by line.

One state names the standing (the first that applies, in this order): deceased, child,
referred for accountability, not eligible (not a member of the force), interned prisoner of
war, former prisoner who defected (while some pathway is not yet covered by a voluntariness
check), vetting pending, cleared with conditions, cleared. What is open is worked out from
every fact, not only from the state: a referred person who is also an interned prisoner may
neither serve (referred) nor change path at all until a voluntariness check has found the new
path to be their own free choice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from haven.i18n import N_, Text
from haven.kernel.custody import CustodyAct
from haven.kernel.labels import Labelled
from haven.pow.public import PowStatus
from haven.vetting.public import VettingStatus


class StandingState(Labelled):
    CHILD = "child", N_("Child: protected, not vetted")
    DECEASED = "deceased", N_("Deceased")
    REFERRED = "referred", N_("Referred for accountability")
    NOT_ELIGIBLE = "not_eligible", N_("Not eligible: not a member of the force")
    PRISONER_OF_WAR = "prisoner_of_war", N_("Prisoner of war: interned")
    FORMER_PRISONER = "former_prisoner", N_("Former prisoner of war: defected")
    PENDING_VETTING = "pending_vetting", N_("Vetting pending")
    CLEARED_WITH_CONDITIONS = "cleared_with_conditions", N_("Cleared with conditions")
    CLEARED = "cleared", N_("Cleared")


class Path(Labelled):
    """What may be open to a person. The first three are the pathways (same values as
    `haven.pathways.public.Pathway`); the last is where a referred person's case goes."""

    SERVE = "serve", N_("Serve with rank and position")
    HOME = "home", N_("Go home to the family")
    EXILE = "exile", N_("Relocate in exile")
    CUSTODY_AND_JUSTICE = "custody_and_justice", N_("Custody and justice referral")


PATHWAYS = (Path.SERVE, Path.HOME, Path.EXILE)

# The prisoners whose change of path a voluntariness check gates.
GATED = frozenset({PowStatus.INTERNED, PowStatus.DEFECTED})

# Why the person stands where they do: one sentence per state, what it means and what is open.
REASONS: dict[StandingState, str] = {
    StandingState.CHILD: N_(
        "A child (possibly under 18) is screened for child protection, not vetted for war "
        "crimes, and never recruited: serving is not open; going home (with family tracing) "
        "and exile are. Support is never held by vetting and goes to a guardian or in kind."
    ),
    StandingState.DECEASED: N_("The person has died: no pathway is open."),
    StandingState.REFERRED: N_(
        "Referred for accountability by a vetting decision of two officers: excluded from "
        "serving and from allowances. Going home under conditions, exile, and custody and the "
        "justice referral remain open."
    ),
    StandingState.NOT_ELIGIBLE: N_(
        "Found by a vetting decision of two officers not to be a member of the force (a "
        "civilian or an infiltrator): not a defector, so serving and defection allowances are "
        "not open. Going home and exile remain open to them as a civilian."
    ),
    StandingState.PRISONER_OF_WAR: N_(
        "An interned prisoner of war may change path (defect, serve, go home or into exile) "
        "only after a completed voluntariness check: an independent interview without former "
        "commanders present, in the person's own words."
    ),
    StandingState.FORMER_PRISONER: N_(
        "A prisoner of war who defected takes the pathway a completed voluntariness check "
        "recorded as their own choice; another pathway needs a new check."
    ),
    StandingState.PENDING_VETTING: N_(
        "Vetting is not decided yet: the pathways may be chosen, and allowances are held "
        "until two vetting officers clear the person."
    ),
    StandingState.CLEARED_WITH_CONDITIONS: N_(
        "Cleared by vetting with conditions: every pathway is open, under the conditions of "
        "the decision."
    ),
    StandingState.CLEARED: N_("Cleared by vetting: every pathway is open."),
}

# Why one path is refused, naming the standing that closes it ({standing}: its label).
REFUSED_CHILD = N_(
    "The person's standing is “{standing}”: a child is never given the serve pathway. Going "
    "home or exile remain open."
)
REFUSED_DECEASED = N_("The person's standing is “{standing}”: no pathway can be chosen.")
REFUSED_REFERRED = N_(
    "The person's standing is “{standing}”: they are excluded from serving. Going home under "
    "conditions, exile, and custody and the justice referral remain open."
)
REFUSED_NOT_ELIGIBLE = N_(
    "The person's standing is “{standing}”: only a member of the force who defected may "
    "serve. Going home or exile remain open as a civilian."
)
REFUSED_PRISONER = N_(
    "The person's standing is “{standing}”: a prisoner's path changes only after a completed "
    "voluntariness check that records it as their own choice. Record the check on the "
    "prisoner's record first."
)
REFUSED_NOT_REFERRED = N_(
    "The person's standing is “{standing}”: only a person referred for accountability goes to "
    "custody and the justice referral."
)

# What custody may do to a prisoner (haven.kernel.custody), refused by the standing.
REFUSED_CUSTODY_DECEASED = N_(
    "The person's standing is “{standing}”: they can no longer be moved, released or repatriated."
)
REFUSED_RELEASE_REFERRED = N_(
    "The person's standing is “{standing}”: they stay in custody for the justice referral (a "
    "prisoner against whom criminal proceedings are pending may be held until they end, GC III "
    "Art. 119). They may still be transferred; release or repatriation needs a new vetting "
    "decision by two officers."
)
REFUSED_CARD_CHANGED_SIDES = N_(
    "This person changed sides: no capture card is printed for them. What the tracing agency "
    "learns follows their own recorded choice."
)


@dataclass(frozen=True)
class Facts:
    """What the other domains say about a person (through their public modules).

    `voluntary_paths`: the pathways the latest completed voluntariness check found to be the
    prisoner's own free choice (read only for a prisoner whose path it gates)."""

    person_id: uuid.UUID
    child: bool = False
    vetting: VettingStatus = VettingStatus.PENDING
    prisoner: PowStatus | None = None
    voluntary_paths: frozenset[Path] = frozenset()

    @property
    def deceased(self) -> bool:
        return self.prisoner is PowStatus.DECEASED

    @property
    def interned(self) -> bool:
        return self.prisoner is PowStatus.INTERNED

    @property
    def gated(self) -> bool:
        """Whether a voluntariness check gates the person's path: an interned prisoner, or
        one who defected (the check that allowed the defection names the pathway chosen)."""
        return self.prisoner in GATED

    @property
    def unchecked(self) -> frozenset[Path]:
        """The pathways no completed voluntariness check has found to be the person's own."""
        if not self.gated or self.child:
            return frozenset()
        return frozenset(PATHWAYS) - self.voluntary_paths


@dataclass(frozen=True)
class Standing:
    """A person's standing and what it allows. `reason` is a msgid (why); `refusals` maps
    each closed path to a `Text` naming the standing that closes it."""

    person_id: uuid.UUID
    state: StandingState
    reason: str
    child: bool
    vetting: VettingStatus | None  # None for a child: children are not vetted
    prisoner: PowStatus | None
    voluntary_paths: frozenset[Path]
    open_paths: tuple[Path, ...]
    refusals: dict[Path, Text] = field(default_factory=dict)
    home_under_conditions: bool = False
    # No serving and owed no allowance: referred for accountability, or not eligible (not a
    # member of the force). Only the referral keeps the person in custody (`custody_refusal`).
    excluded: bool = False
    support_held: bool = False  # allowances held while vetting is undecided (never a child)
    may_receive_cash: bool = True  # a child's support goes to a guardian or in kind

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def voluntariness_completed(self) -> bool:
        """Whether a completed voluntariness check found some path the prisoner's own."""
        return bool(self.voluntary_paths)

    @property
    def may_serve(self) -> bool:
        return Path.SERVE in self.open_paths

    @property
    def may_go_home(self) -> bool:
        return Path.HOME in self.open_paths

    @property
    def may_go_into_exile(self) -> bool:
        return Path.EXILE in self.open_paths

    @property
    def custody_and_justice_referral(self) -> bool:
        return Path.CUSTODY_AND_JUSTICE in self.open_paths

    @property
    def open_pathways(self) -> tuple[Path, ...]:
        """The open pathways among serve, home and exile (what the choice page offers)."""
        return tuple(p for p in self.open_paths if p in PATHWAYS)

    def may_choose(self, path: Path | str) -> bool:
        return Path(path) in self.open_paths

    def refusal(self, path: Path | str) -> Text | None:
        """Why `path` is closed (None when it is open)."""
        return None if self.may_choose(path) else self.refusals.get(Path(path))


def _state(facts: Facts) -> StandingState:
    if facts.deceased:
        return StandingState.DECEASED
    if facts.child:
        return StandingState.CHILD
    if facts.vetting is VettingStatus.REFERRED:
        return StandingState.REFERRED
    if facts.vetting is VettingStatus.NOT_ELIGIBLE:
        return StandingState.NOT_ELIGIBLE
    if facts.interned:
        return StandingState.PRISONER_OF_WAR
    if facts.unchecked:
        return StandingState.FORMER_PRISONER
    return {
        VettingStatus.PENDING: StandingState.PENDING_VETTING,
        VettingStatus.CLEARED_WITH_CONDITIONS: StandingState.CLEARED_WITH_CONDITIONS,
        VettingStatus.CLEARED: StandingState.CLEARED,
    }[facts.vetting]


def _refused(msgid: str, state: StandingState) -> Text:
    return Text(msgid, {"standing": Text(state.label)})


def decide(facts: Facts) -> Standing:
    """The person's standing from their facts (see the module's docstring for the order)."""
    state = _state(facts)
    referred = not facts.child and facts.vetting is VettingStatus.REFERRED
    not_eligible = not facts.child and facts.vetting is VettingStatus.NOT_ELIGIBLE
    refusals: dict[Path, Text] = {}
    if not referred:
        refusals[Path.CUSTODY_AND_JUSTICE] = _refused(REFUSED_NOT_REFERRED, state)
    if facts.child:
        refusals[Path.SERVE] = _refused(REFUSED_CHILD, StandingState.CHILD)
    elif referred:
        refusals[Path.SERVE] = _refused(REFUSED_REFERRED, StandingState.REFERRED)
    elif not_eligible:
        refusals[Path.SERVE] = _refused(REFUSED_NOT_ELIGIBLE, StandingState.NOT_ELIGIBLE)
    gate = StandingState.PRISONER_OF_WAR if facts.interned else StandingState.FORMER_PRISONER
    for path in PATHWAYS:
        if path in facts.unchecked:
            refusals.setdefault(path, _refused(REFUSED_PRISONER, gate))
    if facts.deceased:
        for path in Path:
            refusals[path] = _refused(REFUSED_DECEASED, state)
    return Standing(
        person_id=facts.person_id,
        state=state,
        reason=REASONS[state],
        child=facts.child,
        vetting=None if facts.child else facts.vetting,
        prisoner=facts.prisoner,
        voluntary_paths=facts.voluntary_paths if facts.gated else frozenset(),
        open_paths=tuple(p for p in Path if p not in refusals),
        refusals=refusals,
        home_under_conditions=not facts.child
        and facts.vetting in (VettingStatus.REFERRED, VettingStatus.CLEARED_WITH_CONDITIONS),
        excluded=referred or not_eligible,
        support_held=not facts.child and facts.vetting is VettingStatus.PENDING,
        may_receive_cash=not facts.child,
    )


def custody_refusal(standing: Standing, act: CustodyAct) -> Text | None:
    """Why the standing refuses what custody would do to the person (None when allowed): a
    deceased person is not moved, released or repatriated (their cards stay printable for
    the record); a person referred for accountability stays in custody for the justice
    referral (transfers still allowed); nobody who changed sides gets a capture card."""
    if act is CustodyAct.CAPTURE_CARD:
        changed_sides = standing.prisoner is PowStatus.DEFECTED
        return Text(REFUSED_CARD_CHANGED_SIDES) if changed_sides else None
    if standing.state is StandingState.DECEASED:
        return _refused(REFUSED_CUSTODY_DECEASED, standing.state)
    referred = standing.vetting is VettingStatus.REFERRED
    if act in (CustodyAct.RELEASE, CustodyAct.REPATRIATION) and referred:
        return _refused(REFUSED_RELEASE_REFERRED, StandingState.REFERRED)
    return None
