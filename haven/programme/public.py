"""The programme settings' public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

`framework_of(session, organisation_id)` is the unchecked read for services that checked the
actor already (a capture card's organisation); `legal_framework(session, actor)` is the
actor's own organisation's. `framework_heading` is the line documents print where they name
the person held.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from haven.programme.framework import Bilingual, LegalFramework, myanmar_digits
from haven.programme.schemas import Commitment, Conflict, LegalFrameworkIn
from haven.programme.service import framework_of, legal_framework, set_legal_framework


def framework_heading(session: Session, organisation_id: uuid.UUID) -> Bilingual:
    """How the organisation's documents name a person held, in English and Burmese: a
    prisoner of war under GC III, or a person detained in relation to the conflict treated as
    one under the recorded commitment."""
    return framework_of(session, organisation_id).status_line


__all__ = [
    "Bilingual",
    "Commitment",
    "Conflict",
    "LegalFramework",
    "LegalFrameworkIn",
    "framework_heading",
    "framework_of",
    "legal_framework",
    "myanmar_digits",
    "set_legal_framework",
]
