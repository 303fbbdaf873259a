"""The link's edges: a service moved between projects, use from before the link, what a
run reports, what the forecast says it used, and how a voucher code is shown."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.ovh.client import OvhProvider
from bot.ovh.standin import APP_KEY, APP_SECRET, CONSUMER_KEY, OvhStandIn
from ledger.errors import AlreadyExists
from ledger.facts import EntryCause, LotSource
from ledger.money import Money
from ledger.services import Ledger, audit, forecasting, purchases, reading
from ledger.services.linked import (
    link_of,
    link_project,
    sync_project,
    unlink_project,
)
from ledger.services.ordering import approve_and_order
from ledger.services.projects import add_project
from ledger.services.provider_sync import _apply, _fetch
from tests.ovh.conftest import SERVICE
from tests.support import ADMIN, FINANCE, MEMBER, PARIS, FakeClock, eur


def _held(ledger: Ledger, project: str) -> list[tuple[str, Money]]:
    return sorted(
        (lot.source.reference, lot.remaining) for lot in reading.balance(ledger, project).lots
    )


def _env(db_url: str, ovh: OvhStandIn) -> dict[str, str]:
    return {
        "DATABASE_URL": db_url,
        "ADMINS": "UADMIN",
        "FINANCE_APPROVERS": "UFIN",
        "OVH_ENDPOINT": ovh.url,
        "OVH_APPLICATION_KEY": APP_KEY,
        "OVH_APPLICATION_SECRET": APP_SECRET,
        "OVH_CONSUMER_KEY": CONSUMER_KEY,
    }


def test_a_service_whose_credits_another_project_holds_cannot_be_linked_elsewhere(
    ledger: Ledger, project: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    big = ovh.add_credit(SERVICE, "100", used="40")
    ovh.add_credit(SERVICE, "0.30", used="0.10")
    add_project(ledger, ADMIN, "pb", "Project B")
    link_project(ledger, provider, ADMIN, project, SERVICE)
    unlink_project(ledger, ADMIN, project)
    before = (_held(ledger, project), reading.history(ledger, project))
    with pytest.raises(AlreadyExists, match=f"held by project {project}"):
        link_project(ledger, provider, ADMIN, "pb", SERVICE)
    assert link_of(ledger, "pb") is None and _held(ledger, "pb") == []
    ovh.consume(SERVICE, big.id, "10")
    assert (_held(ledger, project), reading.history(ledger, project)) == before

    link_project(ledger, provider, ADMIN, project, SERVICE)  # back where its credits are
    assert reading.balance(ledger, project).available == eur("50.20")
    assert audit.verify(ledger) == []


def test_the_command_line_refuses_to_move_a_service_and_says_which_project_holds_it(
    db_url: str, ledger: Ledger, project: str, ovh: OvhStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.__main__ import main

    ovh.add_credit(SERVICE, "100", used="40")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _env(db_url, ovh).items():
            patch.setenv(name, value)
        assert main(["project", "add", "pb", "--name", "Project B", "--as", "UADMIN"]) == 0
        assert main(["project", "link-ovh", project, SERVICE, "--as", "UADMIN"]) == 0
        assert main(["project", "unlink-ovh", project, "--as", "UADMIN"]) == 0
        capsys.readouterr()
        assert main(["project", "link-ovh", "pb", SERVICE, "--as", "UADMIN"]) == 1
        assert f"held by project {project}" in capsys.readouterr().err
    assert _held(ledger, "pb") == []


def test_a_sync_that_finds_its_project_unlinked_writes_nothing(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    credit = ovh.add_credit(SERVICE, "100")
    sync_project(ledger, provider, linked)
    ovh.consume(SERVICE, credit.id, "10")
    link = link_of(ledger, linked)
    assert link is not None
    answer = _fetch(ledger, provider, link)
    unlink_project(ledger, ADMIN, linked)
    report = _apply(ledger, answer)
    assert report.entries_posted == 0 and report.available == eur("100")
    assert reading.balance(ledger, linked).available == eur("100")


def test_use_from_before_the_link_is_not_recent_spending(
    ledger: Ledger, project: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    credit = ovh.add_credit(SERVICE, "3000", used="1000")
    clock.advance(days=60)
    link_project(ledger, provider, ADMIN, project, SERVICE)
    assert forecasting.forecast(ledger, project).projection.burn == 0
    for _ in range(30):
        clock.advance(days=1)
        ovh.consume(SERVICE, credit.id, "10")
        sync_project(ledger, provider, project)
    seen = forecasting.forecast(ledger, project)
    assert seen.projection.burn == 10 * 100
    assert seen.available == eur("1700")
    (every,) = [f for f in forecasting.forecasts(ledger) if f.project.id == project]
    assert every.projection.burn == 10 * 100
    lines = reading.history(ledger, project, limit=100)
    (prior,) = [line for line in lines if line.cause is EntryCause.PRIOR_USE]
    assert (prior.kind, prior.amount, prior.memo) == ("debit", eur("1000"), None)
    assert prior.provider_used == eur("1000")
    assert audit.verify(ledger) == []


def test_use_of_a_credit_that_began_after_the_link_is_recent_spending(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    clock.advance(days=30)
    credit = ovh.add_credit(SERVICE, "500")
    ovh.consume(SERVICE, credit.id, "90")
    sync_project(ledger, provider, linked)
    assert forecasting.forecast(ledger, linked).projection.burn == Decimal(9000) / 30


def test_the_json_of_a_sync_counts_what_the_delivery_of_an_order_posted(
    db_url: str,
    ledger: Ledger,
    linked: str,
    ovh: OvhStandIn,
    provider: OvhProvider,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli.__main__ import main

    number = purchases.request_purchase(ledger, MEMBER, linked, eur("1500")).number
    approve_and_order(ledger, provider, FINANCE, number)
    (order,) = ovh.orders.values()
    ovh.pay(order.id)
    delivered = ovh.deliver(order.id)
    ovh.consume(SERVICE, delivered.id, "5")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _env(db_url, ovh).items():
            patch.setenv(name, value)
        capsys.readouterr()
        assert main(["ovh", "sync", "--json"]) == 0
        (row,) = json.loads(capsys.readouterr().out)
        assert row["project"] == linked and row["delivered"] == [number]
        assert (row["credits"], row["entries_posted"], row["available"]) == (1, 2, "1495.00")
        assert main(["ovh", "sync", "--json"]) == 0
        (again,) = json.loads(capsys.readouterr().out)
        assert (again["entries_posted"], again["delivered"]) == (0, [])


def test_the_forecast_of_a_linked_project_says_it_burns_from_the_journal(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    from bot.i18n import translator
    from bot.slack.blocks.forecast import forecast_message

    ovh.add_credit(SERVICE, "100")
    sync_project(ledger, provider, linked)
    seen = forecasting.forecast(ledger, linked)
    assert seen.basis == "journal"
    text = json.dumps(forecast_message(seen, translator("en_GB", PARIS)).blocks)
    assert "Daily spend from the bills charged here in the last 30 days." in text


def test_a_voucher_redeemed_at_ovhcloud_is_kept_and_shown_by_its_last_four_characters(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    from ledger.services import vouchers

    ovh.add_code("OVH-DEMO-VOUCHER", "25", datetime(2026, 6, 30, tzinfo=UTC))
    vouchers.redeem_voucher(ledger, MEMBER, "OVH-DEMO-VOUCHER", linked, provider)
    (lot,) = reading.balance(ledger, linked).lots
    assert lot.source == LotSource.voucher("CHER", lot.source.provider_credit_id)
    shown = [line.lot_source for line in reading.history(ledger, linked)]
    assert shown == [lot.source]
    assert "DEMO" not in audit.export_json(ledger) + audit.export_csv(ledger)


def test_the_command_line_names_the_project_when_it_links_syncs_and_unlinks(
    db_url: str, ledger: Ledger, project: str, ovh: OvhStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.__main__ import main

    ovh.add_credit(SERVICE, "100")
    said = []
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _env(db_url, ovh).items():
            patch.setenv(name, value)
        for argv in (
            ["project", "link-ovh", project, SERVICE, "--as", "UADMIN"],
            ["ovh", "sync"],
            ["project", "unlink-ovh", project, "--as", "UADMIN"],
        ):
            capsys.readouterr()
            assert main(argv) == 0
            said.append(capsys.readouterr().out)
    linked, synced, unlinked = said
    assert linked.startswith(f"project Prod EU linked to OVHcloud {SERVICE}\nProd EU ← ")
    assert synced.startswith(f"Prod EU ← {SERVICE}: 1 credit")
    assert unlinked.startswith(f"project Prod EU unlinked from OVHcloud {SERVICE}")
