"""The projection against a plain day-by-day simulation, and its edge cases."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.clock import credit_expiry, local_date, voucher_expiry
from ledger.domain import LotKind, LotView
from ledger.facts import LotOrigin, LotSource
from ledger.forecast import ForecastRules, burn_rate, project_spending
from ledger.money import Money

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def lot(
    lot_id: int, kind: LotKind, cents: int, expires_at: datetime, since: datetime | None = None
) -> LotView:
    return LotView(
        lot_id,
        kind,
        LotSource(LotOrigin.TEXT, text=f"{kind.value}-{lot_id}"),
        Money(cents, "EUR"),
        Money(cents, "EUR"),
        since or datetime(2025, 1, 1, tzinfo=UTC),
        expires_at,
    )


def simulate(lots: list[LotView], burn: Fraction, now: datetime, tz: ZoneInfo) -> dict[str, object]:
    """The definition, spelled out: every day, every lot, no cleverness."""
    end = credit_expiry(now, tz)
    left = {v.id: Fraction(v.remaining.minor) for v in lots}
    shortfalls: list[tuple[date, Fraction]] = []
    ledger_days: list[tuple[Fraction, Fraction, Fraction]] = []
    day = local_date(now, tz)
    while day <= local_date(end, tz):
        start = max(datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC), now)
        need = burn
        payers = [v for v in lots if v.expires_at > start]
        opening = sum((left[v.id] for v in payers), Fraction(0))
        payers.sort(key=lambda v: (0 if v.kind is LotKind.VOUCHER else 1, v.expires_at, v.id))
        for v in payers:
            part = min(left[v.id], need)
            left[v.id] -= part
            need -= part
        shortfalls.append((day, need))
        ledger_days.append((opening, burn - need, need))
        day += timedelta(days=1)
    unused = [
        (v.source.reference, left[v.id], local_date(v.expires_at, tz))
        for v in sorted(lots, key=lambda v: (v.expires_at, v.id))
        if left[v.id] and v.expires_at <= end
    ]
    runs_out = next((d for d, s in shortfalls if s), None)
    soon = sum((s for _, s in shortfalls[:90]), Fraction(0))
    coverable = sum(
        (s for d, s in shortfalls if datetime.combine(d, time(0), tzinfo=tz) < end),
        Fraction(0),
    )
    return {
        "runs_out_on": runs_out,
        "unused": unused,
        "buy_at_least": math.ceil(soon / 100) * 100,
        "useful_at_most": math.floor(coverable / 100) * 100,
        "days": ledger_days,
    }


instants = st.datetimes(
    min_value=datetime(2026, 3, 1), max_value=datetime(2027, 11, 1), timezones=st.just(UTC)
)
lot_strategy = st.tuples(
    st.sampled_from([LotKind.VOUCHER, LotKind.CREDIT]),
    st.integers(min_value=1, max_value=50_000),
    st.integers(min_value=1, max_value=600 * 24),  # hours after NOW
    st.booleans(),  # at local midnight, like a voucher
)


@settings(max_examples=300, deadline=None)
@given(
    specs=st.lists(lot_strategy, max_size=12),
    burn_cents=st.integers(min_value=0, max_value=20_000),
    burn_days=st.integers(min_value=1, max_value=30),
    zone_name=st.sampled_from(["Europe/Paris", "America/New_York", "UTC", "Australia/Sydney"]),
)
def test_the_projection_matches_a_plain_day_by_day_simulation(
    specs: list[tuple[LotKind, int, int, bool]], burn_cents: int, burn_days: int, zone_name: str
) -> None:
    tz = ZoneInfo(zone_name)
    lots = []
    for i, (kind, cents, hours, at_midnight) in enumerate(specs, start=1):
        expires = NOW + timedelta(hours=hours)
        if at_midnight:
            expires = voucher_expiry(local_date(expires, tz), tz)
        lots.append(lot(i, kind, cents, expires))
    burn = Fraction(burn_cents, burn_days)
    got = project_spending(lots, burn, NOW, tz, "EUR")
    want = simulate(lots, burn, NOW, tz)
    assert got.runs_out_on == want["runs_out_on"]
    unused = [(e.source.reference, e.amount.minor, e.expires_on) for e in got.expiring_unused]
    assert [(s, d) for s, _, d in unused] == [(s, d) for s, _, d in want["unused"]]  # type: ignore[attr-defined]
    for (_, shown, _), (_, exact, _) in zip(unused, want["unused"], strict=True):  # type: ignore[call-overload]
        assert abs(shown - exact) <= Fraction(1, 2)
    assert got.advice.buy_at_least.minor == want["buy_at_least"]
    assert got.advice.useful_at_most.minor == want["useful_at_most"]
    assert [(d.opening, d.spent, d.shortfall) for d in got.days] == want["days"]
    if got.runs_out_on:
        assert got.advice.buy_by == got.runs_out_on - timedelta(days=5)
    else:
        assert got.advice.buy_by is None


def test_a_project_with_no_consumption_never_runs_out_and_every_lot_expires_unused() -> None:
    lots = [
        lot(1, LotKind.CREDIT, 10_000, NOW + timedelta(days=100)),
        lot(2, LotKind.VOUCHER, 500, NOW + timedelta(days=10)),
    ]
    got = project_spending(lots, Fraction(0), NOW, PARIS, "EUR")
    assert got.runs_out_on is None and got.advice.buy_by is None
    assert [(e.source.reference, e.amount) for e in got.expiring_unused] == [
        ("voucher-2", Money(500, "EUR")),
        ("credit-1", Money(10_000, "EUR")),
    ]
    assert not got.advice.buy_at_least and not got.advice.useful_at_most


def test_credit_expiring_at_ten_pays_on_its_last_day_and_runs_out_the_next() -> None:
    # Today is 10 March (Paris); the lot expires at 10:00 on 12 March: it pays days 0, 1, 2.
    expires = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    got = project_spending(
        [lot(1, LotKind.CREDIT, 100_000, expires)], Fraction(100), NOW, PARIS, "EUR"
    )
    assert got.runs_out_on == date(2026, 3, 13)
    assert [d.spent for d in got.days[:4]] == [100, 100, 100, 0]
    assert got.expiring_unused[0].amount == Money(100_000 - 300, "EUR")
    assert got.advice.buy_by == date(2026, 3, 8)  # not clamped: the purchase is already late


def test_a_lot_expiring_today_pays_for_today_only() -> None:
    expires = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
    got = project_spending(
        [lot(1, LotKind.CREDIT, 1_000, expires)], Fraction(400), NOW, PARIS, "EUR"
    )
    assert got.days[0].spent == 400 and got.days[1].shortfall == 400
    assert got.runs_out_on == date(2026, 3, 11)
    assert got.expiring_unused[0].amount == Money(600, "EUR")
    assert got.expiring_unused[0].expires_on == date(2026, 3, 10)


def test_a_voucher_until_d_does_not_pay_on_the_day_after_and_shows_that_day() -> None:
    expires = voucher_expiry(date(2026, 3, 11), PARIS)
    got = project_spending(
        [lot(1, LotKind.VOUCHER, 1_000, expires)], Fraction(100), NOW, PARIS, "EUR"
    )
    assert got.runs_out_on == date(2026, 3, 12)
    assert got.expiring_unused[0].expires_on == date(2026, 3, 12)
    assert got.expiring_unused[0].amount == Money(800, "EUR")


def test_a_burn_under_one_cent_a_day_is_kept_exact_and_shown_rounded() -> None:
    burn = burn_rate(1, NOW, NOW - timedelta(days=400), 30)  # one cent in thirty days
    assert burn == Fraction(1, 30)
    lasting = lot(1, LotKind.VOUCHER, 20, NOW + timedelta(days=800))
    got = project_spending(
        [lasting, lot(2, LotKind.CREDIT, 5, NOW + timedelta(days=120))], burn, NOW, PARIS, "EUR"
    )
    assert got.daily_burn == Money(0, "EUR")
    assert got.runs_out_on is None  # 13 months at 1/30 cent a day is about 13 cents
    assert [(e.source.reference, e.amount) for e in got.expiring_unused] == [
        ("credit-2", Money(5, "EUR"))
    ]
    dry = project_spending([], burn, NOW, PARIS, "EUR")
    assert dry.runs_out_on == date(2026, 3, 10)
    assert dry.advice.buy_at_least == Money(100, "EUR")  # 3 cents, rounded up to a whole euro
    assert dry.advice.useful_at_most == Money(0, "EUR")  # 13 cents, rounded down


def test_a_young_project_divides_by_its_age_in_whole_days_at_least_one() -> None:
    assert burn_rate(900, NOW, NOW - timedelta(days=3, hours=20), 30) == 300
    assert burn_rate(900, NOW, NOW - timedelta(hours=2), 30) == 900
    assert burn_rate(900, NOW, NOW - timedelta(days=90), 30) == 30


def test_a_voucher_still_valid_after_the_credit_runs_out_is_spent_before_it_anyway() -> None:
    credit = lot(1, LotKind.CREDIT, 1_000, NOW + timedelta(days=3))
    voucher = lot(2, LotKind.VOUCHER, 1_000, NOW + timedelta(days=200))
    got = project_spending([credit, voucher], Fraction(100), NOW, PARIS, "EUR")
    # Vouchers first: the voucher pays days 0 to 9; the credit, never drawn, expires unused.
    assert got.runs_out_on == date(2026, 3, 20)
    assert [e.source.reference for e in got.expiring_unused] == ["credit-1"]
    assert (
        got.advice.useful_at_most.minor
        == math.floor(sum(d.shortfall for d in got.days) / 100) * 100
    )


def test_days_of_a_dst_change_each_spend_a_full_days_burn() -> None:
    # Paris goes to summer time on 29 March 2026: a 23-hour day still spends one burn.
    expires = voucher_expiry(date(2026, 3, 29), PARIS)
    got = project_spending(
        [lot(1, LotKind.VOUCHER, 2_000, expires)], Fraction(100), NOW, PARIS, "EUR"
    )
    by_day = {d.day: d for d in got.days}
    assert by_day[date(2026, 3, 29)].spent == 100
    assert by_day[date(2026, 3, 30)].spent == 0
    assert got.expiring_unused == ()  # 20 days (10 to 29 March) of 1 € spend it all
    assert got.runs_out_on == date(2026, 3, 30)


def test_the_horizon_ends_on_the_day_of_now_plus_thirteen_months() -> None:
    got = project_spending([], Fraction(0), NOW, PARIS, "EUR")
    assert got.days[0].day == date(2026, 3, 10)
    assert got.days[-1].day == date(2027, 4, 10)


def test_five_hundred_lots_are_projected_in_spending_order() -> None:
    lots = [
        lot(
            i, LotKind.CREDIT if i % 3 else LotKind.VOUCHER, 1_000 + i, NOW + timedelta(hours=7 * i)
        )
        for i in range(1, 501)
    ]
    burn = Fraction(12_345, 7)
    got = project_spending(lots, burn, NOW, PARIS, "EUR")
    want = simulate(lots, burn, NOW, PARIS)
    assert got.runs_out_on == want["runs_out_on"]
    assert len(got.expiring_unused) == len(want["unused"])  # type: ignore[arg-type]
    assert got.advice.buy_at_least.minor == want["buy_at_least"]
    assert [(d.opening, d.spent, d.shortfall) for d in got.days] == want["days"]


def test_rules_move_the_purchase_lead_and_the_near_horizon() -> None:
    rules = ForecastRules(window_days=30, horizon_days=10, purchase_lead_days=2)
    got = project_spending([], Fraction(100), NOW, PARIS, "EUR", rules)
    assert got.advice.buy_by == date(2026, 3, 8)
    assert got.advice.buy_at_least == Money(1_000, "EUR")


def test_the_burn_is_the_window_s_average_or_that_of_its_rise_days_when_set_and_higher() -> None:
    from ledger.forecast import burn_of

    created = NOW - timedelta(days=400)
    # Steady: 30 days of 10 € average the same as their last 14: the window's average.
    assert burn_of(30_000, 14_000, NOW, created, 30, 14) == (Fraction(1_000), 30)
    # Rising: the last 14 days hold more than 14/30 of the window's bills.
    assert burn_of(30_000, 21_000, NOW, created, 30, 14) == (Fraction(1_500), 14)
    # Without a rise window (FORECAST_RISE_DAYS=0, the default), the window's average.
    assert burn_of(30_000, 21_000, NOW, created, 30, 0) == (Fraction(1_000), 30)
    # Falling: the window's average stays.
    assert burn_of(30_000, 1_400, NOW, created, 30, 14) == (Fraction(1_000), 30)
    # A window of 14 days or less has no shorter one.
    assert burn_of(7_000, 7_000, NOW, created, 7, 14) == (Fraction(1_000), 7)
    # A project 10 days old divides both by its age: the same burn, the window kept.
    young = NOW - timedelta(days=10, hours=1)
    assert burn_of(10_000, 10_000, NOW, young, 30, 14) == (Fraction(1_000), 30)
