from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

from ledger.domain import days_covered
from ledger.drafting import Draft, NoDraft, Skip, plan
from ledger.forecast import Advice, Projection
from ledger.money import Money

TODAY = date(2026, 12, 6)
EUR = "EUR"


def projection(
    *, burn: int = 10_00, covered_days: int = 3, useful: int = 10_000_00, days: int = 400
) -> Projection:
    """A daily burn of `burn` minor units, with credit that lasts `covered_days` days."""
    shortfalls = tuple(0 if n < covered_days else burn for n in range(days))
    runs_out_on = TODAY + timedelta(days=covered_days) if covered_days < days else None
    return Projection(
        currency=EUR,
        today=TODAY,
        burn=Fraction(burn),
        runs_out_on=runs_out_on,
        expiring_unused=(),
        advice=Advice(
            buy_by=runs_out_on - timedelta(days=5) if runs_out_on else None,
            buy_at_least=Money(0, EUR),
            useful_at_most=Money(useful, EUR),
        ),
        openings=tuple(0 for _ in range(days)),
        spendings=tuple(0 for _ in range(days)),
        shortfalls=shortfalls,
    )


MAXIMUM = Money(200_000_00, EUR)


def test_the_draft_covers_the_shortfalls_through_cover_days_after_running_out() -> None:
    draft = plan(projection(covered_days=3), cover_days=90, maximum=MAXIMUM)
    assert draft == Draft(Money(900_00, EUR), date(2026, 12, 9), date(2027, 3, 8), None, 90)


def test_a_shortfall_in_cents_is_rounded_up_to_a_whole_unit() -> None:
    draft = plan(projection(burn=1_01, covered_days=0), cover_days=3, maximum=MAXIMUM)
    assert isinstance(draft, Draft)
    assert draft.amount == Money(4_00, EUR)


def test_the_draft_never_exceeds_what_would_be_used_before_it_expires() -> None:
    draft = plan(projection(useful=250_00), cover_days=90, maximum=MAXIMUM)
    assert isinstance(draft, Draft)
    assert (draft.amount, draft.bounded_by) == (Money(250_00, EUR), "useful")


def test_the_purchase_maximum_and_the_monthly_cap_bound_the_draft() -> None:
    capped = plan(projection(), maximum=Money(500_00, EUR), cap_left=Money(300_99, EUR))
    assert isinstance(capped, Draft)
    assert (capped.amount, capped.bounded_by) == (Money(300_00, EUR), "cap")
    maxed = plan(projection(), maximum=Money(500_00, EUR))
    assert isinstance(maxed, Draft)
    assert (maxed.amount, maxed.bounded_by) == (Money(500_00, EUR), "maximum")


def test_no_draft_when_the_cap_leaves_less_than_one_unit() -> None:
    assert plan(projection(), maximum=MAXIMUM, cap_left=Money(99, EUR)) == NoDraft(Skip.CAP_REACHED)


def test_no_draft_before_buy_by_and_the_day_it_is_expected() -> None:
    assert plan(projection(covered_days=20), maximum=MAXIMUM) == NoDraft(
        Skip.NOT_YET, expected_on=TODAY + timedelta(days=15)
    )


def test_no_draft_without_burn_or_without_a_shortfall_or_with_nothing_useful() -> None:
    assert plan(projection(burn=0), maximum=MAXIMUM) == NoDraft(Skip.NO_BURN)
    assert plan(projection(covered_days=400), maximum=MAXIMUM) == NoDraft(Skip.ENOUGH)
    assert plan(projection(useful=50), maximum=MAXIMUM) == NoDraft(Skip.NOTHING_USEFUL)


def test_a_draft_cut_by_the_monthly_cap_covers_only_the_days_it_pays_in_full() -> None:
    # 5,800 € a day with 200 € left: day 0 falls 5,600 € short, then 5,800 € a day.
    full = projection(burn=5_800_00, covered_days=0, useful=1_000_000_00)
    burning = replace(full, shortfalls=(5_600_00, *full.shortfalls[1:]))
    draft = plan(burning, cover_days=30, maximum=MAXIMUM, cap_left=Money(50_000_00, EUR))
    assert isinstance(draft, Draft)
    # 5,600 + 7 * 5,800 = 46,200 € ≤ 50,000 €; an eighth full day would need 52,000 €.
    assert (draft.amount, draft.bounded_by) == (Money(50_000_00, EUR), "cap")
    assert (draft.runs_out_on, draft.covers_through) == (TODAY, TODAY + timedelta(days=7))
    assert days_covered(draft.runs_out_on, draft.covers_through) == 8


def test_a_cut_draft_counts_the_days_it_pays_on_the_projection_s_scale() -> None:
    # A burn of 1001/3 minor units a day: shortfalls are kept in thirds of a cent.
    full = projection(burn=1001, covered_days=2)
    thirds = replace(full, burn=Fraction(1001, 3))
    draft = plan(thirds, cover_days=90, maximum=Money(10_00, EUR))
    assert isinstance(draft, Draft) and draft.bounded_by == "maximum"
    # 10 € is 3,000 thirds: the shortfalls of days 2 and 3 (2,002), not day 4 (3,003).
    assert draft.covers_through == TODAY + timedelta(days=3)
    assert days_covered(draft.runs_out_on, draft.covers_through) == 2


def test_a_draft_too_small_for_a_whole_day_covers_none_of_the_days_asked() -> None:
    draft = plan(projection(covered_days=3), maximum=Money(9_00, EUR))
    assert isinstance(draft, Draft) and draft.bounded_by == "maximum"
    assert draft.covers_through == TODAY + timedelta(days=2)  # the day before it runs out
    assert days_covered(draft.runs_out_on, draft.covers_through) == 0


def test_a_draft_cut_to_what_can_be_used_covers_the_days_that_amount_pays() -> None:
    draft = plan(projection(useful=250_00), cover_days=90, maximum=MAXIMUM)
    assert isinstance(draft, Draft) and draft.bounded_by == "useful"
    assert draft.covers_through == TODAY + timedelta(days=3 + 25 - 1)
