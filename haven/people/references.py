"""Finding a person by their reference number (`P-7K3M9QR`, `haven.kernel.references`): the
people search box and every form that asks for a person."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.errors import ValidationFailed
from haven.i18n import N_
from haven.kernel.references import Kind, lookup, parse_field
from haven.people import repository
from haven.people.models import Person
from haven.security.permissions import Actor, Permission, require

NO_SUCH_PERSON = N_("No person of your organisation has this reference number.")
ENTER_REFERENCE = N_("Enter the person's reference number.")


def find_by_reference(session: Session, actor: Actor, text: str) -> Person | None:
    """The person whose reference the text is (forgiving case, spaces, hyphens, O for 0 and
    I or L for 1), among those the actor may see; None when the text is no valid person's
    reference or names no one the actor may see. For a search box: any text may come."""
    require(actor, Permission.PERSON_READ)
    reference = lookup(text, Kind.PERSON)
    if reference is None:
        return None
    return repository.person_by_reference(session, actor, reference)


def person_for_reference(session: Session, actor: Actor, text: str, *, field: str) -> Person:
    """The person a form's field names by reference; ValidationFailed on that field when the
    text is empty, is not a reference, has a typo, or names no one the actor may see."""
    if not text.strip():
        raise ValidationFailed(fields={field: ENTER_REFERENCE})
    reference = parse_field(text, Kind.PERSON, field)
    person = repository.person_by_reference(session, actor, reference)
    if person is None:
        raise ValidationFailed(fields={field: NO_SUCH_PERSON})
    return person
