"""An order OVHcloud cancelled (or holds) shows on its purchase order; finance and the
requester are told once; finance orders again (one new order, same number) or closes it."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from pydantic import SecretStr

from bot.composition import build_ovh_sync
from bot.i18n import translator
from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from bot.slack.app import build_client
from bot.slack.blocks import purchase_orders
from bot.slack.standin import SlackStandIn
from ledger.domain import Actor, Role
from ledger.errors import Forbidden, FourEyes, InvalidInput
from ledger.services import Ledger, audit, budgets, purchases, reading
from ledger.services.ordering import approve_and_order, follow_orders
from ledger.services.reordering import close_order, reorder
from tests.cli.runner import command_line
from tests.ovh.conftest import slack_settings
from tests.slack.inprocess import Bot
from tests.support import FINANCE, MEMBER, PARIS, FakeClock, eur

OTHER_FINANCE = Actor("UFIN2", frozenset({Role.MEMBER, Role.FINANCE}))


def _cancelled(ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider) -> str:
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("1500")).number
    approve_and_order(ledger, provider, FINANCE, number)
    (order,) = ovh.orders.values()
    ovh.cancel(order.id)
    follow_orders(ledger, provider)
    return number


def test_a_cancelled_order_shows_on_its_purchase_order_instead_of_approved(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    number = _cancelled(ledger, linked, ovh, provider)
    po = purchases.get_purchase_order(ledger, number)
    t = translator("en_GB", PARIS)
    line = purchase_orders.po_line(po, t)
    assert "cancelled by OVHcloud" in line, line


def test_an_order_not_paid_for_days_and_one_with_documents_requested_say_so(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    t = translator("en_GB", PARIS)
    first = purchases.request_purchase(ledger, MEMBER, linked, eur("100")).number
    second = purchases.request_purchase(ledger, MEMBER, linked, eur("200")).number
    approve_and_order(ledger, provider, FINANCE, first)
    approve_and_order(ledger, provider, FINANCE, second)
    waiting, documents = ovh.orders.values()
    documents.status = "documentsRequested"
    clock.advance(days=8)
    follow_orders(ledger, provider)
    unpaid = purchases.get_purchase_order(ledger, first)
    asked = purchases.get_purchase_order(ledger, second)
    assert "not paid for 8 days" in purchase_orders.po_line(unpaid, t)
    assert "documents requested" in purchase_orders.po_line(asked, t)
    assert asked.provider is not None and asked.provider.status == "documentsRequested"
    assert waiting.status == "notPaid"


def test_finance_orders_a_cancelled_order_again_exactly_once_under_double_clicks(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    number = _cancelled(ledger, linked, ovh, provider)
    (old,) = ovh.orders
    with ThreadPoolExecutor(4) as pool:
        views = list(pool.map(lambda _: reorder(ledger, provider, FINANCE, number), range(4)))
    assert len(ovh.orders) == 2
    new = max(ovh.orders)
    assert {v.number for v in views} == {number}
    assert sum(not v.repeated for v in views) == 1
    po = purchases.get_purchase_order(ledger, number)
    assert po.provider is not None and po.provider.order_id == new
    assert po.provider.state == "ordered" and po.provider.replaced == (old,)
    again = reorder(ledger, provider, FINANCE, number)
    assert again.repeated and len(ovh.orders) == 2
    ovh.deliver(new)
    follow_orders(ledger, provider)
    (lot,) = reading.balance(ledger, linked).lots
    assert lot.source.po_number == number and lot.remaining == eur("1500")
    assert audit.verify(ledger) == []


def test_finance_closes_a_cancelled_order_and_no_credit_ever_appears(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    number = _cancelled(ledger, linked, ovh, provider)
    closed = close_order(ledger, FINANCE, number, "supplier changed")
    assert closed.provider is not None and closed.provider.state == "closed"
    assert closed.provider.close_reason == "supplier changed"
    assert close_order(ledger, FINANCE, number, "supplier changed").repeated
    with pytest.raises(InvalidInput):
        reorder(ledger, provider, FINANCE, number)
    assert reading.balance(ledger, linked).lots == ()
    assert audit.verify(ledger) == []


def test_only_finance_other_than_the_requester_may_order_again_or_close(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    number = purchases.request_purchase(ledger, OTHER_FINANCE, linked, eur("1500")).number
    approve_and_order(ledger, provider, FINANCE, number)
    (order,) = ovh.orders.values()
    ovh.cancel(order.id)
    follow_orders(ledger, provider)
    with pytest.raises(Forbidden):
        reorder(ledger, provider, MEMBER, number)
    with pytest.raises(Forbidden):
        close_order(ledger, MEMBER, number, None)
    with pytest.raises(FourEyes):
        reorder(ledger, provider, OTHER_FINANCE, number)
    with pytest.raises(FourEyes):
        close_order(ledger, OTHER_FINANCE, number, None)
    assert len(ovh.orders) == 1


def test_an_order_still_open_at_ovhcloud_is_not_ordered_again(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("1500")).number
    approve_and_order(ledger, provider, FINANCE, number)
    with pytest.raises(InvalidInput):
        reorder(ledger, provider, FINANCE, number)
    assert len(ovh.orders) == 1


def test_the_command_line_orders_again_and_closes_with_json(
    db_url: str,
    ledger: Ledger,
    linked: str,
    ovh: OvhStandIn,
    provider: OvhProvider,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = _cancelled(ledger, linked, ovh, provider)
    run = command_line(db_url, monkeypatch, capsys)
    for name, value in ovh.settings().items():
        monkeypatch.setenv(
            name.upper(), value.get_secret_value() if isinstance(value, SecretStr) else value
        )
    code, data, err = run("--json", "po", "reorder", first, "--as", "UFIN")
    assert code == 0, err
    assert data["po"] == first and data["ovh"]["state"] == "ordered"
    assert len(ovh.orders) == 2
    code, data, err = run("po", "reorder", first, "--as", "UFIN", "--json")
    assert code == 0 and len(ovh.orders) == 2
    (new,) = [o for o in ovh.orders.values() if o.status == "notPaid"]
    ovh.cancel(new.id)
    follow_orders(ledger, provider)
    code, data, err = run("po", "close", first, "--as", "UFIN", "--reason", "no longer needed")
    assert code == 0, err
    assert "closed" in data
    code, data, err = run("--json", "po", "list")
    (row,) = data
    assert row["ovh"]["state"] == "closed" and row["ovh"]["close_reason"] == "no longer needed"


def test_finance_and_the_requester_are_told_once_and_finance_orders_again_from_slack(
    ledger: Ledger,
    linked: str,
    ovh: OvhStandIn,
    provider: OvhProvider,
    slack: SlackStandIn,
    clock: FakeClock,
) -> None:
    settings = slack_settings(slack, ovh)
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("1500")).number
    approve_and_order(ledger, provider, FINANCE, number)
    (order,) = ovh.orders.values()
    ovh.cancel(order.id)
    run = build_ovh_sync(settings, ledger, client=build_client(settings), provider=provider)
    assert run is not None
    run.run()
    clock.advance(hours=1)
    run.run()
    finance = [c for c in slack.of("chat.postMessage") if c.params["channel"] == "CFINANCE"]
    requester = [c for c in slack.of("chat.postMessage") if c.params["channel"] == MEMBER.user_id]
    assert len(finance) == 1 and len(requester) == 1
    shown = json.dumps(finance[0].params)
    assert "po_reorder" in shown and "po_close" in shown and number in shown
    assert number in json.dumps(requester[0].params)

    bot = Bot(ledger, slack, settings)
    try:
        bot.click("UFIN", "po_reorder", number, "CFINANCE", "1.0001")
        bot.click("UFIN", "po_reorder", number, "CFINANCE", "1.0001")
    finally:
        bot.executor.shutdown(wait=True)
    assert len(ovh.orders) == 2
    po = purchases.get_purchase_order(ledger, number)
    assert po.provider is not None and po.provider.state == "ordered"


def test_finance_closes_or_orders_again_with_a_command_in_either_language(
    ledger: Ledger,
    linked: str,
    ovh: OvhStandIn,
    provider: OvhProvider,
    slack: SlackStandIn,
) -> None:
    first = _cancelled(ledger, linked, ovh, provider)
    second = purchases.request_purchase(ledger, MEMBER, linked, eur("300")).number
    approve_and_order(ledger, provider, FINANCE, second)
    ovh.cancel(max(ovh.orders))
    follow_orders(ledger, provider)
    bot = Bot(ledger, slack, slack_settings(slack, ovh))
    try:
        bot.command("UFIN", f"clore {first} plus besoin")
        bot.command("UFIN", f"reorder {second}")
        refused = bot.command(MEMBER.user_id, f"close {second}")
    finally:
        bot.executor.shutdown(wait=True)
    closed = purchases.get_purchase_order(ledger, first)
    assert closed.provider is not None and closed.provider.close_reason == "plus besoin"
    again = purchases.get_purchase_order(ledger, second)
    assert again.provider is not None and again.provider.state == "ordered"
    assert len(ovh.orders) == 3
    assert "Only finance" in json.dumps(refused.params)


def test_finance_is_told_once_of_an_order_waiting_for_documents_or_left_unpaid(
    ledger: Ledger,
    linked: str,
    ovh: OvhStandIn,
    provider: OvhProvider,
    slack: SlackStandIn,
    clock: FakeClock,
) -> None:
    settings = slack_settings(slack, ovh)
    asked = purchases.request_purchase(ledger, MEMBER, linked, eur("100")).number
    unpaid = purchases.request_purchase(ledger, MEMBER, linked, eur("200")).number
    approve_and_order(ledger, provider, FINANCE, asked)
    approve_and_order(ledger, provider, FINANCE, unpaid)
    documents, waiting = ovh.orders.values()
    documents.status = "documentsRequested"
    run = build_ovh_sync(settings, ledger, client=build_client(settings), provider=provider)
    assert run is not None
    run.run()
    clock.advance(days=8)
    run.run()
    clock.advance(days=1)
    run.run()
    finance = [
        json.dumps(c.params)
        for c in slack.of("chat.postMessage")
        if c.params["channel"] == "CFINANCE"
    ]
    assert len(finance) == 2, finance
    told = {
        asked: next(f for f in finance if asked in f),
        unpaid: next(f for f in finance if unpaid in f),
    }
    assert "documents" in told[asked] and "po_reorder" not in told[asked]
    assert "not been paid for 8 days" in told[unpaid] and "po_close" in told[unpaid]
    assert waiting.status == "notPaid"


def test_an_order_closed_without_credit_gives_its_amount_back_to_the_budget(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    budgets.set_budget(ledger, FINANCE, linked, eur("2000"), "monthly")
    number = _cancelled(ledger, linked, ovh, provider)
    budget = budgets.budget_of(ledger, linked)
    assert budget is not None and budget.use == eur("1500")  # cancelled, may be ordered again
    close_order(ledger, FINANCE, number, "supplier changed")
    budget = budgets.budget_of(ledger, linked)
    assert budget is not None and budget.use.minor == 0  # no credit, ever: nothing was bought
    later = purchases.request_purchase(ledger, MEMBER, linked, eur("1000"))
    assert later.over_budget is None
