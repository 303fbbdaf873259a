"""Reconciliation with OVHcloud: each purchase order with an order (status, paid, bill,
delivered credit, amounts), orders at OVHcloud no purchase order accounts for (orphans,
duplicates), credits gone; a new orphan or duplicate is told to finance once."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr

from bot.composition import build_ovh_sync
from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from bot.slack.app import build_client
from bot.slack.standin import SlackStandIn
from ledger.services import Ledger, purchases
from ledger.services.linked import sync_project
from ledger.services.ordering import approve_and_order, follow_orders
from ledger.services.reconcile import reconcile
from tests.cli.runner import command_line
from tests.ovh.conftest import SERVICE, slack_settings
from tests.slack.inprocess import Bot, plain
from tests.support import FINANCE, MEMBER, FakeClock, eur


def _delivered(ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider) -> str:
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("1500")).number
    po = approve_and_order(ledger, provider, FINANCE, number)
    assert po.provider is not None and po.provider.order_id is not None
    ovh.deliver(po.provider.order_id)
    follow_orders(ledger, provider)
    return number


def test_reconciliation_shows_each_orders_status_payment_bill_and_delivered_credit(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    number = _delivered(ledger, linked, ovh, provider)
    waiting = purchases.request_purchase(ledger, MEMBER, linked, eur("200")).number
    approve_and_order(ledger, provider, FINANCE, waiting)
    found = reconcile(ledger, provider)
    rows = {row.number: row for row in found.orders}
    done, open_ = rows[number], rows[waiting]
    assert (done.status, done.paid, done.bill) == ("delivered", True, f"FR{done.order_id}")
    assert done.delivered == eur("1500") and done.amount_excl_tax == eur("1500")
    assert done.provider_incl_tax == eur("1800")
    assert (open_.status, open_.paid, open_.bill, open_.delivered) == ("notPaid", False, None, None)
    assert found.orphans == [] and found.duplicates == []


def test_an_order_with_no_purchase_order_is_an_orphan_and_a_second_order_a_duplicate(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    number = _delivered(ledger, linked, ovh, provider)
    twice = provider.order_credit(SERVICE, 1500)  # the same order placed a second time
    stray = provider.order_credit(SERVICE, 42)  # ordered by hand in the control panel
    found = reconcile(ledger, provider)
    assert [(d.order_id, d.duplicate_of) for d in found.duplicates] == [(twice.order_id, number)]
    assert [o.order_id for o in found.orphans] == [stray.order_id]
    assert found.orphans[0].excl_tax == eur("42")


def test_credits_gone_from_ovhcloud_are_listed(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    credit = ovh.add_credit(SERVICE, "40")
    sync_project(ledger, provider, linked)
    ovh.remove_credit(SERVICE, credit.id)
    sync_project(ledger, provider, linked)
    (gone,) = reconcile(ledger, provider).gone
    assert (gone.credit_id, gone.removed) == (credit.id, eur("40"))


def test_a_new_orphan_is_told_to_finance_once_across_restarts(
    ledger: Ledger,
    linked: str,
    ovh: OvhStandIn,
    provider: OvhProvider,
    slack: SlackStandIn,
    clock: FakeClock,
) -> None:
    settings = slack_settings(slack, ovh)
    stray = provider.order_credit(SERVICE, 42)
    for _ in range(2):  # a restart builds the run again
        run = build_ovh_sync(settings, ledger, client=build_client(settings), provider=provider)
        assert run is not None
        run.run()
        clock.advance(hours=1)
    told = [c for c in slack.of("chat.postMessage") if c.params["channel"] == "CFINANCE"]
    assert len(told) == 1
    assert str(stray.order_id) in json.dumps(told[0].params)


def test_the_command_line_reconciles_with_json(
    db_url: str,
    ledger: Ledger,
    linked: str,
    ovh: OvhStandIn,
    provider: OvhProvider,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    number = _delivered(ledger, linked, ovh, provider)
    stray = provider.order_credit(SERVICE, 42)
    run = command_line(db_url, monkeypatch, capsys)
    for name, value in ovh.settings().items():
        monkeypatch.setenv(
            name.upper(), value.get_secret_value() if isinstance(value, SecretStr) else value
        )
    code, data, err = run("--json", "ovh", "reconcile")
    assert code == 0, err
    (row,) = data["orders"]
    assert row["po"] == number and row["status"] == "delivered" and row["paid"] is True
    assert [o["order_id"] for o in data["orphans"]] == [stray.order_id]
    code, text, err = run("ovh", "reconcile")
    assert code == 0 and number in text and str(stray.order_id) in text


def test_finance_sees_the_reconciliation_in_slack_and_others_are_refused(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, slack: SlackStandIn
) -> None:
    number = _delivered(ledger, linked, ovh, provider)
    bot = Bot(ledger, slack, slack_settings(slack, ovh))
    try:
        shown = plain(bot.command("UFIN", "reconcile"))
        french = plain(bot.command("UFIN", "rapprochement"))
        refused = plain(bot.command(MEMBER.user_id, "reconcile"))
    finally:
        bot.executor.shutdown(wait=True)
    assert number in shown and "delivered" in shown
    assert number in french
    assert "Only finance may reconcile" in refused
