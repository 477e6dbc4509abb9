"""Deny by default: a protected field is read only through the reader bound where the actor
was resolved, and code widens it only inside an explicit block (docs/security.md)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts.sessions import actor_for
from haven.kernel.sensitivity import bind_actor
from haven.people.public import Person, ProfileUpdate, update_profile
from haven.security.fields import ReaderNotBound, masked_fields, unmasked
from haven.security.permissions import Actor, Role
from tests import factories

NRC = "12/OUKAMA(N)123456"
PHONE = "09 450 123 456"


def _received(db: Session) -> tuple[Person, Actor, Actor]:
    """A person with an NRC and a phone, recorded by a registrar; and a vetting officer."""
    organisation = factories.organisation(db)
    site = factories.site(db, organisation=organisation)
    registrar = actor_for(factories.registrar(db, organisation=organisation, site=site))
    vetting = actor_for(
        factories.user(db, organisation=organisation, role=Role.VETTING_OFFICER, site=site)
    )
    bind_actor(db, registrar)
    event = factories.receive(db, registrar)
    person = update_profile(db, registrar, event.person_id, ProfileUpdate(nrc=NRC, phone=PHONE))
    db.flush()
    return person, registrar, vetting


def test_with_no_reader_bound_a_protected_field_raises(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    person, _registrar, _vetting = _received(db)
    unbound = session_factory()  # the same transaction, but nobody has been resolved in it
    try:
        found = unbound.get(Person, person.id)
        assert found is not None
        assert found.name_latin == "Aung Kyaw"  # a plain column needs no reader
        with pytest.raises(ReaderNotBound) as caught:
            _ = found.phone
        assert PHONE not in str(caught.value)
        with pytest.raises(ReaderNotBound):
            masked_fields(found)
        # An explicit widening is the only way to read without a bound reader.
        with unmasked(unbound):
            assert found.phone == PHONE
        with pytest.raises(ReaderNotBound):
            _ = found.nrc
    finally:
        unbound.close()


def test_the_bound_reader_masks_by_role_and_a_widening_ends_with_its_block(db: Session) -> None:
    person, registrar, vetting = _received(db)
    assert (person.phone, person.nrc) == (PHONE, NRC)  # the registrar's clearance

    bind_actor(db, vetting)  # a vetting officer: names and the numbers screening matches
    assert person.phone is None
    assert person.nrc == NRC
    assert "phone" in masked_fields(person)

    with unmasked(db):
        assert person.phone == PHONE
    assert person.phone is None  # the vetting officer's reader is back

    bind_actor(db, registrar)
    assert person.phone == PHONE
