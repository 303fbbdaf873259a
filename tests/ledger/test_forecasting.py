"""The forecast read from the ledger: the burn from the bills, the series of the chart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

from ledger.services import Ledger
from ledger.services.billing import charge, void_charge
from ledger.services.forecasting import balance_history, forecast
from ledger.services.reading import balance
from tests.ledger.test_billing import buy, voucher
from tests.support import FINANCE, FakeClock, eur


def test_the_burn_is_the_whole_of_each_bill_in_the_window_net_of_voids(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    clock.advance(days=40)  # the project is older than the window
    buy(ledger, project, "100")
    charge(ledger, FINANCE, project, eur("30"), "old")
    clock.advance(days=31)  # "old" leaves the window
    charge(ledger, FINANCE, project, eur("150"), "beyond-credit")  # 50 of it due otherwise
    charge(ledger, FINANCE, project, eur("40"), "mistaken")
    void_charge(ledger, FINANCE, "mistaken", "typo")
    clock.advance(hours=1)
    seen = forecast(ledger, project)
    assert seen.basis == "journal"
    assert seen.projection.burn == Fraction(15_000, 30)
    assert seen.projection.daily_burn == eur("5")
    assert not seen.available
    assert seen.projection.runs_out_on == seen.projection.today


def test_with_a_rise_window_the_burn_is_the_30_day_average_unless_the_last_14_days_average_more(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    ledger = replace(ledger, config=replace(ledger.config, forecast_rise_days=14))
    clock.advance(days=40)
    buy(ledger, project, "5000")
    for day in range(30):  # 10 € a day for 30 days: both averages are 10 €
        clock.advance(days=1)
        charge(ledger, FINANCE, project, eur("10"), f"steady-{day}")
    seen = forecast(ledger, project)
    assert seen.projection.burn == Fraction(1_000) and seen.window_days == 30
    for day in range(3):  # then 40 € a day: the last 14 days average 16.43 €
        clock.advance(days=1)
        charge(ledger, FINANCE, project, eur("40"), f"risen-{day}")
    seen = forecast(ledger, project)
    assert seen.projection.burn == Fraction(11 * 1_000 + 3 * 4_000, 14)
    assert seen.window_days == 14
    for day in range(14):  # then 1 € a day: a fall shows only as the 30 days pass
        clock.advance(days=1)
        charge(ledger, FINANCE, project, eur("1"), f"fallen-{day}")
    seen = forecast(ledger, project)
    assert seen.projection.burn == Fraction(13 * 1_000 + 3 * 4_000 + 14 * 100, 30)
    assert seen.window_days == 30


def test_a_young_project_burns_over_its_age(ledger: Ledger, project: str, clock: FakeClock) -> None:
    buy(ledger, project, "1000")
    clock.advance(days=4, hours=3)
    charge(ledger, FINANCE, project, eur("100"), "bill")
    seen = forecast(ledger, project)
    assert seen.projection.burn == Fraction(10_000, 4)
    # 900 € left at 25 € a day: days 0 to 35 are paid, day 36 falls short.
    assert seen.projection.runs_out_on == seen.projection.today + timedelta(days=36)
    assert seen.projection.advice.buy_by == seen.projection.today + timedelta(days=31)
    assert seen.projection.advice.buy_at_least == eur(str(25 * (90 - 36)))


def test_expiring_unused_lists_lots_in_expiry_order_with_their_day(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    source = voucher(ledger, project, "10", date(2026, 2, 10))
    po = buy(ledger, project, "20")
    seen = forecast(ledger, project)
    assert [
        (e.source.reference, e.amount, e.expires_on) for e in seen.projection.expiring_unused
    ] == [
        (source, eur("10"), date(2026, 2, 11)),
        (po, eur("20"), date(2027, 2, 28)),
    ]


def test_the_balance_series_is_what_a_balance_read_gives_at_each_instant(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    voucher(ledger, project, "15", date(2026, 2, 20))
    buy(ledger, project, "100")
    for day in range(60):
        clock.advance(days=1)
        if day % 3 == 0:
            charge(ledger, FINANCE, project, eur("1,50"), f"bill-{day}")
    points = balance_history(ledger, project, days=90)
    assert len(points) == 91
    assert points[-1].at == clock.current and points[-2].day == points[-1].day - timedelta(days=1)
    for point in points:
        assert point.available == balance(ledger, project, at=point.at).available, point
    assert not points[0].available
    assert max(p.available for p in points) == eur("115")


def test_every_projects_forecast_read_at_once_is_each_ones_own(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    from ledger.services.forecasting import forecasts
    from ledger.services.projects import add_project, link_channel
    from tests.support import ADMIN

    add_project(ledger, ADMIN, "other", "Other")
    link_channel(ledger, ADMIN, "other", "COTHER")
    buy(ledger, project, "100")
    voucher(ledger, "other", "30", date(2026, 6, 30))
    clock.advance(days=2)
    charge(ledger, FINANCE, project, eur("12,34"), "a")
    charge(ledger, FINANCE, "other", eur("5"), "b")
    together = {seen.project.id: seen for seen in forecasts(ledger)}
    assert sorted(together) == ["other", "prod-eu"]
    for project_id, seen in together.items():
        assert seen == forecast(ledger, project_id)


def test_without_a_rise_window_the_burn_is_the_window_s_average_even_when_spending_rises(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    clock.advance(days=40)
    buy(ledger, project, "5000")
    for day in range(27):
        clock.advance(days=1)
        charge(ledger, FINANCE, project, eur("10"), f"steady-{day}")
    for day in range(3):
        clock.advance(days=1)
        charge(ledger, FINANCE, project, eur("40"), f"risen-{day}")
    seen = forecast(ledger, project)
    assert seen.projection.burn == Fraction(27 * 1_000 + 3 * 4_000, 30)
    assert seen.window_days == 30
