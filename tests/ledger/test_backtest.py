"""Issue 16, items 3 and 4: the backtest's replay, and what the autopilot must reach on
the six usage series (two years each, `tests/ledger/usage_series.py`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

import pytest

from ledger.backtest import Policy, PolicyReport, Usage
from ledger.services import backtest as replay
from ledger.services.backtest import IdentityBroken, ReplayRules, backtest, charges_only
from tests.ledger import usage_series
from tests.support import PARIS

START = date(2026, 1, 1)


def steady(days: int, per_day: int = 10_000) -> Usage:
    return Usage("EUR", START, (per_day,) * days)


def only(policy: Policy, usage: Usage, **rules: int) -> PolicyReport:
    (report,) = backtest(usage, PARIS, ReplayRules(**rules), [policy])
    return report


def balances(report: PolicyReport) -> list[int]:
    """The balance each morning at 09:00, once due orders are credited."""
    return [point.balance for point in report.days]


def test_every_replay_starts_with_30_days_of_the_first_day_s_usage_credited_at_midnight() -> None:
    usage = Usage("EUR", START, (1_234, 50_000, 50_000))
    report = charges_only(usage, PARIS)
    assert report.bought == 370_20 + 80  # 30 x 12.34 = 370.20, rounded up to whole units
    assert report.orders == 1
    # `threshold` does nothing in its first week: its mornings show the first purchase alone.
    assert balances(only(Policy.THRESHOLD, usage)) == [371_00, 371_00 - 1_234, 0]
    assert report.paid_by_credit == 371_00 and report.due_other == usage.total - 371_00
    assert report.days_short == 2


def test_the_books_of_every_policy_add_up_to_the_cent() -> None:
    usage = usage_series.weekly_with_spikes(400)
    usage = Usage("EUR", usage.first, tuple(a + 7 for a in usage.amounts))  # odd cents
    for report in backtest(usage, PARIS):
        assert report.bought == report.paid_by_credit + report.expired + report.remaining
        assert report.consumed == report.paid_by_credit + report.due_other == usage.total
        cent = Decimal("0.01")
        assert report.expired_pct == (Decimal(100 * report.expired) / report.bought).quantize(cent)
        assert report.due_pct == (Decimal(100 * report.due_other) / report.consumed).quantize(cent)


def test_books_that_do_not_add_up_stop_the_backtest(monkeypatch: pytest.MonkeyPatch) -> None:
    real_charge = replay.billing.charge

    def overcharge(ledger, actor, project, amount, key, memo=None):  # type: ignore[no-untyped-def]
        return real_charge(ledger, actor, project, type(amount)(amount.minor + 1, "EUR"), key)

    monkeypatch.setattr(replay.billing, "charge", overcharge)
    with pytest.raises(IdentityBroken, match="consumed = the usage replayed"):
        charges_only(steady(5), PARIS)


def test_credit_still_valid_when_the_replay_ends_is_remaining_and_the_rest_expired() -> None:
    # 3 000.00 bought at 00:00 on 1 Jan 2026 expires at 00:00 on 1 Feb 2027, 396 days on,
    # when 100.00 and 395 days of 5.00 are spent.
    used = Usage("EUR", START, (100_00,) + (5_00,) * 399)
    report = charges_only(used, PARIS)
    assert report.expired == 3_000_00 - 100_00 - 395 * 5_00
    assert report.remaining == 0 and report.due_other == 4 * 5_00 and report.days_short == 4
    kept = charges_only(Usage("EUR", START, (100_00,) + (5_00,) * 99), PARIS)
    assert kept.remaining == 3_000_00 - 100_00 - 99 * 5_00 and kept.expired == 0


def test_an_order_is_credited_approval_days_later_and_none_is_placed_meanwhile() -> None:
    report = only(Policy.WHEN_EMPTY, steady(60), approval_days=10)
    # Empty on the morning of day 30: 90 days of the trailing average ordered, in 10 days.
    assert balances(report)[29:41] == [100_00] + [0] * 10 + [9_000_00]
    assert report.days_short == 10 and report.orders == 2


def test_threshold_buys_back_up_to_90_days_of_the_first_week_once_under_30() -> None:
    report = only(Policy.THRESHOLD, steady(20))
    # Set from day 7 on: 2 300.00 is under 3 000.00; 6 700.00 bought, credited on day 10.
    assert balances(report)[6:11] == [2_400_00, 2_300_00, 2_200_00, 2_100_00, 8_700_00]
    assert report.bought == 3_000_00 + 6_700_00


def test_yearly_buys_a_year_of_the_first_week_then_of_the_last_30_days() -> None:
    usage = Usage("EUR", START, (10_000,) * 365 + (20_000,) * 35)
    report = only(Policy.YEARLY, usage)
    assert balances(report)[3] == 3_000_00 - 3 * 100_00 + 365 * 100_00
    # Day 365: the last 30 days averaged 100.00 a day (the rise starts that day).
    assert report.bought == 3_000_00 + 2 * 36_500_00 and report.orders == 3


def test_the_autopilot_drafts_lead_days_before_running_out_for_the_cover() -> None:
    report = only(Policy.AUTOPILOT, steady(40))
    # 3 000.00 lasts days 0-29: drafted on day 25, credited on day 28, for 90 days.
    assert balances(report)[27:29] == [3_000_00 - 27 * 100_00, 3_000_00 - 28 * 100_00 + 9_000_00]
    shorter = only(Policy.AUTOPILOT, steady(40), cover_days=30, lead_days=8)
    assert balances(shorter)[25] == 3_000_00 - 25 * 100_00 + 3_000_00
    assert shorter.due_other == 0


# Item 4: the targets, on the six series.


@cache
def reports(name: str) -> dict[str, PolicyReport]:
    make = usage_series.stops if name == "stops" else usage_series.SERIES[name]
    return {report.policy: report for report in backtest(make(), PARIS)}


SERIES = list(usage_series.SERIES)


@pytest.mark.parametrize("name", SERIES)
def test_the_autopilot_lets_under_1_percent_expire_or_fall_due(name: str) -> None:
    ours = reports(name)["autopilot"]
    assert ours.expired_pct < 1 and ours.due_pct < 1


@pytest.mark.parametrize("name", SERIES)
def test_the_autopilot_loses_the_least_or_within_half_a_percent_of_usage(name: str) -> None:
    found = reports(name)
    ours = found["autopilot"]
    best = min(report.lost for report in found.values())
    assert ours.lost - best <= ours.consumed * 0.005, {p: r.lost for p, r in found.items()}


@pytest.mark.parametrize("name", [*SERIES, "stops"])
def test_the_autopilot_places_no_more_orders_than_auto_recharge(name: str) -> None:
    found = reports(name)
    assert found["autopilot"].orders <= found["threshold"].orders


def test_when_usage_stops_for_good_at_most_cover_and_lead_days_of_it_expire() -> None:
    ours = reports("stops")["autopilot"]
    before_stop = usage_series.stops().amounts[usage_series.STOP_AFTER_DAYS - 1]
    rules = ReplayRules()
    assert 0 < ours.expired <= (rules.cover_days + rules.lead_days) * before_stop
    assert ours.due_other == 0


def test_a_rise_window_lets_the_autopilot_see_a_step_up_in_time() -> None:
    usage = usage_series.step()
    (plain,) = backtest(usage, PARIS, ReplayRules(), [Policy.AUTOPILOT])
    (rising,) = backtest(usage, PARIS, ReplayRules(rise_days=14), [Policy.AUTOPILOT])
    # The 30-day average sees the step late: one day falls short. FORECAST_RISE_DAYS=14 sees it.
    assert rising.due_other == 0 < plain.due_other
    assert rising.orders == plain.orders and rising.expired == plain.expired == 0
