"""Expiry warnings and forfeitures: on time, exactly once, with the right amounts (freezegun)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from freezegun import freeze_time

from bot.jobs.alerts import Alerts
from bot.slack.standin import SlackStandIn
from ledger.domain import Actor, Role
from ledger.services import Ledger
from ledger.services.billing import charge
from ledger.services.projects import add_project, link_channel
from ledger.services.purchases import approve_purchase, request_purchase
from ledger.services.reading import balance
from ledger.services.vouchers import issue_voucher, redeem_voucher
from tests.support import PARIS, eur

ADMIN = Actor("UADMIN", frozenset({Role.ADMIN}))
FIN = Actor("UFIN", frozenset({Role.FINANCE}))
FREEZE_IGNORE = ["psycopg", "sqlalchemy", "slack_sdk", "urllib", "http"]


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def posts(standin: SlackStandIn, channel: str, needle: str) -> list[str]:
    return [
        str(c.params.get("text"))
        for c in standin.of("chat.postMessage")
        if c.params.get("channel") == channel and needle in str(c.params.get("text"))
    ]


def setup(ledger: Ledger, project: str = "p", channel: str = "CPROJ") -> None:
    add_project(ledger, ADMIN, project, project.upper())
    link_channel(ledger, ADMIN, project, channel)


def buy(ledger: Ledger, project: str = "p", amount: str = "100") -> str:
    po = request_purchase(ledger, Actor("UMEM"), project, eur(amount))
    return approve_purchase(ledger, FIN, po.number).number


def daily_runs(frozen: object, alerts: Alerts, start: date, days: int) -> None:
    for offset in range(days):
        day = start + timedelta(days=offset)
        frozen.move_to(paris(day.year, day.month, day.day, 9, 0))  # type: ignore[attr-defined]
        alerts.run()


@pytest.mark.slow
def test_a_lot_crossing_30_7_and_1_days_gets_exactly_three_warnings_over_a_year_of_daily_runs(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 1, 31, 10, 0), ignore=FREEZE_IGNORE) as frozen:
        setup(real_clock_ledger)
        number = buy(real_clock_ledger)  # expires 28 Feb 2027 10:00
        charge(real_clock_ledger, FIN, "p", eur("40"), "bill")
        daily_runs(frozen, alerts(), date(2026, 2, 1), 400)
    warned = posts(standin, "CPROJ", number)
    soon = [w for w in warned if "expires soon" in w]
    assert len(soon) == 3
    days = [w.split("(")[-1].split(")")[0] for w in soon]
    assert days == ["30 days left", "7 days left", "1 day left"]
    lost = [w for w in warned if "has expired" in w]
    assert len(lost) == 1 and "€60.00" in lost[0]
    assert balance(real_clock_ledger, "p").available.minor == 0


def test_a_lot_spent_to_zero_before_a_threshold_gets_no_warning_after_it(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 1, 31, 10, 0), ignore=FREEZE_IGNORE) as frozen:
        setup(real_clock_ledger)
        number = buy(real_clock_ledger)
        frozen.move_to(paris(2027, 1, 29, 9, 0))  # 30 days before
        alerts().run()
        charge(real_clock_ledger, FIN, "p", eur("100"), "bill")
        daily_runs(frozen, alerts(), date(2027, 1, 30), 60)
    warned = posts(standin, "CPROJ", number)
    assert len(warned) == 1 and "30 days left" in warned[0]


def test_a_bot_down_from_day_35_to_day_5_before_expiry_sends_only_the_7_day_warning(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 1, 31, 10, 0), ignore=FREEZE_IGNORE) as frozen:
        setup(real_clock_ledger)
        number = buy(real_clock_ledger)  # expires 28 Feb 2027
        daily_runs(frozen, alerts(), date(2027, 1, 20), 5)  # up to day -35 … -35 + 4
        frozen.move_to(paris(2027, 2, 23, 9, 0))  # back on day -5
        alerts().run()
        alerts().run()
    warned = posts(standin, "CPROJ", number)
    assert len(warned) == 1 and "5 days left" in warned[0]


def test_the_forfeiture_of_an_expired_lot_is_announced_once_with_the_right_amount(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 1, 12, 0), ignore=FREEZE_IGNORE) as frozen:
        setup(real_clock_ledger)
        code = issue_voucher(real_clock_ledger, FIN, eur("25.50"), date(2026, 11, 10)).code
        redeem_voucher(real_clock_ledger, Actor("UMEM"), code, "p")
        charge(real_clock_ledger, FIN, "p", eur("5"), "bill")
        frozen.move_to(paris(2026, 11, 11, 0, 0))  # the voucher expired at midnight
        assert balance(real_clock_ledger, "p").available.minor == 0  # before any run
        alerts().run()
        alerts().run()
        frozen.tick(timedelta(days=3))
        alerts().run()
    lost = posts(standin, "CPROJ", "has expired")
    assert len(lost) == 1 and "€20.50" in lost[0]


def test_warnings_for_several_lots_of_a_project_arrive_in_one_message_per_run(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 1, 9, 0), ignore=FREEZE_IGNORE):
        setup(real_clock_ledger)
        setup(real_clock_ledger, "q", "CQUEUE")
        for project in ("p", "p", "p", "q"):
            code = issue_voucher(real_clock_ledger, FIN, eur("10"), date(2026, 11, 20)).code
            redeem_voucher(real_clock_ledger, Actor("UMEM"), code, project)
        report = alerts().run()
    assert report.claimed == 4 and report.posted == 2
    assert len(posts(standin, "CPROJ", "expires soon")) == 1
    assert posts(standin, "CPROJ", "expires soon")[0].count("Voucher …") == 3


def test_a_project_without_a_channel_is_warned_in_the_finance_channel(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 1, 9, 0), ignore=FREEZE_IGNORE):
        add_project(real_clock_ledger, ADMIN, "lonely", "Lonely")
        code = issue_voucher(real_clock_ledger, FIN, eur("10"), date(2026, 11, 5)).code
        redeem_voucher(real_clock_ledger, Actor("UMEM"), code, "lonely")
        alerts().run()
    assert len(posts(standin, "CFINANCE", "Lonely")) == 1


@pytest.mark.parametrize(
    ("now", "valid_until", "expected"),
    [
        (paris(2026, 3, 22, 9, 0), date(2026, 3, 29), "7 days left"),  # the week of the DST switch
        (paris(2026, 3, 28, 9, 0), date(2026, 3, 29), "1 day left"),  # the eve of the switch
        (paris(2026, 10, 24, 9, 0), date(2026, 10, 31), "7 days left"),  # back to winter time
        (paris(2026, 12, 1, 9, 0), date(2026, 12, 31), "30 days left"),  # a 31-day month
        (paris(2026, 1, 1, 9, 0), date(2026, 1, 31), "30 days left"),
    ],
)
def test_day_counts_are_right_across_dst_and_long_months(
    real_clock_ledger: Ledger,
    alerts: Callable[..., Alerts],
    standin: SlackStandIn,
    now: datetime,
    valid_until: date,
    expected: str,
) -> None:
    with freeze_time(now, ignore=FREEZE_IGNORE):
        setup(real_clock_ledger)
        code = issue_voucher(real_clock_ledger, FIN, eur("10"), valid_until).code
        redeem_voucher(real_clock_ledger, Actor("UMEM"), code, "p")
        alerts().run()
    assert expected in posts(standin, "CPROJ", "expires soon")[0]
