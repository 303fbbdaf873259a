"""A project's open purchase orders: pending, or approved and not yet delivered. The
forecast counts lots only, so the credit they would bring is not in it: the screens that
advise a purchase name them beside it, so nobody buys twice, and the autopilot drafts
nothing while one is open."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import POStatus
from ledger.money import Money
from ledger.orm import PurchaseOrder

# Approved and not delivered: the order is still on its way (OVHcloud placing it, placed,
# or cancelled there and waiting for finance to order it again or close it).
ON_ITS_WAY = ("ordering", "ordered", "cancelled")


@dataclass(frozen=True, slots=True)
class OpenOrder:
    number: str
    amount: Money  # excl. tax: the credit it would bring
    status: POStatus  # pending, or approved and not yet delivered


def open_in(session: Session, ids: Sequence[str] | None = None) -> dict[str, list[OpenOrder]]:
    """Each project's open orders (of the projects `ids`, or of all), oldest first."""
    query = select(
        PurchaseOrder.project_id,
        PurchaseOrder.number,
        PurchaseOrder.amount_excl_tax,
        PurchaseOrder.currency,
        PurchaseOrder.status,
    ).where(
        (PurchaseOrder.status == POStatus.PENDING.value)
        | (
            (PurchaseOrder.status == POStatus.APPROVED.value)
            & PurchaseOrder.provider_state.in_(ON_ITS_WAY)
        )
    )
    if ids is not None:
        query = query.where(PurchaseOrder.project_id.in_(ids))
    found: dict[str, list[OpenOrder]] = defaultdict(list)
    for project_id, number, amount, currency, status in session.execute(
        query.order_by(PurchaseOrder.id)
    ):
        found[project_id].append(OpenOrder(number, Money(amount, currency), POStatus(status)))
    return dict(found)
