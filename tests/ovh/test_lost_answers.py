"""No POST of OVHcloud's API takes an idempotency key: one whose answer is lost (a timeout,
a 5xx, a gateway's HTML page) may have been carried out, and is never sent again before
the bot has looked for what it did. One purchase order is one OVHcloud order."""

from __future__ import annotations

import pytest

from bot.cli import serialise
from bot.ovh.client import OvhProvider, build_client
from bot.ovh.standin import APP_KEY, APP_SECRET, CONSUMER_KEY, Failure, OvhStandIn
from ledger.errors import ProviderUnavailable
from ledger.money import Money
from ledger.services import Ledger, purchases, reading
from ledger.services.linked import link_of, sync_project
from ledger.services.ordering import approve_and_order, follow_orders, resume_orders
from tests.ovh.conftest import SERVICE
from tests.support import FINANCE, MEMBER, PARIS, FakeClock, eur

ORDER = r"/order/cloud/project/.*/credit"
PAY = r"/me/order/\d+/pay"

LOST_AFTER_THE_EFFECT = {
    "502 JSON": Failure(502, after=True),
    "503 JSON": Failure(503, after=True),
    "502 gateway page": Failure(502, html=True, after=True),
    "504 gateway page": Failure(504, html=True, after=True),
    "timeout": Failure(0, delay=0.6, after=True),
}


def _impatient(ovh: OvhStandIn) -> OvhProvider:
    """python-ovh with a short timeout, so that a slow answer is a lost one."""
    client = build_client(
        ovh.url,
        application_key=APP_KEY,
        application_secret=APP_SECRET,
        consumer_key=CONSUMER_KEY,
        timeout=0.3,
    )
    return OvhProvider(client, retries=2, backoff=0, sleep=lambda _: None)


def _request(ledger: Ledger, project: str, amount: str = "1500") -> str:
    return purchases.request_purchase(ledger, MEMBER, project, eur(amount)).number


@pytest.mark.parametrize(
    "failure", LOST_AFTER_THE_EFFECT.values(), ids=LOST_AFTER_THE_EFFECT.keys()
)
def test_an_order_whose_answer_is_lost_after_it_was_placed_is_found_and_never_placed_again(
    ledger: Ledger, linked: str, ovh: OvhStandIn, clock: FakeClock, failure: Failure
) -> None:
    provider = _impatient(ovh)
    ovh.fail(ORDER, failure)
    number = _request(ledger, linked)
    po = approve_and_order(ledger, provider, FINANCE, number)
    (order,) = ovh.orders.values()
    assert ovh.count("POST", ORDER) == 1
    assert po.provider is not None and po.provider.state == "ordered"
    assert po.provider.order_id == order.id and po.provider.error is None
    clock.advance(minutes=6)
    assert resume_orders(ledger, provider) == []
    assert len(ovh.orders) == 1 and ovh.count("POST", ORDER) == 1


