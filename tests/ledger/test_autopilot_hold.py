"""After finance rejects the autopilot's draft, or lets it expire, the autopilot drafts\nnothing more for the project until finance turns it on again."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from ledger.domain import POStatus
from ledger.orm import AutopilotDraft, AutopilotSetting
from ledger.services import Ledger
from ledger.services.autopilot import Held, LastDraft, draft_due, status, turn_off, turn_on
from ledger.services.autopilot_state import refused
from ledger.services.order_expiry import expire_orders
from ledger.services.purchases import reject_purchase
from tests.ledger.test_autopilot import TODAY, running_out
from tests.support import FINANCE, FakeClock, eur


def test_a_rejected_draft_is_not_drafted_again_the_next_day_and_the_state_says_why(
    ledger: Ledger, project: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project)
    (first,) = draft_due(ledger)
    number = first.number or ""
    reject_purchase(ledger, FINANCE, number, "not now")
    rejected_at = ledger.now()
    clock.advance(days=1)
    caplog.set_level(logging.INFO, "creditbot.autopilot")
    (again,) = draft_due(ledger)
    assert (again.drafted, again.outlook.reason, again.outlook.order) == (
        False,
        Held.REJECTED,
        number,
    )
    assert (
        f"autopilot {project}: no draft, held: {number} was rejected at "
        f"{rejected_at.isoformat(timespec='seconds')}; turn it on again to resume" in caplog.text
    )
    (state,) = status(ledger, project)
    assert (state.enabled, state.outlook.reason, state.outlook.order) == (
        True,
        Held.REJECTED,
        number,
    )
    assert state.outlook.since == rejected_at and state.outlook.draft is None
    with ledger.db.read() as session:
        assert session.scalar(select(func.count()).select_from(AutopilotDraft)) == 1


def test_a_draft_left_to_expire_holds_the_autopilot_likewise(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project)
    (first,) = draft_due(ledger)
    clock.advance(days=ledger.config.po_expire_days)
    assert expire_orders(ledger) == [first.number]
    (again,) = draft_due(ledger)
    assert (again.drafted, again.outlook.reason, again.outlook.order) == (
        False,
        Held.EXPIRED,
        first.number,
    )
    (state,) = status(ledger, project)
    assert (state.outlook.reason, state.outlook.since) == (Held.EXPIRED, ledger.now())


@pytest.mark.parametrize("off_first", [False, True], ids=["on again", "off and on"])
def test_turning_it_on_again_drafts_again_on_the_next_run(
    ledger: Ledger, project: str, clock: FakeClock, off_first: bool
) -> None:
    running_out(ledger, project, clock)
    turn_on(ledger, FINANCE, project)
    (first,) = draft_due(ledger)
    reject_purchase(ledger, FINANCE, first.number or "", "not now")
    clock.advance(days=1)
    assert draft_due(ledger)[0].outlook.reason is Held.REJECTED
    clock.advance(minutes=5)
    if off_first:
        turn_off(ledger, FINANCE, project)
    state = turn_on(ledger, FINANCE, project)
    assert state.outlook.draft is not None  # the hold is lifted: a draft is due
    (again,) = draft_due(ledger)
    assert again.drafted and again.number != first.number


def at(hour: int) -> datetime:
    return datetime(2026, 3, 12, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status_", "decided", "held"),
    [
        (POStatus.REJECTED, at(9), None),  # before the last turn-on
        (POStatus.REJECTED, at(10), Held.REJECTED),  # at its very instant
        (POStatus.REJECTED, at(11), Held.REJECTED),
        (POStatus.EXPIRED, at(9), None),
        (POStatus.EXPIRED, at(11), Held.EXPIRED),
        (POStatus.APPROVED, at(11), None),
        (POStatus.CANCELLED, at(11), None),
        (POStatus.PENDING, None, None),
    ],
)
def test_a_rejection_older_than_the_last_turn_on_does_not_hold(
    status_: POStatus, decided: datetime | None, held: Held | None
) -> None:
    setting = AutopilotSetting(
        project_id="p", enabled=True, cover_days=90, changed_by="UFIN", changed_at=at(10)
    )
    drafted = LastDraft("PO-1", TODAY, eur("900"), TODAY, 90, status_, decided)
    found = refused(drafted, setting)
    assert (found.reason if found else None) == held
    assert refused(None, setting) is None
