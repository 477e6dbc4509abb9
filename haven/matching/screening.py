"""Screening one person against lists of alleged perpetrators and watchlists.

Tuned for recall: missing a perpetrator who registers under a variant spelling is far worse
than a reviewer dismissing an alert. The rule:

1. Candidates: every entry whose name or alias (in either script, in the phonetic key space
   of `haven.matching.phonetic`, order-aware) is at least `NAME_CANDIDATE` similar to one of
   the person's names or aliases, and every entry sharing an NRC or service number (an
   identifier a typo apart is scored when the name makes the entry a candidate). Aliases
   are screened like names; a hit found only through an alias says so ("alias").
2. Each candidate gets a score, a sum of evidence weights in log2 odds (Fellegi-Sunter
   style): the name weight depends on how common the person's name is among registrants
   (`name_share`: an exact "Aung Aung" says little, a rare name says much; the person's
   side, since the registrants are the population a list entry's name is drawn against),
   then father's name (weighed by how common it is too), identifiers, birth year, unit and
   rank. Ranks compare by the rank
   they are, whatever the script or abbreviation ("Capt", "Captain", ဗိုလ်ကြီး, "Bo Gyi":
   `haven.forces.public.reference_rank_names`); a rank no reference table lists compares by
   its written key and never counts against. The reasons are kept in plain words.
3. An entry is an alert when a hard identifier (NRC, service number) agrees, or the score
   reaches `ALERT_AT`, or the name is the same and the pair has nothing else to compare (no
   field present on both sides that could confirm or contradict it). When a table of name
   frequencies is given (`name_share`), a name alone alerts only if it is rare
   (`RARE_NAME_ALONE`): with names as concentrated as Burmese names are, common names alone
   would flag a large share of registrants (docs/benchmarks.md gives the recall/alert curve
   measured on the synthetic benchmark).
4. A birth-date mismatch never lowers the score: people misstate their age and lists guess
   it, so a birth-date mismatch alone never clears a hit (it is shown as a reason).

The weights are log2(m/u) estimated on the candidate pairs of a 20,000-record benchmark run
with seed 11 (`bench/matching/screening.py`), rounded, and `ALERT_AT` (with the father's
weight bounds) chosen on seed 11 runs of 20,000 and 100,000 records to keep false alerts
under 20 per 1,000 registrants; the figures reported in docs/benchmarks.md are from seed 7,
not tuned to. Weights set by policy, not estimated: a
birth mismatch weighs 0 (above), and the disagreements of father, unit and rank are milder
than the data says (transfers, promotions, fathers' names written many ways).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.fuzz import ratio

from haven.forces.public import rank_key, reference_rank_names
from haven.i18n import N_
from haven.matching.compare import (
    Normalised,
    birth_agreement,
    identifier_agreement,
    name_similarity,
    normalise,
)
from haven.matching.phonetic import joined, name_keys
from haven.matching.records import IdentityRecord, ScreeningMatch

NAME_CANDIDATE = 0.78  # name similarity (0..1) that makes an entry a candidate
ALERT_AT = 15.0  # score (log2 odds) at which a candidate is an alert
NAME_M = 0.95  # share of true matches whose name keys are the same
DEFAULT_NAME_SHARE = 1 / 2000  # share of people with a given name, when no table is given
MIN_NAME_SHARE = 1 / 200_000
RARE_NAME_ALONE = 15.0  # an exact name this rare alerts alone when nothing else compares
FATHER_AGREE_MIN = 4.0  # the weight of the commonest father's name agreeing

# Evidence weights in log2 odds (see the module docstring for where they come from).
WEIGHTS = {
    "name_close": -4.0,  # relative to the exact-name weight
    "name_similar": -9.0,  # a similar name is most often a brother's or a namesake's
    "father_agree": 10.0,  # at most: a common father's name agrees by chance (see below)
    "father_disagree": -8.0,
    "id_agree": 15.0,
    "id_typo": 8.0,
    "id_disagree": -8.0,
    "birth_date": 5.0,
    "birth_year": 3.0,
    "birth_near": 3.0,
    "unit_agree": 10.0,
    "unit_disagree": -3.5,  # transfers: a listed unit may be the one before
    "rank_agree": 3.0,
    "rank_disagree": -2.5,  # promotions: a listed rank may be an earlier one
}

REASONS = {
    "name_exact": N_("name sounds the same"),
    "name_close": N_("name sounds almost the same"),
    "name_similar": N_("name sounds similar"),
    "father_agree": N_("father's name sounds the same"),
    "father_disagree": N_("father's name differs"),
    "nrc_agree": N_("same NRC"),
    "nrc_typo": N_("NRC one character apart"),
    "nrc_disagree": N_("NRC differs"),
    "service_agree": N_("same service number"),
    "service_typo": N_("service number one character apart"),
    "service_disagree": N_("service number differs"),
    "birth_date": N_("same birth date"),
    "birth_year": N_("same birth year"),
    "birth_near": N_("birth year one apart"),
    "birth_mismatch": N_("birth year differs (does not clear the alert)"),
    "unit_agree": N_("same unit"),
    "unit_disagree": N_("different unit"),
    "rank_agree": N_("same rank"),
    "rank_disagree": N_("different rank"),
    "alias": N_("matched on an alias"),
    "nothing_else": N_("nothing else to compare"),
}

NameShare = Callable[[str], float]


def _name_evidence(similarity: float | None) -> str | None:
    if similarity is None:
        return None
    if similarity >= 0.999:
        return "name_exact"
    if similarity >= 0.9:
        return "name_close"
    if similarity >= NAME_CANDIDATE:
        return "name_similar"
    return None


def _identifier(kind: str, agreement: int | None) -> tuple[float, str | None, bool]:
    if agreement is None:
        return 0.0, None, False
    if agreement == 2:
        return WEIGHTS["id_agree"], f"{kind}_agree", True
    if agreement == 1:
        return WEIGHTS["id_typo"], f"{kind}_typo", False
    return WEIGHTS["id_disagree"], f"{kind}_disagree", False


def _default_share(_: str) -> float:
    return DEFAULT_NAME_SHARE


def _birth_evidence(agreement: int | None) -> tuple[float, str | None]:
    """A mismatch is reported with weight 0: it never counts against the hit."""
    if agreement is None:
        return 0.0, None
    reason = {3: "birth_date", 2: "birth_year", 1: "birth_near"}.get(agreement, "birth_mismatch")
    return WEIGHTS.get(reason, 0.0), reason


@lru_cache(maxsize=10_000)
def _rank(written: str) -> tuple[frozenset[str], bool]:
    """The ranks a written rank may be, and whether a reference table knows it (otherwise
    its written key stands for itself)."""
    names = reference_rank_names(written)
    return (names, True) if names else (frozenset({rank_key(written)}), False)


def rank_agreement(left: str | None, right: str | None) -> int | None:
    """1 the same rank (however written), 0 different ranks both known to a reference table,
    None unknown (either missing, or an unknown rank that does not equal the other)."""
    if not left or not right:
        return None
    left_ranks, left_known = _rank(left)
    right_ranks, right_known = _rank(right)
    if left_ranks & right_ranks:
        return 1
    return 0 if left_known and right_known else None


def alias_keys(aliases: Sequence[str]) -> tuple[str, ...]:
    """The name keys of a record's aliases (as `normalise` keys its names), without repeats."""
    keys: list[str] = []
    for alias in aliases:
        key = joined(name_keys(alias))
        if key and key not in keys:
            keys.append(key)
    return tuple(keys)


