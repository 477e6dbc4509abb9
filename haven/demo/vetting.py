"""Demo vetting data: a few synthetic incidents and a synthetic watchlist, recorded by the
demo vetting officer, so that screening finds hits among the demo people.

Every name, place and event here is invented. Cases stay undecided: a decision needs two
officers with a fresh sign-in, which is done in the pages (`vetting`, then `vetting2`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.accounts import repository, sessions
from haven.vetting import incidents
from haven.vetting.public import has_incidents
from haven.vetting.schemas import IncidentIn

INCIDENTS: tuple[dict[str, object], ...] = (
    {
        "kind": "massacre",
        "period": "2023-03-11",
        "township": "Pekon",
        "village": "Synthetic village A",
        "units": ["LIB 428"],
        "perpetrators": [{"name": "Kyaw Zin Oo", "rank": "Captain", "unit": "LIB 428"}],
        "summary": "Synthetic demonstration record: civilians killed during a village raid.",
        "sources": "Two synthetic witness statements.",
        "source_reliability": "B",
        "information_credibility": 2,
    },
    {
        "kind": "arson",
        "period": "2022",
        "township": "Demoso",
        "village": "Synthetic village B",
        "units": ["IB 72"],
        "perpetrators": [{"name": "ထန့်ဇင်", "rank": "Sergeant", "unit": "ခလရ ၇၂"}],
        "summary": "Synthetic demonstration record: houses burned after an ambush.",
        "sources": "Satellite imagery (synthetic).",
        "source_reliability": "C",
        "information_credibility": 3,
    },
    {
        "kind": "destruction_of_homes",
        "period": "2024-01/2024-02",
        "township": "Hpruso",
        "units": [],
        "perpetrators": [{"name": "Aung Myo Thant", "rank": "Major"}],
        "summary": "Synthetic demonstration record: homes demolished.",
        "source_reliability": "D",
        "information_credibility": 4,
    },
)
WATCHLIST = (
    "name,birth_year,unit,note\n"
    "Zaw Min Htike,1978,LIB 531,Synthetic sanctions entry\n"
    "Thein Zaw Naing,,,Synthetic sanctions entry\n"
)


def seed_vetting(session: Session) -> int:
    """Record the demo incidents and watchlist (once); the number of incidents recorded."""
    user = repository.user_by_username(session, "vetting")
    if user is None:
        return 0
    if has_incidents(session, user.organisation_id):
        return 0
    actor = sessions.actor_for(user)
    for data in INCIDENTS:
        incidents.record_incident(session, actor, IncidentIn.model_validate(data))
    incidents.load_watchlist(
        session, actor, name="Synthetic sanctions list", content=WATCHLIST.encode()
    )
    return len(INCIDENTS)
