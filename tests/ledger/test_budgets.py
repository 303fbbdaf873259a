"""Purchase budgets: set and cleared by finance, use counted in calendar periods of the
workspace zone, orders over budget marked and needing one approval more, and finance told
once per period at 80 % and at 100 %, also under concurrent requests."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from ledger.domain import Actor
from ledger.errors import AmountError, Forbidden, InvalidInput, LedgerError, NotFound
from ledger.money import Money
from ledger.orm import Budget, Notice, PurchaseOrder
from ledger.periods import BudgetPeriod, period_days
from ledger.services import Ledger
from ledger.services.budgets import all_budgets, budget_of, clear_budget, set_budget
from ledger.services.order_expiry import expire_orders
from ledger.services.projects import add_project
from ledger.services.purchases import (
    approve_purchase,
    cancel_purchase,
    reject_purchase,
    request_purchase,
)
from tests.ledger.test_concurrency import race
from tests.support import ADMIN, FINANCE, MEMBER, FakeClock, eur


def _budget_notices(ledger: Ledger) -> list[tuple[str, str, int | None]]:
    with ledger.db.read() as session:
        rows = session.execute(
            select(Notice.key, Notice.status, Notice.threshold)
            .where(Notice.kind == "budget", Notice.key.not_like("%:set:%"))
            .order_by(Notice.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _stored(ledger: Ledger) -> list[tuple[str, str, int, str, str]]:
    with ledger.db.read() as session:
        return [
            (b.project_id, b.period, b.amount, b.currency, b.set_by)
            for b in session.scalars(select(Budget).order_by(Budget.project_id))
        ]


def test_finance_sets_a_monthly_budget_and_anyone_reads_its_use(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    view = set_budget(ledger, FINANCE, project, eur("10000"), "monthly")
    assert (view.period, view.amount, view.use.minor) == (BudgetPeriod.MONTHLY, eur("10000"), 0)
    assert (view.starts_on, view.ends_on) == (date(2026, 12, 1), date(2026, 12, 31))
    request_purchase(ledger, MEMBER, project, eur("2500"))
    seen = budget_of(ledger, project)
    assert seen is not None
    assert (seen.use, seen.left, seen.percent, seen.set_by) == (
        eur("2500"),
        eur("7500"),
        25,
        FINANCE.user_id,
    )
    assert [b.project.id for b in all_budgets(ledger)] == [project]


def test_setting_a_budget_again_replaces_it(ledger: Ledger, project: str) -> None:
    set_budget(ledger, FINANCE, project, eur("10000"), "monthly")
    set_budget(ledger, FINANCE, project, eur("30000"), BudgetPeriod.QUARTERLY)
    assert _stored(ledger) == [(project, "quarterly", 3_000_000, "EUR", FINANCE.user_id)]


def test_use_counts_only_pending_and_approved_orders_of_the_current_month(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    request_purchase(ledger, MEMBER, project, eur("1000"))  # last month: not counted
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    set_budget(ledger, FINANCE, project, eur("10000"), "monthly")
    approved = request_purchase(ledger, MEMBER, project, eur("100"))
    approve_purchase(ledger, FINANCE, approved.number)
    request_purchase(ledger, MEMBER, project, eur("200"))  # pending
    rejected = request_purchase(ledger, MEMBER, project, eur("400"))
    reject_purchase(ledger, FINANCE, rejected.number, "no")
    cancelled = request_purchase(ledger, MEMBER, project, eur("800"))
    cancel_purchase(ledger, MEMBER, cancelled.number)
    expired = request_purchase(ledger, MEMBER, project, eur("1600"))
    with ledger.db.write() as session:  # as the expiry job leaves an order
        po = session.scalars(select(PurchaseOrder).where(PurchaseOrder.number == expired.number))
        row = po.one()
        row.status, row.decided_by, row.decided_at = "expired", "creditbot", clock.current
    seen = budget_of(ledger, project)
    assert seen is not None and seen.use == eur("300")


def test_a_month_starts_at_midnight_in_the_workspace_zone_not_in_utc(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    set_budget(ledger, FINANCE, project, eur("10000"), "monthly")
    clock.set(datetime(2026, 11, 30, 22, 30, tzinfo=UTC))  # 23:30 on 30 November in Paris
    request_purchase(ledger, MEMBER, project, eur("100"))
    clock.set(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # 00:30 on 1 December in Paris
    request_purchase(ledger, MEMBER, project, eur("200"))
    december = budget_of(ledger, project)
    assert december is not None
    assert (december.starts_on, december.use) == (date(2026, 12, 1), eur("200"))
    clock.set(datetime(2026, 11, 30, 22, 59, tzinfo=UTC))  # 23:59 on 30 November in Paris
    november = budget_of(ledger, project)
    assert november is not None
    assert (november.starts_on, november.use) == (date(2026, 11, 1), eur("100"))


def test_an_order_the_expiry_run_closes_no_longer_counts_in_the_budget(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 2, 2, 9, 0, tzinfo=UTC))
    set_budget(ledger, FINANCE, project, eur("10000"), "yearly")
    forgotten = request_purchase(ledger, MEMBER, project, eur("1600"))
    clock.advance(days=10)
    recent = request_purchase(ledger, MEMBER, project, eur("200"))
    clock.advance(days=20, hours=1)  # PO_EXPIRE_DAYS (30) after the first, same year
    before = budget_of(ledger, project)
    assert before is not None and before.use == eur("1800")
    assert expire_orders(ledger) == [forgotten.number]
    after = budget_of(ledger, project)
    assert after is not None and (after.use, after.left) == (eur("200"), eur("9800"))
    over = request_purchase(ledger, MEMBER, project, eur("9900"))  # counted without it too
    assert (recent.over_budget, over.over_budget) == (None, eur("100"))


@pytest.mark.parametrize(
    ("period", "day", "first", "last"),
    [
        (BudgetPeriod.MONTHLY, date(2028, 2, 10), date(2028, 2, 1), date(2028, 2, 29)),
        (BudgetPeriod.QUARTERLY, date(2026, 12, 6), date(2026, 10, 1), date(2026, 12, 31)),
        (BudgetPeriod.QUARTERLY, date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
        (BudgetPeriod.YEARLY, date(2026, 7, 14), date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_quarters_and_years_are_calendar_ones(
    period: BudgetPeriod, day: date, first: date, last: date
) -> None:
    assert period_days(period, day) == (first, last)


def test_an_order_that_takes_use_over_the_budget_is_marked_and_needs_one_approval_more(
    ledger: Ledger, project: str
) -> None:
    set_budget(ledger, FINANCE, project, eur("1000"), "monthly")
    within = request_purchase(ledger, MEMBER, project, eur("600"))
    over = request_purchase(ledger, MEMBER, project, eur("700"))
    assert within.over_budget is None
    assert over.over_budget == eur("300")
    with ledger.db.read() as session:
        needed = dict(
            session.execute(select(PurchaseOrder.number, PurchaseOrder.approvals_needed)).all()
        )
        marked = dict(
            session.execute(select(PurchaseOrder.number, PurchaseOrder.over_budget)).all()
        )
    assert needed == {within.number: 1, over.number: 2}
    assert marked == {within.number: None, over.number: 30_000}


def test_a_project_without_a_budget_has_no_order_over_budget(ledger: Ledger, project: str) -> None:
    po = request_purchase(ledger, MEMBER, project, eur("200000"))
    assert po.over_budget is None
    assert budget_of(ledger, project) is None


def test_finance_is_owed_80_then_100_percent_once_each_per_period(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    set_budget(ledger, FINANCE, project, eur("1000"), "monthly")
    request_purchase(ledger, MEMBER, project, eur("799"))
    assert _budget_notices(ledger) == []
    request_purchase(ledger, MEMBER, project, eur("1"))  # exactly 80 %
    request_purchase(ledger, MEMBER, project, eur("100"))
    first = request_purchase(ledger, MEMBER, project, eur("100"))  # exactly 100 %
    cancel_purchase(ledger, MEMBER, first.number)  # back to 90 %
    request_purchase(ledger, MEMBER, project, eur("150"))  # over again: told before
    key = f"budget:{project}:monthly:2026-12-01"
    assert _budget_notices(ledger) == [(f"{key}:80", "pending", 80), (f"{key}:100", "pending", 100)]
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))  # a new month: told again
    request_purchase(ledger, MEMBER, project, eur("850"))
    assert _budget_notices(ledger)[2:] == [
        (f"budget:{project}:monthly:2027-01-01:80", "pending", 80)
    ]


def test_an_order_that_passes_80_and_100_percent_at_once_tells_only_100(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    set_budget(ledger, FINANCE, project, eur("1000"), "monthly")
    request_purchase(ledger, MEMBER, project, eur("1200"))
    key = f"budget:{project}:monthly:2026-12-01"
    assert _budget_notices(ledger) == [(f"{key}:100", "pending", 100), (f"{key}:80", "dropped", 80)]


@pytest.mark.parametrize(
    ("who", "amount", "period", "error"),
    [
        (MEMBER, "1000", "monthly", Forbidden),
        (FINANCE, "1000", "weekly", InvalidInput),
        (FINANCE, "0", "monthly", AmountError),
        (FINANCE, "-5", "monthly", AmountError),
        (FINANCE, "200001", "monthly", AmountError),
        (FINANCE, "10.50", "monthly", AmountError),
    ],
)
def test_a_refused_budget_changes_nothing(
    ledger: Ledger, project: str, who: Actor, amount: str, period: str, error: type[LedgerError]
) -> None:
    set_budget(ledger, FINANCE, project, eur("500"), "yearly")
    before = _stored(ledger)
    from decimal import Decimal

    with pytest.raises(error):
        set_budget(ledger, who, project, Money.from_decimal(Decimal(amount), "EUR"), period)
    assert _stored(ledger) == before


def test_a_budget_in_another_currency_than_the_projects_is_refused(ledger: Ledger) -> None:
    add_project(ledger, ADMIN, "us-east", "US East", "USD")
    with pytest.raises(AmountError, match="counts in USD"):
        set_budget(ledger, FINANCE, "us-east", eur("100"), "monthly")
    assert _stored(ledger) == []


def test_finance_clears_a_budget_and_clearing_none_is_refused(ledger: Ledger, project: str) -> None:
    set_budget(ledger, FINANCE, project, eur("500"), "monthly")
    with pytest.raises(Forbidden):
        clear_budget(ledger, MEMBER, project)
    assert len(_stored(ledger)) == 1
    cleared = clear_budget(ledger, FINANCE, project)
    assert cleared.amount == eur("500")
    assert _stored(ledger) == []
    with pytest.raises(NotFound, match="has no budget"):
        clear_budget(ledger, FINANCE, project)
    po = request_purchase(ledger, MEMBER, project, eur("900"))
    assert po.over_budget is None


def test_who_set_and_who_cleared_a_budget_is_kept_for_finance(ledger: Ledger, project: str) -> None:
    set_budget(ledger, FINANCE, project, eur("500"), "monthly")
    set_budget(ledger, FINANCE, project, eur("500"), "monthly")  # the same again: no news
    clear_budget(ledger, FINANCE, project)
    with ledger.db.read() as session:
        kept = session.execute(
            select(Notice.key, Notice.detail).where(Notice.kind == "budget").order_by(Notice.id)
        ).all()
    assert [key.split(":")[2] for key, _ in kept] == ["set", "cleared"]
    assert all('"who": "UFINANCE"' in detail for _, detail in kept)


def test_concurrent_requests_count_each_other_against_the_budget(
    ledger: Ledger, project: str
) -> None:
    set_budget(ledger, FINANCE, project, eur("1000"), "monthly")
    outcomes = race(8, lambda i: request_purchase(ledger, Actor(f"U{i}"), project, eur("300")))
    assert not [o for o in outcomes if isinstance(o, LedgerError)]
    overs = sorted(
        o.over_budget.minor for o in outcomes if not isinstance(o, LedgerError) and o.over_budget
    )
    # 300, 600, 900 fit; then 1200, 1500 … go over by 200, 500 …, whatever the order.
    assert overs == [20_000, 50_000, 80_000, 110_000, 140_000]
    with ledger.db.read() as session:
        told = session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(
                Notice.kind == "budget", Notice.status == "pending", Notice.threshold.is_not(None)
            )
        )
    assert told == 2


def test_the_ledger_export_holds_each_budget_with_who_set_it(ledger: Ledger, project: str) -> None:
    import json

    from ledger.services.audit import export_json

    set_budget(ledger, FINANCE, project, eur("1500"), "yearly")
    (row,) = json.loads(export_json(ledger))["budgets"]
    assert (row["project_id"], row["period"], row["amount"], row["set_by"]) == (
        project,
        "yearly",
        "1500.00",
        FINANCE.user_id,
    )
