"""The autopilot in the ledger: finance turns it on, and each day's run drafts an order from
the forecast, exactly once per project and day, never while an order is open."""

from __future__ import annotations

import logging
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ledger.domain import AUTOPILOT, Actor, POStatus, Role
from ledger.drafting import Skip
from ledger.errors import AmountError, Forbidden, InvalidInput, ProjectNotFound
from ledger.orm import AutopilotDraft, Notice, PurchaseOrder
from ledger.services import Ledger
from ledger.services.autopilot import Held, draft_due, status, turn_off, turn_on
from ledger.services.billing import charge
from ledger.services.projects import add_project, link_channel
from ledger.services.purchases import approve_purchase, get_purchase_order, reject_purchase
from tests.ledger.test_billing import buy
from tests.support import ADMIN, FINANCE, FINANCE_2, MEMBER, FakeClock, eur, make_ledger

FINANCE_3 = Actor("UFINANCE3", frozenset({Role.MEMBER, Role.FINANCE}))

TODAY = date(2026, 3, 12)  # 40 days after the test clock's start


def running_out(ledger: Ledger, project: str, clock: FakeClock, credit: str = "100") -> None:
    """A project that burns 10 € a day, with `credit` bought before its month of bills."""
    clock.advance(days=40)
    buy(ledger, project, credit)
    charge(ledger, FINANCE, project, eur("300"), f"bill-{clock.current.isoformat()}")


def test_finance_turns_the_autopilot_on_with_a_cover_and_a_cap_and_off_again(
    ledger: Ledger, project: str
) -> None:
    state = turn_on(ledger, FINANCE, project, 60, eur("5000"))
    assert (state.enabled, state.cover_days, state.monthly_cap) == (True, 60, eur("5000"))
    assert (state.changed_by, state.changed_at) == (FINANCE.user_id, ledger.now())
    again = turn_on(ledger, FINANCE_2, project)  # what is not given stays as it was
    assert (again.cover_days, again.monthly_cap, again.changed_by) == (60, eur("5000"), "UFINANCE2")
    off = turn_off(ledger, FINANCE, project)
    assert (off.enabled, off.outlook.reason) == (False, Held.OFF)
    assert turn_on(ledger, FINANCE, project, clear_cap=True).monthly_cap is None


def test_the_autopilot_is_off_by_default_with_a_cover_of_ninety_days(
    ledger: Ledger, project: str
) -> None:
    (state,) = status(ledger, project)
    assert (state.enabled, state.cover_days, state.monthly_cap) == (False, 90, None)
    assert state.changed_by is None


@pytest.mark.parametrize(
    ("cover", "cap", "refusal"),
    [
        (0, None, InvalidInput),
        (401, None, InvalidInput),
        (None, eur("0.50"), AmountError),
        (None, eur("12.50"), AmountError),
        (None, eur("999999999"), AmountError),
    ],
)
def test_a_cover_outside_one_to_four_hundred_days_or_a_bad_cap_is_refused_and_changes_nothing(
    ledger: Ledger, project: str, cover: int | None, cap: object, refusal: type[Exception]
) -> None:
    with pytest.raises(refusal):
        turn_on(ledger, FINANCE, project, cover, cap)  # type: ignore[arg-type]
    assert not status(ledger, project)[0].enabled


def test_only_finance_turns_the_autopilot_on_or_off(ledger: Ledger, project: str) -> None:
    for actor in (MEMBER, ADMIN):
        with pytest.raises(Forbidden):
            turn_on(ledger, actor, project)
        with pytest.raises(Forbidden):
            turn_off(ledger, actor, project)
    with pytest.raises(ProjectNotFound):
        turn_on(ledger, FINANCE, "nowhere")


def test_a_draft_is_made_when_buy_by_has_come_for_the_shortfalls_of_the_cover(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project, 90)
    (outcome,) = draft_due(ledger)
    assert outcome.drafted
    po = get_purchase_order(ledger, outcome.number or "")
    # Credit is gone today; 90 days of 10 € from today.
    assert (po.requested_by, po.status, po.amount_excl_tax) == (
        AUTOPILOT,
        POStatus.PENDING,
        eur("900"),
    )
    assert po.drafted is not None
    assert (po.drafted.runs_out_on, po.drafted.covers_through) == (
        TODAY,
        TODAY + timedelta(days=89),
    )
    assert po.drafted.bounded_by is None


