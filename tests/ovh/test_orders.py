from __future__ import annotations

import pytest

from bot.ovh.client import OvhProvider
from bot.ovh.standin import Failure, OvhStandIn
from ledger.domain import POStatus
from ledger.errors import InvalidInput
from ledger.money import Money
from ledger.provider import ProviderOrder
from ledger.services import Ledger, audit, purchases, reading
from ledger.services.ordering import approve_and_order, follow_orders, resume_orders
from tests.support import FINANCE, MEMBER, FakeClock, eur


def _request(ledger: Ledger, project: str, amount: str = "1500") -> str:
    return purchases.request_purchase(ledger, MEMBER, project, eur(amount)).number


def test_approval_places_the_order_and_delivery_brings_the_pos_own_lot(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    number = _request(ledger, linked)
    po = approve_and_order(ledger, provider, FINANCE, number)
    assert po.status is POStatus.APPROVED and po.provider is not None
    assert po.provider.state == "ordered"
    (order,) = ovh.orders.values()
    assert po.provider.order_id == order.id and order.amount == 1500
    assert po.provider.incl_tax == Money(180000, "EUR")
    assert po.provider.url is not None and "format=pdf" in po.provider.url
    assert ovh.count("GET", "/me/order") == 0  # only a resumed order looks for an earlier one
    assert reading.balance(ledger, linked).lots == ()
    assert audit.verify(ledger) == []

    ovh.pay(order.id)
    assert follow_orders(ledger, provider) == []
    clock.advance(days=1)
    ovh.deliver(order.id)
    (followed,) = follow_orders(ledger, provider)
    assert followed.status == "delivered"
    assert followed.order.provider is not None and followed.order.provider.state == "delivered"
    assert followed.order.credit_expires_at is not None
    (lot,) = reading.balance(ledger, linked).lots
    assert lot.source.po_number == number and lot.remaining == eur("1500")
    assert follow_orders(ledger, provider) == []
    assert audit.verify(ledger) == []


def test_auto_pay_pays_with_the_registered_payment_means(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    approve_and_order(ledger, provider, FINANCE, _request(ledger, linked), pay=True)
    (order,) = ovh.orders.values()
    assert order.status == "checking"


class CrashAfterOrdering:
    """The provider takes the order, then the process dies before the commit."""

    def __init__(self, inner: OvhProvider) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def order_credit(self, service: str, amount: int) -> ProviderOrder:
        self.inner.order_credit(service, amount)
        raise SystemExit("killed between the call and the commit")


def test_a_crash_between_order_and_commit_never_orders_twice(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    other = _request(ledger, linked, "1500")
    approve_and_order(ledger, provider, FINANCE, other)
    number = _request(ledger, linked, "1500")
    with pytest.raises(SystemExit):
        approve_and_order(ledger, CrashAfterOrdering(provider), FINANCE, number)  # type: ignore[arg-type]
    left = purchases.get_purchase_order(ledger, number)
    assert left.provider is not None and left.provider.state == "ordering"
    assert len(ovh.orders) == 2
    assert resume_orders(ledger, provider) == []  # its own process may still be placing it

    clock.advance(minutes=6)
    assert resume_orders(ledger, provider) == [number]
    assert len(ovh.orders) == 2
    first = purchases.get_purchase_order(ledger, other).provider
    found = purchases.get_purchase_order(ledger, number).provider
    assert first is not None and found is not None
    assert found.state == "ordered" and {first.order_id, found.order_id} == set(ovh.orders)
    assert resume_orders(ledger, provider) == []


def test_an_order_that_fails_is_kept_for_finance_and_placed_later(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    ovh.fail(r"/order/cloud/project/.*/credit", Failure(503))
    number = _request(ledger, linked)
    po = approve_and_order(ledger, provider, FINANCE, number)
    assert po.provider is not None and po.provider.state == "ordering"
    assert po.provider.error is not None and "may have been carried out" in po.provider.error
    assert ovh.orders == {}
    assert ovh.count("POST", r"/order/cloud/project/.*/credit") == 1  # a POST is not repeated
    clock.advance(minutes=6)
    resume_orders(ledger, provider)
    po = purchases.get_purchase_order(ledger, number)
    assert po.provider is not None and po.provider.state == "ordered" and po.provider.error is None
    assert len(ovh.orders) == 1


def test_a_cancelled_order_is_marked_and_brings_no_credit(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    number = _request(ledger, linked)
    approve_and_order(ledger, provider, FINANCE, number)
    (order,) = ovh.orders.values()
    ovh.cancel(order.id)
    (followed,) = follow_orders(ledger, provider)
    assert followed.status == "cancelled"
    assert followed.order.provider is not None and followed.order.provider.state == "cancelled"
    assert audit.verify(ledger) == []


def test_projects_without_a_link_are_paid_in_the_ledger_as_before(
    ledger: Ledger, project: str, provider: OvhProvider, ovh: OvhStandIn
) -> None:
    po = approve_and_order(ledger, provider, FINANCE, _request(ledger, project))
    assert po.provider is None and po.credit_expires_at is not None
    assert ovh.orders == {}


def test_a_linked_project_is_not_approved_where_ovhcloud_is_not_configured(
    ledger: Ledger, linked: str, ovh: OvhStandIn
) -> None:
    number = _request(ledger, linked)
    with pytest.raises(InvalidInput, match="not configured"):
        approve_and_order(ledger, None, FINANCE, number)
    assert purchases.get_purchase_order(ledger, number).status is POStatus.PENDING
