"""Helpers for tests (this domain's and others'): record a pathway choice through the real
service, with an explanation text made on the way if the organisation has none yet."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from haven.kernel.marks import Mark
from haven.pathways import repository, service
from haven.pathways.models import ConsentText, PathwayChoice
from haven.pathways.public import Pathway
from haven.pathways.schemas import ChoiceIn, ConsentTextIn
from haven.people.models import Person
from haven.security.permissions import Actor

EXPLANATION = (
    "You may serve with your rank and position, live with your family peacefully, or be "
    "helped to relocate in exile. No one will force you to fight."
)

# What protects a choice from coercion (synthetic): the same for every test that records one
# through the API or a form; `statement` is given separately where a test reads it back.
SAFEGUARDS: dict[str, object] = {
    "statement": "I choose this myself.",
    "statement_language": "Burmese",
    "present": "Case worker Daw Hla (recorder); interpreter Ko Min",
    "former_commanders_absent": True,
    "mark": "thumbprint",
    "mark_attested_by": "Daw Hla, case worker",
}
# The same, as a form posts it.
SAFEGUARDS_FORM: dict[str, str] = {
    **{k: str(v) for k, v in SAFEGUARDS.items()},
    "former_commanders_absent": "yes",
}


def consent_text(
    db: Session, *, organisation_id: uuid.UUID, language: str = "en", body: str = EXPLANATION
) -> ConsentText:
    """The organisation's current explanation in `language` (made if there is none)."""
    found = repository.latest_consent_text(db, organisation_id, language)
    if found is not None:
        return found
    return service.add_consent_text(
        db,
        Actor.system(),
        ConsentTextIn(language=language, text=body),  # type: ignore[arg-type]
        organisation_id=organisation_id,
    )


def choose(
    db: Session,
    person_id: uuid.UUID,
    pathway: Pathway | str,
    *,
    actor: Actor | None = None,
    language: str = "en",
    statement: str | None = "I choose this myself.",
    change_reason: str | None = None,
) -> PathwayChoice:
    """Record `pathway` as the person's choice through `service.record_choice`.

    A change of an earlier choice gets a default reason unless one is given.
    """
    person = db.get(Person, person_id)
    assert person is not None, "no such person"
    case = repository.case_of_person(db, person_id)
    organisation_id = case.organisation_id if case is not None else person.organisation_id
    text = consent_text(db, organisation_id=organisation_id, language=language)
    if change_reason is None and repository.current_choice(db, person_id) is not None:
        change_reason = "The person changed their mind."
    return service.record_choice(
        db,
        actor or Actor.system(),
        person_id,
        ChoiceIn(
            pathway=Pathway(pathway),
            language=language,  # type: ignore[arg-type]
            consent_text_id=text.id,
            explained=True,
            statement=statement,
            statement_language="Burmese" if language == "my" else "English",
            present="Case worker (recorder)",
            former_commanders_absent=True,
            mark=Mark.THUMBPRINT,
            mark_attested_by="Case worker",
            change_reason=change_reason,
        ),
    )