def test_the_monthly_cap_bounds_the_draft_and_then_stops_drafting(
    ledger: Ledger, project: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project, 90, eur("500"))
    (first,) = draft_due(ledger)
    po = get_purchase_order(ledger, first.number or "")
    assert po.amount_excl_tax == eur("500")
    assert po.drafted is not None and po.drafted.bounded_by == "cap"
    approve_purchase(ledger, FINANCE, po.number)
    charge(ledger, FINANCE, project, eur("500"), "spent-at-once")
    clock.advance(days=1)
    caplog.set_level(logging.INFO, "creditbot.autopilot")
    (second,) = draft_due(ledger)
    assert (second.drafted, second.outlook.reason) == (False, Skip.CAP_REACHED)
    assert "monthly cap is reached" in caplog.text
    assert status(ledger, project)[0].cap_used == eur("500")


@pytest.mark.parametrize(
    ("credit", "reason", "said"),
    [
        ("5000", Skip.ENOUGH, "enough credit"),
        ("1000", Skip.NOT_YET, "not yet (expected on 2026-05-16)"),
    ],
)
def test_no_draft_with_enough_credit_or_before_buy_by_and_the_log_says_why(
    ledger: Ledger,
    project: str,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    credit: str,
    reason: Skip,
    said: str,
) -> None:
    running_out(ledger, project, clock, credit)
    turn_on(ledger, FINANCE, project)
    caplog.set_level(logging.INFO, "creditbot.autopilot")
    (outcome,) = draft_due(ledger)
    assert (outcome.drafted, outcome.outlook.reason) == (False, reason)
    assert f"autopilot {project}: no draft, {said}" in caplog.text


def test_no_draft_without_burn_and_the_log_says_so(
    ledger: Ledger, project: str, caplog: pytest.LogCaptureFixture
) -> None:
    turn_on(ledger, FINANCE, project)
    caplog.set_level(logging.INFO, "creditbot.autopilot")
    (outcome,) = draft_due(ledger)
    assert outcome.outlook.reason is Skip.NO_BURN
    assert "no burn" in caplog.text


