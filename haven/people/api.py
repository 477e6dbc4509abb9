"""JSON endpoints for persons: profile, family, photo. (The search, which also finds by
unit, is composed in `haven.web.casefile`.)"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, UploadFile

from haven.kernel.photos import MAX_PHOTO_BYTES
from haven.people import service
from haven.people.schemas import (
    FamilyMemberIn,
    FamilyMemberOut,
    FamilyMemberUpdate,
    PersonOut,
    ProfileUpdate,
)
from haven.web import openapi
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/people", tags=["people"])


@router.get("/{person_id}")
def get_person(person_id: uuid.UUID, session: DB, actor: ApiActor) -> PersonOut:
    """A person's full record (the read is audited)."""
    return PersonOut.model_validate(service.get_person(session, actor, person_id))


@router.patch("/{person_id}")
def update_profile(
    person_id: uuid.UUID, data: ProfileUpdate, session: DB, actor: ApiActor
) -> PersonOut:
    """Complete or correct the profile; only the fields sent change."""
    return PersonOut.model_validate(service.update_profile(session, actor, person_id, data))


@router.get("/{person_id}/family")
def list_family(person_id: uuid.UUID, session: DB, actor: ApiActor) -> list[FamilyMemberOut]:
    """Family members and dependants."""
    return [FamilyMemberOut.model_validate(m) for m in service.family(session, actor, person_id)]


@router.post("/{person_id}/family", status_code=201)
def add_family_member(
    person_id: uuid.UUID, data: FamilyMemberIn, session: DB, actor: ApiActor
) -> FamilyMemberOut:
    """Add a family member; their whereabouts is classified highly confidential."""
    return FamilyMemberOut.model_validate(
        service.add_family_member(session, actor, person_id, data)
    )


@router.get("/{person_id}/family/{member_id}")
def get_family_member(
    person_id: uuid.UUID, member_id: uuid.UUID, session: DB, actor: ApiActor
) -> FamilyMemberOut:
    """One relative of the person, by their own id."""
    return FamilyMemberOut.model_validate(
        service.family_member(session, actor, person_id, member_id)
    )


@router.patch("/{person_id}/family/{member_id}")
def update_family_member(
    person_id: uuid.UUID,
    member_id: uuid.UUID,
    data: FamilyMemberUpdate,
    session: DB,
    actor: ApiActor,
) -> FamilyMemberOut:
    """Correct a relative: only the fields sent change (`is_dependant: null` gives the
    decision back to the dependant rule); the person's entitlements recompute."""
    return FamilyMemberOut.model_validate(
        service.update_family_member(session, actor, person_id, member_id, data)
    )


@router.delete("/{person_id}/family/{member_id}", status_code=204)
def remove_family_member(
    person_id: uuid.UUID, member_id: uuid.UUID, session: DB, actor: ApiActor
) -> Response:
    """Remove a family member recorded by mistake."""
    service.remove_family_member(session, actor, person_id, member_id)
    return Response(status_code=204)


@router.put("/{person_id}/photo", status_code=204)
def set_photo(person_id: uuid.UUID, photo: UploadFile, session: DB, actor: ApiActor) -> Response:
    """Upload a photo (JPEG or PNG, at most 5 MB); it is re-encoded without metadata."""
    content = photo.file.read(MAX_PHOTO_BYTES + 1)
    service.set_photo(session, actor, person_id, content)
    return Response(status_code=204)


@router.get(
    "/{person_id}/photo",
    response_class=Response,
    responses=openapi.binary("image/jpeg", "The photo, re-encoded without metadata."),
)
def get_photo(person_id: uuid.UUID, session: DB, actor: ApiActor) -> Response:
    """The person's photo as JPEG."""
    photo = service.get_photo(session, actor, person_id)
    return Response(photo.data, media_type=photo.content_type)
