from datetime import date, timedelta
from fractions import Fraction

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
    assert draft == Draft(Money(900_00, EUR), date(2026, 12, 9), date(2027, 3, 8), None)


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
