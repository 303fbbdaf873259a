"""A credit that disappears from OVHcloud's list is no longer available: the ledger posts
one removal bringing its lot to zero, finance is told once in words, and `verify` holds
every linked project's available to what OVHcloud said last."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from bot.composition import build_ovh_sync
from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from bot.settings import Settings
from bot.slack.app import build_client
from bot.slack.standin import SlackStandIn
from ledger.money import Money
from ledger.orm import Entry, Lot
from ledger.services import Ledger, audit, reading
from ledger.services.linked import sync_project
from tests.ovh.conftest import SERVICE
from tests.support import FakeClock


@pytest.fixture
def settings(slack: SlackStandIn) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token="xoxb-test",
        slack_api_url=slack.api_url,
        finance_channel="CFINANCE",
    )


def test_a_credit_removed_at_ovhcloud_is_brought_to_zero_once_and_no_longer_available(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    kept = ovh.add_credit(SERVICE, "70")
    gone = ovh.add_credit(SERVICE, "50")
    ovh.consume(SERVICE, gone.id, "10")
    sync_project(ledger, provider, linked)
    assert reading.balance(ledger, linked).available == Money(11000, "EUR")

    ovh.remove_credit(SERVICE, gone.id)
    clock.advance(hours=1)
    report = sync_project(ledger, provider, linked)
    assert report.available == Money(7000, "EUR")
    assert reading.balance(ledger, linked).available == Money(7000, "EUR")
    assert [(r.credit_id, r.amount) for r in report.removed] == [(gone.id, Money(4000, "EUR"))]
    clock.advance(hours=1)
    again = sync_project(ledger, provider, linked)
    assert again.entries_posted == 0 and again.removed == ()
    with ledger.db.read() as session:
        removals = session.scalars(select(Entry).where(Entry.kind == "removal")).all()
    assert [(e.amount, e.memo) for e in removals] == [(4000, None)]
    assert audit.verify(ledger) == []
    assert kept.id != gone.id


def test_a_removed_credit_that_comes_back_is_available_again(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    credit = ovh.add_credit(SERVICE, "50")
    sync_project(ledger, provider, linked)
    held = ovh.projects[SERVICE].credits.pop(credit.id)
    sync_project(ledger, provider, linked)
    assert reading.balance(ledger, linked).available == Money(0, "EUR")
    ovh.projects[SERVICE].credits[credit.id] = held
    sync_project(ledger, provider, linked)
    assert reading.balance(ledger, linked).available == Money(5000, "EUR")
    assert audit.verify(ledger) == []


def test_verify_compares_each_linked_projects_available_with_the_last_snapshot(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    ovh.add_credit(SERVICE, "70")
    gone = ovh.add_credit(SERVICE, "40")
    sync_project(ledger, provider, linked)
    # What a sync before removals were posted left behind: the lot marked gone, still full.
    with ledger.db.write() as session:
        session.execute(
            update(Lot)
            .where(Lot.external_key == f"ovh:{SERVICE}:{gone.id}")
            .values(external_gone_at=clock())
        )
    problems = audit.verify(ledger)
    assert any(f"project {linked}" in p and "110.00" in p and "70.00" in p for p in problems), (
        problems
    )


def test_finance_is_told_once_in_words_when_a_credit_disappears(
    ledger: Ledger,
    linked: str,
    ovh: OvhStandIn,
    provider: OvhProvider,
    slack: SlackStandIn,
    settings: Settings,
    clock: FakeClock,
) -> None:
    gone = ovh.add_credit(SERVICE, "40")
    run = build_ovh_sync(settings, ledger, client=build_client(settings), provider=provider)
    assert run is not None
    run.run()
    ovh.remove_credit(SERVICE, gone.id)
    clock.advance(hours=1)
    run.run()
    clock.advance(hours=1)
    run.run()
    told = [
        json.dumps(call.params)
        for call in slack.of("chat.postMessage")
        if call.params.get("channel") == "CFINANCE"
    ]
    assert len(told) == 1, told
    assert f"credit {gone.id} of *Prod EU*" in told[0] and "40.00" in told[0]
    assert f"ovh:{SERVICE}" not in told[0]
