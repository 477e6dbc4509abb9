"""Screening one person against lists of alleged perpetrators and watchlists.

Tuned for recall: missing a perpetrator who registers under a variant spelling is far worse
than a reviewer dismissing an alert. The rule:

1. Candidates: every entry whose name (in either script, in the phonetic key space of
   `haven.matching.phonetic`, order-aware) is at least `NAME_CANDIDATE` similar to one of
   the person's names, and every entry sharing an NRC or service number (an identifier a
   typo apart is scored when the name makes the entry a candidate).
2. Each candidate gets a score, a sum of evidence weights in log2 odds (Fellegi-Sunter
   style): the name weight depends on how common the name is (`name_share`: an exact
   "Aung Aung" says little, a rare name says much), then father's name, unit, birth year,
   rank. The reasons are kept in plain words.
3. An entry is an alert when a hard identifier (NRC, service number) agrees, or the score
   reaches `ALERT_AT`, or the name is the same and the pair has nothing else to compare (no
   field present on both sides that could confirm or contradict it). When a table of name
   frequencies is given (`name_share`), a name alone alerts only if it is rare
   (`RARE_NAME_ALONE`): with names as concentrated as Burmese names are, common names alone
   would flag a large share of registrants (docs/benchmarks.md gives the recall/alert curve
   measured on the synthetic benchmark).
4. A birth-date mismatch never lowers the score: people misstate their age and lists guess
   it, so a birth-date mismatch alone never clears a hit (it is shown as a reason).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.fuzz import ratio

from haven.i18n import N_
from haven.matching.compare import (
    Normalised,
    birth_agreement,
    identifier_agreement,
    name_similarity,
    normalise,
)
from haven.matching.records import IdentityRecord, ScreeningMatch

NAME_CANDIDATE = 0.78  # name similarity (0..1) that makes an entry a candidate
ALERT_AT = 15.0  # score (log2 odds) at which a candidate is an alert
NAME_M = 0.95  # share of true matches whose name keys are the same
DEFAULT_NAME_SHARE = 1 / 2000  # share of people with a given name, when no table is given
MIN_NAME_SHARE = 1 / 200_000
RARE_NAME_ALONE = 15.0  # an exact name this rare alerts alone when nothing else compares

# Evidence weights in log2 odds, tuned on the synthetic benchmark (docs/benchmarks.md).
WEIGHTS = {
    "name_close": -3.0,  # relative to the exact-name weight
    "name_similar": -7.0,
    "father_agree": 8.0,
    "father_disagree": -6.0,
    "id_agree": 15.0,
    "id_typo": 8.0,
    "id_disagree": -8.0,
    "birth_date": 5.0,
    "birth_year": 4.0,
    "birth_near": 3.0,
    "unit_agree": 10.0,
    "unit_disagree": -1.5,
    "rank_agree": 2.0,
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


@dataclass(frozen=True)
class Assessment:
    score: float
    reasons: tuple[str, ...]
    alert: bool


def assess(
    person: Normalised, entry: Normalised, name_share: NameShare | None = None
) -> Assessment:
    """The score (birth mismatch never counted against), reason keys and the decision."""
    score = 0.0
    reasons: list[str] = []
    hard = False
    comparable = False
    similarity = name_similarity(person.names, entry.names)
    name = _name_evidence(similarity)
    if name is not None:
        share_of = name_share or _default_share
        shares = [share_of(key) for key in (*person.names, *entry.names)]
        share = max(min(shares), MIN_NAME_SHARE)
        score += math.log2(NAME_M / share) + WEIGHTS.get(name, 0.0)
        reasons.append(name)
    father = name_similarity(person.fathers, entry.fathers)
    if father is not None:
        comparable = True
        if father >= 0.85:
            score += WEIGHTS["father_agree"]
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
    if person.unit and entry.unit:
        comparable = True
        if person.unit == entry.unit:
            score += WEIGHTS["unit_agree"]
            reasons.append("unit_agree")
        else:
            score += WEIGHTS["unit_disagree"]
            reasons.append("unit_disagree")
    if person.rank and entry.rank and person.rank == entry.rank:
        score += WEIGHTS["rank_agree"]
        reasons.append("rank_agree")
    alert = hard or score >= ALERT_AT
    # Only a name to go on (and at most a birth year, which may not clear). Without a table of
    # name frequencies nothing says the name is common: recall first, it alerts. With one,
    # only a rare name alerts alone (a common one would flag a large share of registrants).
    name_alone = name == "name_exact" or (name == "name_close" and name_share is None)
    rare_enough = name_share is None or score >= RARE_NAME_ALONE
    if not alert and not comparable and name_alone and rare_enough:
        # Only a rare name to go on (and at most a birth year, which may not clear): alert.
        alert = True
        reasons.append("nothing_else")
    return Assessment(score=score, reasons=tuple(reasons), alert=alert)


class Watchlist:
    """Entries prepared once (normalised, name keys indexed) to screen many people quickly."""

    def __init__(
        self, entries: Sequence[IdentityRecord], *, name_share: NameShare | None = None
    ) -> None:
        self.entries = list(entries)
        self.name_share = name_share
        self.normalised = [normalise(entry) for entry in self.entries]
        self._choices: list[str] = []
        self._joined: list[str] = []
        self._owners: list[int] = []
        self._by_identifier: dict[str, list[int]] = {}
        for index, entry in enumerate(self.normalised):
            for name in entry.names:
                self._choices.append(name)
                self._joined.append(name.replace(" ", ""))
                self._owners.append(index)
            for identifier in (entry.nrc, entry.service_number):
                if identifier:
                    self._by_identifier.setdefault(identifier, []).append(index)

    def _candidates(self, person: Normalised) -> set[int]:
        found: set[int] = set()
        for identifier in (person.nrc, person.service_number):
            if identifier:
                found.update(self._by_identifier.get(identifier, ()))
        cutoff = NAME_CANDIDATE * 100 * 0.95  # the no-space comparison is discounted by 0.98
        for name in person.names:
            for query, pool in ((name, self._choices), (name.replace(" ", ""), self._joined)):
                for _, _, position in process.extract(
                    query, pool, scorer=ratio, score_cutoff=cutoff, limit=None
                ):
                    found.add(self._owners[position])
        return found

    def screen(self, person: IdentityRecord) -> list[ScreeningMatch]:
        """The entries that may be `person`, strongest first, each with its reasons."""
        subject = normalise(person)
        matches: list[ScreeningMatch] = []
        for index in self._candidates(subject):
            assessment = assess(subject, self.normalised[index], self.name_share)
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
