from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from ledger.domain import LotKind
from ledger.money import Money
from ledger.services import Ledger, audit, reading
from ledger.services.linked import sync_project
from tests.ovh.conftest import SERVICE
from tests.support import FakeClock


def _remaining_by_source(ledger: Ledger, project: str) -> dict[str, Money]:
    return {lot.source.reference: lot.remaining for lot in reading.balance(ledger, project).lots}


def test_a_month_of_consumption_over_several_credits_matches_available_credit_to_the_cent(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    first = ovh.add_credit(SERVICE, "500")
    second = ovh.add_credit(SERVICE, "120.50", voucher="WELCOME-120")
    third = ovh.add_credit(SERVICE, "0.30")
    for day in range(30):
        clock.advance(days=1)
        ovh.consume(SERVICE, first.id, "13.37")
        ovh.consume(SERVICE, second.id, "0.1")
        ovh.consume(SERVICE, third.id, "0.01" if day % 3 else "0")
        if day % 7 == 0:
            sync_project(ledger, provider, linked)
    report = sync_project(ledger, provider, linked)
    assert report.error is None
    lots = {lot.source.reference: lot for lot in reading.balance(ledger, linked).lots}
    for credit in (first, second, third):
        key = (
            f"voucher …{credit.voucher[-4:]}" if credit.voucher else f"OVHcloud credit {credit.id}"
        )
        assert lots[key].remaining == Money.from_decimal(credit.total - credit.used, "EUR")
    assert lots["voucher …-120"].kind is LotKind.VOUCHER
    assert report.available == Money.from_decimal(
        sum((c.total - c.used for c in (first, second, third)), Decimal(0)), "EUR"
    )
    assert audit.verify(ledger) == []


def test_values_like_a_tenth_plus_two_tenths_are_exact(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    credit = ovh.add_credit(SERVICE, "0.3")
    ovh.consume(SERVICE, credit.id, "0.1")
    ovh.consume(SERVICE, credit.id, "0.2")
    sync_project(ledger, provider, linked)
    assert _remaining_by_source(ledger, linked) == {}
    ovh.refund(SERVICE, credit.id, "0.1")
    sync_project(ledger, provider, linked)
    assert _remaining_by_source(ledger, linked) == {
        f"OVHcloud credit {credit.id}": Money(10, "EUR")
    }


def test_a_rerun_posts_nothing_new(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    credit = ovh.add_credit(SERVICE, "100")
    ovh.consume(SERVICE, credit.id, "40")
    assert sync_project(ledger, provider, linked).entries_posted == 2
    assert sync_project(ledger, provider, linked).entries_posted == 0
    assert len(reading.history(ledger, linked)) == 2


def test_a_decrease_in_used_credit_posts_a_refund_never_an_edit(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    credit = ovh.add_credit(SERVICE, "100")
    ovh.consume(SERVICE, credit.id, "40")
    sync_project(ledger, provider, linked)
    ovh.refund(SERVICE, credit.id, "15.55")
    sync_project(ledger, provider, linked)
    kinds = [line.kind for line in reading.history(ledger, linked)]
    assert kinds == ["refund", "debit", "grant"]
    assert _remaining_by_source(ledger, linked)[f"OVHcloud credit {credit.id}"] == Money(
        7555, "EUR"
    )
    ovh.consume(SERVICE, credit.id, "15.55")
    sync_project(ledger, provider, linked)
    assert reading.history(ledger, linked)[0].kind == "debit"
    assert audit.verify(ledger) == []


def test_ovhcloud_validity_end_is_the_expiry(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    until = datetime(2026, 3, 15, 23, 0, tzinfo=UTC)
    ovh.add_credit(SERVICE, "50", valid_to=until)
    sync_project(ledger, provider, linked)
    (lot,) = reading.balance(ledger, linked).lots
    assert lot.expires_at == until


def test_a_credit_that_disappeared_is_reported_and_no_longer_counted(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    credit = ovh.add_credit(SERVICE, "80")
    sync_project(ledger, provider, linked)
    ovh.remove_credit(SERVICE, credit.id)
    report = sync_project(ledger, provider, linked)
    assert report.disappeared == (f"ovh:{SERVICE}:{credit.id}",)
    assert _remaining_by_source(ledger, linked) == {}


def test_verify_names_a_lot_that_differs_from_the_last_snapshot(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    from sqlalchemy import update

    from ledger.orm import Lot

    ovh.add_credit(SERVICE, "80")
    sync_project(ledger, provider, linked)
    with ledger.db.write() as session:
        session.execute(update(Lot).values(external_available=7000))
    assert any("OVHcloud said 7000" in problem for problem in audit.verify(ledger))


def test_the_command_line_links_syncs_and_refuses_charges_on_a_linked_project(
    db_url: str, ledger: Ledger, project: str, ovh: OvhStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from bot.cli.__main__ import main
    from bot.ovh.standin import APP_KEY, APP_SECRET, CONSUMER_KEY

    ovh.add_credit(SERVICE, "12.5")
    env = {
        "DATABASE_URL": db_url,
        "ADMINS": "UADMIN",
        "FINANCE_APPROVERS": "UFIN",
        "OVH_ENDPOINT": ovh.url,
        "OVH_APPLICATION_KEY": APP_KEY,
        "OVH_APPLICATION_SECRET": APP_SECRET,
        "OVH_CONSUMER_KEY": CONSUMER_KEY,
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        assert main(["project", "link-ovh", project, SERVICE, "--as", "UADMIN"]) == 0
        capsys.readouterr()
        assert main(["ovh", "sync", "--json"]) == 0
        (row,) = json.loads(capsys.readouterr().out)
        assert row["project"] == project and row["service"] == SERVICE
        assert (row["credits"], row["entries_posted"], row["available"]) == (1, 0, "12.50")
        assert main(["charge", "5", "--project", project, "--as", "UFIN"]) == 1
        assert "consumption comes from there" in capsys.readouterr().err
        assert main(["project", "unlink-ovh", project, "--as", "UADMIN"]) == 0
        assert main(["balance", "--project", project, "--json"]) == 0
        assert '"12.50"' in capsys.readouterr().out


def test_figures_the_ledger_cannot_take_fail_that_project_alone_and_change_nothing(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    good = ovh.add_credit(SERVICE, "100")
    sync_project(ledger, provider, linked)
    ovh.consume(SERVICE, good.id, "10")
    bad = ovh.add_credit(SERVICE, "5")
    bad.used = Decimal("6")  # more used than granted
    report = sync_project(ledger, provider, linked)
    assert report.error is not None and "not a usable figure" in report.error.message
    assert reading.balance(ledger, linked).available == Money(10000, "EUR")
    assert audit.verify(ledger) == []


def test_the_forecast_of_a_linked_project_burns_what_ovhcloud_consumed(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    from ledger.services import forecasting

    credit = ovh.add_credit(SERVICE, "3000")
    sync_project(ledger, provider, linked)
    for _ in range(30):
        clock.advance(days=1)
        ovh.consume(SERVICE, credit.id, "10")
        sync_project(ledger, provider, linked)
    seen = forecasting.forecast(ledger, linked)
    assert seen.basis == "journal"
    assert seen.projection.burn == 10 * 100
    (every,) = [f for f in forecasting.forecasts(ledger) if f.project.id == linked]
    assert every.basis == "journal" and every.projection.burn == 10 * 100