def _name_weight(name: str, keys: tuple[str, ...], name_share: NameShare | None) -> float:
    """The name's weight: rarer names weigh more. The share is how common the person's name
    is among registrants (the rarest of its writings): the entry's own spelling may be rare
    only because lists misspell it."""
    share_of = name_share or _default_share
    share = max(min(share_of(key) for key in keys), MIN_NAME_SHARE)
    return math.log2(NAME_M / share) + WEIGHTS.get(name, 0.0)


def _father_weight(fathers: tuple[str, ...], name_share: NameShare | None) -> float:
    """A father's name agreeing weighs as much as the name is rare (fathers' names are names:
    the same table says how common), between `FATHER_AGREE_MIN` and the weight of
    "father_agree"; namesakes with a common father's name are many."""
    share_of = name_share or _default_share
    share = max(min(share_of(key) for key in fathers), MIN_NAME_SHARE)
    return max(FATHER_AGREE_MIN, min(WEIGHTS["father_agree"], math.log2(NAME_M / share)))


def _service_evidence(person: Normalised, entry: Normalised) -> list[str]:
    """Unit and rank agreement, as reason keys (a rank alone never makes a pair comparable:
    one person in eight shares a rank by chance)."""
    found: list[str] = []
    if person.unit and entry.unit:
        found.append("unit_agree" if person.unit == entry.unit else "unit_disagree")
    rank = rank_agreement(person.rank, entry.rank)
    if rank is not None:
        found.append("rank_agree" if rank else "rank_disagree")
    return found


@dataclass(frozen=True)
class Assessment:
    score: float
    reasons: tuple[str, ...]
    alert: bool


def _names(
    person: Normalised,
    entry: Normalised,
    person_aliases: tuple[str, ...],
    entry_aliases: tuple[str, ...],
) -> tuple[float | None, tuple[str, ...], bool]:
    """The best name similarity, the person's keys it rests on, and whether only an alias
    reaches it (on either side)."""
    similarity = name_similarity(person.names, entry.names)
    if not person_aliases and not entry_aliases:
        return similarity, person.names, False
    best, keys, alias = similarity, person.names, False
    for mine, theirs, through_alias in (
        (person.names, entry_aliases, True),
        (person_aliases, entry.names, True),
        (person_aliases, entry_aliases, True),
    ):
        found = name_similarity(mine, theirs)
        if found is not None and (best is None or found > best):
            best, keys, alias = found, mine, through_alias
    return best, keys, alias