def test_an_order_lost_before_it_was_placed_stays_ordering_and_is_looked_for_before_one_new_order(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    ovh.fail(ORDER, Failure(504, html=True))
    number = _request(ledger, linked)
    po = approve_and_order(ledger, provider, FINANCE, number)
    assert po.provider is not None and po.provider.state == "ordering"
    assert ovh.orders == {} and ovh.count("POST", ORDER) == 1
    clock.advance(minutes=6)
    looked = ovh.count("GET", "/me/order")
    assert resume_orders(ledger, provider) == [number]
    assert ovh.count("GET", "/me/order") == looked + 1  # looked before ordering again
    assert len(ovh.orders) == 1 and ovh.count("POST", ORDER) == 2
    assert resume_orders(ledger, provider) == []
    assert len(ovh.orders) == 1


def test_an_order_found_after_a_lost_answer_carries_ovhclouds_prices_in_po_list_json(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    ovh.fail(ORDER, Failure(502, html=True, after=True))
    number = _request(ledger, linked)
    approve_and_order(ledger, provider, FINANCE, number)
    shown = serialise.purchase_order(purchases.get_purchase_order(ledger, number), PARIS)
    assert shown["ovh"]["order_id"] == next(iter(ovh.orders))
    assert shown["ovh"]["price_excl_tax"] == "1500.00"
    assert shown["ovh"]["tax"] == "300.00"
    assert shown["ovh"]["price_incl_tax"] == "1800.00"


@pytest.mark.parametrize(
    "failure", LOST_AFTER_THE_EFFECT.values(), ids=LOST_AFTER_THE_EFFECT.keys()
)
def test_a_payment_whose_answer_is_lost_after_it_was_made_is_never_made_again(
    ledger: Ledger, linked: str, ovh: OvhStandIn, failure: Failure
) -> None:
    ovh.fail(PAY, failure)
    number = _request(ledger, linked)
    po = approve_and_order(ledger, _impatient(ovh), FINANCE, number, pay=True)
    (order,) = ovh.orders.values()
    assert order.status == "checking" and ovh.count("POST", PAY) == 1
    assert po.provider is not None and po.provider.error is None
    assert po.provider.paid_with is not None and "paymentMethod" in po.provider.paid_with


def test_a_payment_lost_before_it_was_made_is_left_unpaid_for_finance_and_not_repeated(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.fail(PAY, Failure(503, html=True))
    po = approve_and_order(ledger, provider, FINANCE, _request(ledger, linked), pay=True)
    (order,) = ovh.orders.values()
    assert order.status == "notPaid" and ovh.count("POST", PAY) == 1
    assert po.provider is not None and po.provider.state == "ordered"
    assert po.provider.error is not None and "not paid" in po.provider.error
    assert po.provider.paid_with is None


LOOKING_DOWN = [(r"/me/order", Failure(503))] * 3
STAGES: dict[str, list[tuple[str, Failure]]] = {
    "order lost after it was placed": [(ORDER, Failure(502, html=True, after=True))],
    "order lost before it was placed": [(ORDER, Failure(503))],
    "order timed out after it was placed": [(ORDER, Failure(0, delay=0.6, after=True))],
    "order lost, then the order list down": [(ORDER, Failure(503, after=True)), *LOOKING_DOWN],
    "order lost before, then the order list down": [(ORDER, Failure(504)), *LOOKING_DOWN],
    "payment lost after it was made": [(PAY, Failure(504, html=True, after=True))],
    "order and payment both lost after": [
        (ORDER, Failure(502, after=True)),
        (PAY, Failure(0, delay=0.6, after=True)),
    ],
}


@pytest.mark.parametrize("failures", STAGES.values(), ids=STAGES.keys())
def test_one_purchase_order_is_one_ovhcloud_order_paid_once_whatever_fails_when(
    ledger: Ledger,
    linked: str,
    ovh: OvhStandIn,
    clock: FakeClock,
    failures: list[tuple[str, Failure]],
) -> None:
    for pattern, failure in failures:
        ovh.fail(pattern, failure)
    provider = _impatient(ovh)
    number = _request(ledger, linked)
    approve_and_order(ledger, provider, FINANCE, number, pay=True)
    for _ in range(3):
        clock.advance(minutes=6)
        resume_orders(ledger, provider, pay=True)
        follow_orders(ledger, provider)
    (order,) = ovh.orders.values()
    assert ovh.count("POST", PAY) == 1 and order.status == "checking"
    po = purchases.get_purchase_order(ledger, number)
    assert po.provider is not None and po.provider.order_id == order.id


def test_a_gateway_page_on_a_read_is_retried_like_a_503(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.add_credit(SERVICE, "100")
    ovh.fail(rf"/cloud/project/{SERVICE}/credit", Failure(502, html=True))
    ovh.fail(rf"/cloud/project/{SERVICE}/credit/\d+", Failure(504, html=True))
    report = sync_project(ledger, provider, linked)
    assert report.error is None and report.entries_posted == 1
    assert reading.balance(ledger, linked).available == eur("100")


def test_gateway_pages_past_the_retries_are_a_temporary_failure_not_a_refusal(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.fail(rf"/cloud/project/{SERVICE}/credit", *[Failure(503, html=True)] * 3)
    report = sync_project(ledger, provider, linked)
    assert isinstance(report.error, ProviderUnavailable)
    assert "HTTP 503" in report.error.message and "decode" not in report.error.message
    link = link_of(ledger, linked)
    assert link is not None and link.failure_kind == "unavailable"
    assert sync_project(ledger, provider, linked).error is None


def test_prices_of_a_found_order_are_money_of_the_projects_currency(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    ovh.fail(ORDER, Failure(502, after=True))
    po = approve_and_order(ledger, provider, FINANCE, _request(ledger, linked, "25"))
    assert po.provider is not None
    assert po.provider.excl_tax == Money(2500, "EUR")
    assert po.provider.tax == Money(500, "EUR") and po.provider.incl_tax == Money(3000, "EUR")
