"""A project linked to OVHcloud goes through the autopilot's same flow: the draft is a
purchase order, its approval places the order at OVHcloud, and nothing more is drafted
until OVHcloud delivers."""

from __future__ import annotations

from bot.cli import text
from bot.i18n import translator
from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from ledger.domain import AUTOPILOT, POStatus
from ledger.services import Ledger, reading
from ledger.services.autopilot import Held, draft_due, turn_on
from ledger.services.forecasting import forecast
from ledger.services.linked import sync_project
from ledger.services.open_orders import OpenOrder
from ledger.services.ordering import approve_and_order, follow_orders
from ledger.services.purchases import get_purchase_order
from tests.ovh.conftest import SERVICE
from tests.support import FINANCE, PARIS, FakeClock, eur


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


def test_the_forecast_names_an_order_approved_and_on_its_way_until_ovhcloud_delivers_it(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    credit = ovh.add_credit(SERVICE, "300")
    sync_project(ledger, provider, linked)
    for _ in range(30):  # 10 € a day until nothing is left
        clock.advance(days=1)
        ovh.consume(SERVICE, credit.id, "10")
        sync_project(ledger, provider, linked)
    turn_on(ledger, FINANCE, linked, 90)
    number = draft_due(ledger)[0].number or ""
    approve_and_order(ledger, provider, FINANCE, number)
    seen = forecast(ledger, linked)
    assert seen.open_orders == (OpenOrder(number, eur("900"), POStatus.APPROVED),)
    assert seen.projection.advice.buy_at_least.minor > 0  # the lots alone: it is not counted
    said = text.forecast(seen, translator("en_GB", PARIS))
    assert f"{number} for €900.00 is approved and not yet delivered (not counted above)." in said
    (order,) = ovh.orders.values()
    ovh.pay(order.id)
    ovh.deliver(order.id)
    follow_orders(ledger, provider)
    assert forecast(ledger, linked).open_orders == ()
