"""Reminders of purchase orders still pending, owed to finance through the outbox.

Reminder n (1 … 3) of an order falls due at created_at + PO_REMIND_HOURS + (n - 1) days.
A run claims only the highest reminder due that no reminder of the order reached yet, so a
bot that was down for days reminds once, not once per missed day; a lower reminder still
waiting for its post is dropped in the same transaction. The claim's key is unique, so a
reminder is posted at most once across runs, restarts and replicas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ledger.domain import POStatus, PurchaseOrderView
from ledger.orm import Approval, Notice, PurchaseOrder
from ledger.services import announcements
from ledger.services.context import Ledger
from ledger.services.outbox import CHUNK, insert_new, owed
from ledger.services.purchases import get_purchase_order

KIND = "reminder"
MAX_REMINDERS = 3


def key_of(number: str, n: int) -> str:
    return f"{KIND}:{number}:{n}"


def due_reminder(created_at: datetime, now: datetime, remind_hours: int) -> int:
    """The highest reminder due for an order created at `created_at` (0: none yet)."""
    first = created_at + timedelta(hours=remind_hours)
    if now < first:
        return 0
    return min(MAX_REMINDERS, 1 + (now - first) // timedelta(days=1))


@dataclass(frozen=True, slots=True)
class DueReminder:
    number: str
    project_id: str
    n: int


def _due(session: Session, ledger: Ledger, now: datetime) -> list[DueReminder]:
    hours = ledger.config.po_remind_hours
    waiting = session.execute(
        select(PurchaseOrder.number, PurchaseOrder.project_id, PurchaseOrder.created_at)
        .where(
            PurchaseOrder.status == POStatus.PENDING.value,
            PurchaseOrder.created_at <= now - timedelta(hours=hours),
        )
        .order_by(PurchaseOrder.created_at, PurchaseOrder.id)
    ).all()
    keys = [key_of(number, n) for number, *_ in waiting for n in range(1, MAX_REMINDERS + 1)]
    claimed: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        claimed.update(session.scalars(select(Notice.key).where(Notice.key.in_(chunk))))
    due = []
    for number, project_id, created_at in waiting:
        n = due_reminder(created_at, now, hours)
        reached = max(
            (k for k in range(1, MAX_REMINDERS + 1) if key_of(number, k) in claimed), default=0
        )
        if n > reached:
            due.append(DueReminder(number, project_id, n))
    return due


def due_reminders(ledger: Ledger) -> list[DueReminder]:
    """What `claim_reminders` would claim now, without claiming it."""
    now = ledger.now()
    with ledger.db.read() as session:
        return _due(session, ledger, now)


def claim_reminders(ledger: Ledger) -> int:
    """Claim each pending order's highest due reminder not reached yet; returns how many.
    A reminder still owed for an order decided or expired meanwhile is dropped."""
    now = ledger.now()

    def work(session: Session) -> int:
        _drop_decided(session, now)
        due = _due(session, ledger, now)
        lower = [key_of(r.number, k) for r in due for k in range(1, r.n)]
        for start in range(0, len(lower), CHUNK):
            session.execute(
                update(Notice)
                .where(Notice.key.in_(lower[start : start + CHUNK]), Notice.status == "pending")
                .values(status="dropped", updated_at=now)
            )
        rows = [
            owed(
                key_of(r.number, r.n),
                KIND,
                announcements.FINANCE,
                r.project_id,
                now,
                {"number": r.number, "n": r.n},
            )
            for r in due
        ]
        return insert_new(session, rows)

    return ledger.db.run(work)


def _drop_decided(session: Session, now: datetime) -> None:
    """A reminder still owed for an order decided (or expired) meanwhile asks nothing."""
    owed = session.execute(
        select(Notice.id, Notice.key).where(Notice.kind == KIND, Notice.status == "pending")
    ).all()
    by_number: dict[str, list[int]] = {}
    for notice_id, key in owed:
        by_number.setdefault(key.split(":")[1], []).append(notice_id)
    numbers = list(by_number)
    decided: list[int] = []
    for start in range(0, len(numbers), CHUNK):
        decided += [
            notice_id
            for number in session.scalars(
                select(PurchaseOrder.number).where(
                    PurchaseOrder.number.in_(numbers[start : start + CHUNK]),
                    PurchaseOrder.status != POStatus.PENDING.value,
                )
            )
            for notice_id in by_number[number]
        ]
    for start in range(0, len(decided), CHUNK):
        session.execute(
            update(Notice)
            .where(Notice.id.in_(decided[start : start + CHUNK]), Notice.status == "pending")
            .values(status="dropped", updated_at=now)
        )


@dataclass(frozen=True, slots=True)
class Waiting:
    """What a reminder tells: the order, which reminder it is, how long it has waited, the
    finance approvals it has (who, when) against the number it needs, and when it expires."""

    po: PurchaseOrderView
    n: int
    waited: timedelta
    approvals: tuple[tuple[str, datetime], ...]
    needed: int
    expires_at: datetime  # when it expires if nobody decides it


def waiting(ledger: Ledger, number: str, n: int) -> Waiting:
    po = get_purchase_order(ledger, number)
    with ledger.db.read() as session:
        needed = session.scalar(
            select(PurchaseOrder.approvals_needed).where(PurchaseOrder.number == po.number)
        )
        approvals = session.execute(
            select(Approval.approver, Approval.at)
            .join(PurchaseOrder, PurchaseOrder.id == Approval.purchase_order_id)
            .where(PurchaseOrder.number == po.number)
            .order_by(Approval.at, Approval.id)
        ).all()
    return Waiting(
        po,
        n,
        ledger.now() - po.created_at,
        tuple((who, at) for who, at in approvals),
        int(needed or 1),
        po.created_at + timedelta(days=ledger.config.po_expire_days),
    )