def assess(
    person: Normalised,
    entry: Normalised,
    name_share: NameShare | None = None,
    *,
    person_aliases: tuple[str, ...] = (),
    entry_aliases: tuple[str, ...] = (),
) -> Assessment:
    """The score (birth mismatch never counted against), reason keys and the decision.

    `person_aliases` and `entry_aliases` are alias keys (`alias_keys`); `person.rank` and
    `entry.rank` may be written in any script or abbreviation (`rank_agreement`)."""
    score = 0.0
    reasons: list[str] = []
    hard = False
    comparable = False
    similarity, keys, through_alias = _names(person, entry, person_aliases, entry_aliases)
    name = _name_evidence(similarity)
    if name is not None:
        score += _name_weight(name, keys or entry.names, name_share)
        reasons.extend((name, "alias") if through_alias else (name,))
    father = name_similarity(person.fathers, entry.fathers)
    if father is not None:
        comparable = True
        if father >= 0.85:
            score += _father_weight(person.fathers, name_share)
            reasons.append("father_agree")
        elif father < 0.6:
            score += WEIGHTS["father_disagree"]
            reasons.append("father_disagree")
    for kind, left, right in (
        ("nrc", person.nrc, entry.nrc),
        ("service", person.service_number, entry.service_number),
    ):
        agreement = identifier_agreement(left, right)
        weight, reason, agrees = _identifier(kind, agreement)
        comparable = comparable or agreement is not None
        score += weight
        hard = hard or agrees
        if reason:
            reasons.append(reason)
    birth_weight, birth_reason = _birth_evidence(birth_agreement(person, entry))
    score += birth_weight
    if birth_reason:
        reasons.append(birth_reason)
    for reason in _service_evidence(person, entry):
        score += WEIGHTS[reason]
        reasons.append(reason)
        comparable = comparable or reason.startswith("unit")
    alert = hard or score >= ALERT_AT
    # Only a name to go on (and at most a birth year, which may not clear, and a rank, which
    # one person in eight shares by chance). Without a table of name frequencies nothing says
    # the name is common: recall first, it alerts. With one, only a rare name alerts alone (a
    # common one would flag a large share of registrants).
    name_alone = name == "name_exact" or (name == "name_close" and name_share is None)
    rare_enough = name_share is None or score >= RARE_NAME_ALONE
    if not alert and not comparable and name_alone and rare_enough:
        alert = True
        reasons.append("nothing_else")
    return Assessment(score=score, reasons=tuple(reasons), alert=alert)


class Watchlist:
    """Entries prepared once (normalised, names and aliases indexed) to screen many people."""

    def __init__(
        self, entries: Sequence[IdentityRecord], *, name_share: NameShare | None = None
    ) -> None:
        self.entries = list(entries)
        self.name_share = name_share
        self.normalised = [normalise(entry) for entry in self.entries]
        self.aliases = [alias_keys(entry.aliases) for entry in self.entries]
        self._choices: list[str] = []
        self._joined: list[str] = []
        self._owners: list[int] = []
        self._by_identifier: dict[str, list[int]] = {}
        for index, entry in enumerate(self.normalised):
            for name in (*entry.names, *self.aliases[index]):
                self._choices.append(name)
                self._joined.append(name.replace(" ", ""))
                self._owners.append(index)
            for identifier in (entry.nrc, entry.service_number):
                if identifier:
                    self._by_identifier.setdefault(identifier, []).append(index)

    def _candidates(self, person: Normalised, aliases: tuple[str, ...] = ()) -> set[int]:
        found: set[int] = set()
        for identifier in (person.nrc, person.service_number):
            if identifier:
                found.update(self._by_identifier.get(identifier, ()))
        cutoff = NAME_CANDIDATE * 100 * 0.95  # the no-space comparison is discounted by 0.98
        for name in (*person.names, *aliases):
            for query, pool in ((name, self._choices), (name.replace(" ", ""), self._joined)):
                for _, _, position in process.extract(
                    query, pool, scorer=ratio, score_cutoff=cutoff, limit=None
                ):
                    found.add(self._owners[position])
        return found

    def screen(self, person: IdentityRecord) -> list[ScreeningMatch]:
        """The entries that may be `person`, strongest first, each with its reasons."""
        subject = normalise(person)
        aliases = alias_keys(person.aliases)
        matches: list[ScreeningMatch] = []
        for index in self._candidates(subject, aliases):
            assessment = assess(
                subject,
                self.normalised[index],
                self.name_share,
                person_aliases=aliases,
                entry_aliases=self.aliases[index],
            )
            if assessment.alert:
                matches.append(
                    ScreeningMatch(
                        entry_key=self.entries[index].key,
                        score=round(assessment.score, 2),
                        reasons=tuple(REASONS[reason] for reason in assessment.reasons),
                    )
                )
        matches.sort(key=lambda match: (-match.score, str(match.entry_key)))
        return matches


def screen_against(
    person: IdentityRecord, entries: Sequence[IdentityRecord]
) -> list[ScreeningMatch]:
    """The entries that may be `person`, strongest first, each with its reasons.

    Reasons are English msgids (translate with `_()` for display). To screen many people
    against one list, build a `Watchlist` once and call its `screen`.
    """
    return Watchlist(entries).screen(person)
