"""A project linked to OVHcloud goes through the autopilot's same flow: the draft is a
purchase order, its approval places the order at OVHcloud, and nothing more is drafted
until OVHcloud delivers."""

from __future__ import annotations

from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from ledger.domain import AUTOPILOT, POStatus
from ledger.services import Ledger, reading
from ledger.services.autopilot import Held, draft_due, turn_on
from ledger.services.linked import sync_project
from ledger.services.ordering import approve_and_order, follow_orders
from ledger.services.purchases import get_purchase_order
from tests.ovh.conftest import SERVICE
from tests.support import FINANCE, FakeClock, eur


def test_a_drafted_order_of_a_linked_project_is_placed_at_ovhcloud_on_approval(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    credit = ovh.add_credit(SERVICE, "300")
    sync_project(ledger, provider, linked)
    for _ in range(30):  # 10 € a day until nothing is left
        clock.advance(days=1)
        ovh.consume(SERVICE, credit.id, "10")
        sync_project(ledger, provider, linked)
    turn_on(ledger, FINANCE, linked, 90)
    (outcome,) = draft_due(ledger)
    number = outcome.number or ""
    drafted = get_purchase_order(ledger, number)
    assert (drafted.requested_by, drafted.amount_excl_tax) == (AUTOPILOT, eur("900"))

    placed = approve_and_order(ledger, provider, FINANCE, number)
    assert placed.status is POStatus.APPROVED and placed.provider is not None
    (order,) = ovh.orders.values()
    assert (placed.provider.state, placed.provider.order_id, order.amount) == (
        "ordered",
        order.id,
        900,
    )
    clock.advance(days=1)
    (waiting,) = draft_due(ledger)  # approved, not delivered: still open
    assert (waiting.outlook.reason, waiting.outlook.order) == (Held.OPEN_ORDER, number)

    ovh.pay(order.id)
    ovh.deliver(order.id)
    (followed,) = follow_orders(ledger, provider)
    assert followed.status == "delivered"
    (lot,) = [lot for lot in reading.balance(ledger, linked).lots if lot.source.po_number]
    assert (lot.source.po_number, lot.remaining) == (number, eur("900"))
    clock.advance(days=1)
    (after,) = draft_due(ledger)
    assert not after.drafted and after.outlook.reason is not Held.OPEN_ORDER
