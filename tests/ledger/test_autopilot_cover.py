"""What an autopilot draft covers when a bound cut its amount, and what its state says
when finance turns it on again the day its draft was refused."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from ledger import migrate
from ledger.services import Ledger
from ledger.services.autopilot import draft_due, status, turn_on
from ledger.services.billing import charge
from ledger.services.order_expiry import expire_orders
from ledger.services.projects import add_project
from ledger.services.purchases import get_purchase_order, reject_purchase
from tests.ledger.test_autopilot import TODAY, running_out
from tests.ledger.test_billing import buy
from tests.support import ADMIN, FINANCE, FakeClock, eur


def burning_fast(ledger: Ledger, project: str, clock: FakeClock) -> None:
    """A project that burns 5,800 € a day and has 200 € of credit left."""
    clock.advance(days=40)
    buy(ledger, project, "174200")
    charge(ledger, FINANCE, project, eur("174000"), "month-of-bills")


def test_a_draft_cut_by_the_monthly_cap_covers_only_the_days_its_amount_pays_in_full(
    ledger: Ledger, project: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    burning_fast(ledger, project, clock)
    turn_on(ledger, FINANCE, project, 30, eur("50000"))
    caplog.set_level(logging.INFO, "creditbot.autopilot")
    (outcome,) = draft_due(ledger)
    po = get_purchase_order(ledger, outcome.number or "")
    assert po.amount_excl_tax == eur("50000") and po.drafted is not None
    # Today falls 5,600 € short, then 5,800 € a day: 46,200 € pays 8 days, 52,000 € 9.
    assert (po.drafted.runs_out_on, po.drafted.covers_through) == (
        TODAY,
        TODAY + timedelta(days=7),
    )
    assert (po.drafted.days_covered, po.drafted.cover_days, po.drafted.bounded_by) == (
        8,
        30,
        "cap",
    )
    assert (
        f"autopilot {project}: drafted {po.number} for 50000.00 EUR (credit runs out on "
        f"{TODAY}; covers 8 of 30 days, through {TODAY + timedelta(days=7)}; cut by the "
        "monthly cap)" in caplog.text
    )
    (state,) = status(ledger, project)
    assert state.last_draft is not None
    assert state.last_draft.covers_through == TODAY + timedelta(days=7)


def test_a_draft_due_cut_by_the_purchase_maximum_says_the_days_it_would_pay(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    burning_fast(ledger, project, clock)
    turn_on(ledger, FINANCE, project, 90)
    (state,) = status(ledger, project)
    draft = state.outlook.draft
    assert draft is not None
    # 200,000 €: 5,600 € + 33 days of 5,800 € = 197,000 €; a 35th day would pass it.
    assert (draft.amount, draft.bounded_by) == (eur("200000"), "maximum")
    assert (draft.days_covered, draft.covers_through) == (34, TODAY + timedelta(days=33))


def test_a_draft_nobody_cut_still_covers_the_whole_cover_asked(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project, 30)
    (outcome,) = draft_due(ledger)
    drafted = get_purchase_order(ledger, outcome.number or "").drafted
    assert drafted is not None and drafted.bounded_by is None
    assert (drafted.covers_through, drafted.days_covered) == (TODAY + timedelta(days=29), 30)


def test_turned_on_again_the_day_its_draft_was_rejected_the_next_draft_comes_tomorrow(
    ledger: Ledger, project: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project)
    (first,) = draft_due(ledger)
    rejected = reject_purchase(ledger, FINANCE, first.number or "", "not today")
    clock.advance(hours=3)
    state = turn_on(ledger, FINANCE, project)
    tomorrow = TODAY + timedelta(days=1)
    seen = state.outlook
    assert (seen.reason, seen.order, seen.expected_on, seen.since, seen.draft) == (
        "refused_today",
        first.number,
        tomorrow,
        rejected.decided_at,
        None,
    )
    caplog.set_level(logging.INFO, "creditbot.autopilot")
    (again,) = draft_due(ledger)
    assert (again.drafted, again.outlook.reason, again.outlook.expected_on) == (
        False,
        "refused_today",
        tomorrow,
    )
    assert f"today's draft {first.number} was refused at " in caplog.text
    clock.advance(days=1)
    assert draft_due(ledger)[0].drafted


def test_a_draft_of_the_day_still_pending_or_approved_is_what_the_next_draft_waits_for(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project)
    (first,) = draft_due(ledger)
    (state,) = status(ledger, project)
    assert (state.outlook.reason, state.outlook.expected_on) == ("drafted_today", None)
    clock.advance(days=ledger.config.po_expire_days)
    assert expire_orders(ledger) == [first.number]
    (held,) = status(ledger, project)
    assert held.outlook.reason == "expired"  # a day later: held, not refused today


def test_the_migration_keeps_the_cover_of_uncut_drafts_and_leaves_a_cut_one_unknown(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "dev", "Dev")
    running_out(ledger, project, clock)
    buy(ledger, "dev", "100")
    charge(ledger, FINANCE, "dev", eur("300"), "dev-bills")
    turn_on(ledger, FINANCE, project, 30)
    turn_on(ledger, FINANCE, "dev", 30, eur("100"))
    numbers = {o.project: o.number or "" for o in draft_due(ledger)}
    migrate.downgrade(ledger.db.engine, "0014")
    migrate.upgrade(ledger.db.engine)
    whole = get_purchase_order(ledger, numbers[project]).drafted
    cut = get_purchase_order(ledger, numbers["dev"]).drafted
    assert whole is not None and cut is not None
    assert (whole.covers_through, whole.days_covered) == (TODAY + timedelta(days=29), 30)
    assert (cut.bounded_by, cut.covers_through, cut.days_covered) == ("cap", None, None)
