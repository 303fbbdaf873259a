"""Purchase orders whose provider order will not deliver: finance orders again (one new
order at the provider, the same purchase order number) or closes the purchase order
(no credit, ever). Finance only, and never the requester (four-eyes, as for approval).

Ordering again moves the cancelled order to `replaced_orders` and the purchase order back
to `ordering` in one transaction under its row lock; only the caller that made that move
places the new order, so double clicks and retries place exactly one."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import Actor, POStatus, PurchaseOrderView, Role
from ledger.errors import N_, FourEyes, InvalidInput, Phrase
from ledger.orm import PurchaseOrder, ReplacedOrder
from ledger.provider import CreditProvider
from ledger.services import purchases
from ledger.services.context import Ledger
from ledger.services.ordering import place_order
from ledger.services.purchases import MAX_REASON
from ledger.text import storable

# Provider states a purchase order may be closed from: nothing delivered yet.
CLOSABLE = ("cancelled", "ordered")


def _load(session: Session, number: str, actor: Actor, verb: str) -> PurchaseOrder:
    po = purchases.locked_purchase_order(session, number)
    if po.requested_by == actor.user_id:
        raise FourEyes(
            N_("you requested {number}, so someone else in finance must {action} it"),
            hint=N_("four-eyes rule"),
            number=po.number,
            action=Phrase(verb),
        )
    return po


def _not_ovh(po: PurchaseOrder) -> InvalidInput:
    return InvalidInput(
        N_("{number} was not ordered at OVHcloud"),
        hint=N_("only a purchase order of a project linked to OVHcloud has an order there"),
        number=po.number,
    )


def reorder(
    ledger: Ledger, provider: CreditProvider, actor: Actor, number: str, *, pay: bool = False
) -> PurchaseOrderView:
    """Place a new provider order for a purchase order whose order the provider cancelled.
    Once ordered again, asking again answers with the purchase order marked `repeated`."""
    actor.require(Role.FINANCE, N_("order purchase orders again"))

    def work(session: Session) -> bool:
        po = _load(session, number, actor, N_("order again"))
        if po.status != POStatus.APPROVED.value or po.provider_state is None:
            raise _not_ovh(po)
        if po.provider_state == "cancelled" and po.provider_order_id is not None:
            session.add(
                ReplacedOrder(
                    order_id=po.provider_order_id,
                    purchase_order_id=po.id,
                    status=po.provider_status,
                    replaced_at=ledger.now(),
                    replaced_by=actor.user_id,
                )
            )
            po.provider_state = "ordering"
            po.provider_order_id = None
            po.provider_url = None
            po.provider_excl_tax = po.provider_tax = po.provider_incl_tax = None
            po.provider_error = None
            po.provider_status = None
            po.provider_ordered_at = ledger.now()
            return True
        again = session.scalar(
            select(ReplacedOrder.order_id).where(ReplacedOrder.purchase_order_id == po.id).limit(1)
        )
        if again is not None and po.provider_state in ("ordering", "ordered", "delivered"):
            return False
        raise InvalidInput(
            N_("{number} has no order cancelled by OVHcloud to order again"),
            hint=N_("an order OVHcloud may still deliver is not ordered twice"),
            number=po.number,
        )

    if ledger.db.run(work):
        return place_order(ledger, provider, number.strip().upper(), pay=pay)
    return replace(purchases.get_purchase_order(ledger, number.strip().upper()), repeated=True)


def close_order(ledger: Ledger, actor: Actor, number: str, reason: str | None) -> PurchaseOrderView:
    """Close a purchase order whose provider order will not deliver: it stays approved, its
    order is marked closed, and no credit is ever created for it."""
    actor.require(Role.FINANCE, N_("close purchase orders"))
    why = " ".join(reason.split()) if reason else None
    if why is not None and (len(why) > MAX_REASON or not storable(why)):
        raise InvalidInput(
            N_("keep the reason under {size} characters, in plain text"), size=MAX_REASON
        )

    def work(session: Session) -> bool:
        po = _load(session, number, actor, N_("close"))
        if po.status != POStatus.APPROVED.value or po.provider_state is None:
            raise _not_ovh(po)
        if po.provider_state == "closed":
            return False
        if po.provider_state not in CLOSABLE:
            raise InvalidInput(
                N_(
                    "{number} cannot be closed now: OVHcloud delivered its order, or the "
                    "order is still being placed"
                ),
                number=po.number,
            )
        po.provider_state = "closed"
        po.closed_by = actor.user_id
        po.closed_at = ledger.now()
        po.close_reason = why or None
        return True

    closed = ledger.db.run(work)
    view = purchases.get_purchase_order(ledger, number.strip().upper())
    return view if closed else replace(view, repeated=True)


def orders_to_watch(ledger: Ledger) -> list[PurchaseOrderView]:
    """Approved purchase orders whose provider order cancelled, or still open at the
    provider (not paid, documents asked for): what finance may have to act on."""
    with ledger.db.read() as session:
        numbers = list(
            session.scalars(
                select(PurchaseOrder.number)
                .where(
                    PurchaseOrder.status == POStatus.APPROVED.value,
                    PurchaseOrder.provider_state.in_(("cancelled", "ordered")),
                    PurchaseOrder.provider_order_id.is_not(None),
                )
                .order_by(PurchaseOrder.id)
            )
        )
    return [purchases.get_purchase_order(ledger, number) for number in numbers]