def test_no_draft_while_an_order_is_open_and_the_log_names_it(
    ledger: Ledger, project: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    from ledger.services.purchases import request_purchase

    running_out(ledger, project, clock)
    asked = request_purchase(ledger, MEMBER, project, eur("50"))
    turn_on(ledger, FINANCE, project)
    caplog.set_level(logging.INFO, "creditbot.autopilot")
    (outcome,) = draft_due(ledger)
    assert (outcome.outlook.reason, outcome.outlook.order) == (Held.OPEN_ORDER, asked.number)
    assert f"an open order ({asked.number})" in caplog.text
    reject_purchase(ledger, FINANCE, asked.number, "the autopilot will do")
    assert draft_due(ledger)[0].drafted


def test_a_project_with_the_autopilot_off_is_not_drafted_for(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project)
    turn_off(ledger, FINANCE, project)
    assert draft_due(ledger) == []


def test_a_draft_is_made_once_per_day_across_runs_even_once_its_order_is_decided(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project)
    (first,) = draft_due(ledger)
    reject_purchase(ledger, FINANCE, first.number or "", "not today")
    clock.advance(hours=3)
    turn_on(ledger, FINANCE, project)  # the rejection's hold lifted: the day stays claimed
    (again,) = draft_due(ledger)
    assert (again.drafted, again.outlook.reason, again.outlook.order) == (
        False,
        Held.REFUSED_TODAY,
        first.number,
    )
    clock.advance(days=1)
    assert draft_due(ledger)[0].drafted


def test_a_restarted_bot_on_the_same_database_does_not_draft_again(
    db_url: str, project: str, ledger: Ledger, clock: FakeClock
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project)
    assert draft_due(ledger)[0].drafted
    restarted = make_ledger(db_url, clock)
    try:
        assert not draft_due(restarted)[0].drafted
    finally:
        restarted.db.dispose()


def test_two_replicas_drafting_at_once_make_one_order(
    db_url: str, project: str, ledger: Ledger, clock: FakeClock
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project)
    replicas = [make_ledger(db_url, clock) for _ in range(4)]
    start = threading.Barrier(len(replicas))
    drafted: list[bool] = []

    def run(replica: Ledger) -> None:
        start.wait()
        drafted.extend(outcome.drafted for outcome in draft_due(replica))

    threads = [threading.Thread(target=run, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for replica in replicas:
        replica.db.dispose()
    assert sorted(drafted) == [False, False, False, True]
    with ledger.db.read() as session:
        assert session.scalar(select(func.count()).select_from(PurchaseOrder)) == 2
        assert session.scalar(select(func.count()).select_from(AutopilotDraft)) == 1


def test_any_finance_approver_may_approve_a_drafted_order(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project)  # the one who turned it on is no requester either
    (outcome,) = draft_due(ledger)
    approved = approve_purchase(ledger, FINANCE, outcome.number or "")
    assert (approved.status, approved.decided_by) == (POStatus.APPROVED, FINANCE.user_id)
    assert approved.credit_expires_at is not None


def test_the_linked_channels_are_owed_the_news_of_a_draft_once(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    link_channel(ledger, ADMIN, project, "CPROD")
    link_channel(ledger, ADMIN, project, "CPROD2")
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project)
    (outcome,) = draft_due(ledger)
    assert outcome.drafted
    draft_due(ledger)
    with ledger.db.read() as session:
        owed = session.execute(
            select(Notice.key, Notice.channel)
            .where(Notice.kind == "autopilot")
            .order_by(Notice.key)
        ).all()
        announced = session.scalar(
            select(func.count()).select_from(Notice).where(Notice.kind == "purchase")
        )
    day = TODAY.isoformat()
    assert owed == [
        (f"autopilot:{project}:{day}:CPROD", "CPROD"),
        (f"autopilot:{project}:{day}:CPROD2", "CPROD2"),
    ]
    assert announced == 2  # the bought credit's order, and the draft's


def test_the_state_says_when_the_next_draft_is_expected(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    running_out(ledger, project, clock, "1000")
    turn_on(ledger, FINANCE, project)
    (state,) = status(ledger, project)
    assert (state.outlook.reason, state.outlook.expected_on) == (Skip.NOT_YET, date(2026, 5, 16))
    assert state.open_order is None and state.last_draft is None
    clock.advance(days=60)
    charge(ledger, FINANCE, project, eur("600"), "busier")  # 100 € left at 20 € a day
    (due,) = status(ledger)
    assert due.outlook.draft is not None  # due now: the next run drafts it
    (outcome,) = draft_due(ledger)
    (drafted,) = status(ledger, project)
    assert drafted.last_draft is not None and drafted.last_draft.number == outcome.number
    assert (drafted.outlook.reason, drafted.open_order) == (Held.DRAFTED_TODAY, outcome.number)


def test_a_draft_the_order_form_refuses_is_logged_and_the_other_projects_still_get_theirs(
    db_url: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    ledger = make_ledger(db_url, clock, po_min_amount=1000)
    try:
        for pid in ("small", "large"):
            add_project(ledger, ADMIN, pid, pid.title())
        clock.advance(days=40)
        for pid, bill in (("small", "300"), ("large", "3000")):
            charge(ledger, FINANCE, pid, eur(bill), f"bill-{pid}")
            turn_on(ledger, FINANCE, pid)
        caplog.set_level(logging.INFO, "creditbot.autopilot")
        (large,) = draft_due(ledger)  # small's 900 € is below the 1 000 € minimum
        assert (large.project, large.drafted) == ("large", True)
        assert "autopilot small: no draft, refused: a purchase is between" in caplog.text
    finally:
        ledger.db.dispose()


def test_a_draft_within_the_lead_days_covers_the_cover_days_from_the_day_credit_runs_out(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    running_out(ledger, project, clock, "330")  # 30 € left: today and two more days
    turn_on(ledger, FINANCE, project, 30)
    (outcome,) = draft_due(ledger)
    po = get_purchase_order(ledger, outcome.number or "")
    runs_out = TODAY + timedelta(days=3)  # buy_by, 5 days before, has passed
    assert po.amount_excl_tax == eur("300")  # 30 days of 10 € from that day
    assert po.drafted is not None
    assert (po.drafted.runs_out_on, po.drafted.covers_through) == (
        runs_out,
        runs_out + timedelta(days=29),
    )
