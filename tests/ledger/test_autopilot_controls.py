"""The autopilot's drafts are purchase orders like any other: approval tiers and budgets\napply, and any finance approver may approve them."""

from __future__ import annotations

import pytest

from ledger.domain import POStatus
from ledger.services import Ledger
from ledger.services.autopilot import draft_due, turn_on
from ledger.services.budgets import set_budget
from ledger.services.projects import add_project
from ledger.services.purchases import approve_purchase, get_purchase_order
from tests.ledger.test_autopilot import FINANCE_3, running_out
from tests.support import ADMIN, FINANCE, FINANCE_2, FakeClock, eur, make_ledger


def _drafted_under(ledger: Ledger, clock: FakeClock, budget: str | None) -> str:
    """A 900 € draft for a project that bought 100 € this month, under `budget` a month."""
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    running_out(ledger, "prod-eu", clock)
    if budget is not None:
        set_budget(ledger, FINANCE, "prod-eu", eur(budget), "monthly")
    turn_on(ledger, FINANCE, "prod-eu")  # the one who turned it on is no requester either
    (outcome,) = draft_due(ledger)
    assert outcome.drafted
    return outcome.number or ""


@pytest.mark.parametrize(
    ("budget", "over", "needed"), [(None, None, 2), ("2000", None, 2), ("800", "200", 3)]
)
def test_a_draft_obeys_the_tiers_and_the_budget_and_any_finance_approvers_approve_it(
    db_url: str, clock: FakeClock, budget: str | None, over: str | None, needed: int
) -> None:
    ledger = make_ledger(db_url, clock, approval_tiers=((500, 2), (5000, 3)))
    try:
        number = _drafted_under(ledger, clock, budget)
        po = get_purchase_order(ledger, number)
        assert (po.amount_excl_tax, po.approvals_needed) == (eur("900"), needed)
        assert po.over_budget == (eur(over) if over else None)  # 100 € + 900 € - 800 €
        approvers = (FINANCE, FINANCE_2, FINANCE_3)[:needed]
        for approver in approvers[:-1]:
            assert approve_purchase(ledger, approver, number).status is POStatus.PENDING
        done = approve_purchase(ledger, approvers[-1], number)
        assert (done.status, done.decided_by) == (POStatus.APPROVED, approvers[-1].user_id)
        assert [a.by for a in done.approvals] == [a.user_id for a in approvers]
        assert done.credit_expires_at is not None
    finally:
        ledger.db.dispose()


def test_a_draft_over_its_budget_needs_at_most_every_named_finance_approver(
    db_url: str, clock: FakeClock
) -> None:
    # The autopilot is none of them: both count, and the draft never waits for a third.
    people = frozenset({FINANCE.user_id, FINANCE_2.user_id})
    ledger = make_ledger(db_url, clock, approval_tiers=((500, 2),), finance_people=people)
    try:
        number = _drafted_under(ledger, clock, "800")
        po = get_purchase_order(ledger, number)
        assert (po.over_budget, po.approvals_needed) == (eur("200"), 2)
        approve_purchase(ledger, FINANCE_2, number)
        assert approve_purchase(ledger, FINANCE, number).status is POStatus.APPROVED
    finally:
        ledger.db.dispose()
