"""Demo weapons stores (issue 25), so that the stores show something in a new demo:

- an armoury and an ammunition store at the demo registrar's site, opened by the registrar
  (who holds their keys), their locations invented;
- the first items received at that site taken into the armoury (5.56 mm rounds into the
  ammunition store), one marked not received;
- a stock check of the ammunition store that found ten rounds fewer, explained.

Other items stay "waiting for intake", for the demo's users to take in. Every name and
place is invented.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.accounts import sessions
from haven.reception.public import WeaponKind
from haven.weapons import checks, intake, repository, service
from haven.weapons.schemas import CountIn, IntakeIn, IntakeLine, StockCheckIn, StoreIn

TAKEN_IN = 8


def seed_weapons(session: Session) -> int:
    """Open the demo stores and fill them once; returns how many items were settled."""
    user = accounts.user_by_username(session, "registrar")
    if user is None or user.site_id is None:
        return 0
    keeper = sessions.actor_for(user)
    if service.stores(session, keeper):
        return 0
    armoury = service.open_store(
        session,
        keeper,
        StoreIn.model_validate(
            {"name": "Demoso armoury", "kind": "armoury", "location": "Synthetic hut 4, east row"}
        ),
    )
    ammunition = service.open_store(
        session,
        keeper,
        StoreIn.model_validate(
            {
                "name": "Demoso ammunition store",
                "kind": "ammunition",
                "location": "Synthetic bunker behind the clinic",
            }
        ),
    )
    waiting = service.waiting_items(session, keeper)[:TAKEN_IN]
    rounds = [i for i in waiting if i.kind == WeaponKind.AMMUNITION]
    weapons = [i for i in waiting if i.kind != WeaponKind.AMMUNITION]
    lines = [IntakeLine(item_id=item.id, serviceable=item.serviceable) for item in weapons[1:]]
    if weapons:
        lines.append(
            IntakeLine(
                item_id=weapons[0].id,
                received=False,
                reason="Synthetic: declared at reception, left with the unit's commander",
            )
        )
    if lines:
        intake.take_in(session, keeper, armoury.id, IntakeIn(lines=lines))
    if rounds:
        intake.take_in(
            session,
            keeper,
            ammunition.id,
            IntakeIn(lines=[IntakeLine(item_id=i.id, calibre="5.56x45") for i in rounds]),
        )
        held = repository.calibre_balances(session, ammunition.id)
        counts = [
            CountIn(
                calibre=calibre,
                counted=max(0, quantity - 10),
                reason="Synthetic: ten rounds found wet and set aside for destruction",
            )
            for calibre, quantity in held.items()
        ]
        checks.stock_check(
            session,
            keeper,
            ammunition.id,
            StockCheckIn(
                witness_name="Synthetic Witness", witness_role="Guard commander", counts=counts
            ),
        )
    return len(lines) + len(rounds)
