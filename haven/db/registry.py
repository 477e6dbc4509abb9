"""Every domain's models, imported so that `Base.metadata` knows all tables (for Alembic)."""

import haven.accounts.models
import haven.agreements.models
import haven.allowances.models
import haven.audit.models
import haven.cards.models
import haven.complaints.models
import haven.contacts.models
import haven.disclosures.models
import haven.families.models
import haven.forces.models
import haven.jobs.models
import haven.matching.models
import haven.pathways.models
import haven.people.models
import haven.pow.models
import haven.programme.models
import haven.protection.models
import haven.reception.models
import haven.security.models
import haven.sync.models
import haven.vetting.models
import haven.weapons.models  # noqa: F401
from haven.db.base import Base


def load_models() -> type[Base]:
    """The declarative base, its metadata holding every table."""
    return Base
