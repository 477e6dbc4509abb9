"""Finding a payment batch by its reference number (`B-7K3M9QR`, `haven.kernel.references`), for a
search box or a form that asks for one."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy.orm import Session

from haven.allowances.models import PaymentBatch
from haven.kernel.references import Kind, lookup
from haven.kernel.references.repository import readable_by_reference
from haven.kernel.repository import Repository
from haven.security.permissions import Actor, Permission, require


class _Scoped(Repository[PaymentBatch]):
    model = PaymentBatch
    site_column: ClassVar[str | None] = None


def find_by_reference(session: Session, actor: Actor, text: str) -> PaymentBatch | None:
    """The payment batch whose reference the text is (forgiving case, spaces, hyphens, O for 0, I or
    L for 1), among those of the actor's organisation; None when the text is no valid
    reference of that kind or names nothing the actor may see."""
    require(actor, Permission.PAYMENT_READ)
    reference = lookup(text, Kind.BATCH)
    if reference is None:
        return None
    return readable_by_reference(_Scoped(session), actor, reference)
