"""Expiring purchase orders left pending for PO_EXPIRE_DAYS.

Each order is locked, expired (decided by the bot, at the run's instant) and its notices
claimed in one transaction: finance's message is to be redrawn, the requester told. An
approval racing the expiry waits on the same row lock, so exactly one of them wins.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import AUTOPILOT, POStatus
from ledger.orm import PurchaseOrder
from ledger.services import announcements
from ledger.services.context import Ledger
from ledger.services.expiry import SYSTEM_ACTOR
from ledger.services.outbox import insert_new, owed

KIND = "po_expired"
FINANCE, REQUESTER = "finance", "requester"
BATCH = 500


def key_of(number: str, to: str) -> str:
    return f"{KIND}:{number}:{to}"


def _cutoff(ledger: Ledger, now: datetime) -> datetime:
    return now - timedelta(days=ledger.config.po_expire_days)


def _notices(po: PurchaseOrder, now: datetime) -> list[dict[str, object]]:
    places = [(FINANCE, announcements.FINANCE)]
    if po.requested_by != AUTOPILOT:
        places.append((REQUESTER, po.requested_by))
    return [
        owed(
            key_of(po.number, to),
            KIND,
            channel,
            po.project_id,
            now,
            {"number": po.number, "to": to},
        )
        for to, channel in places
    ]


def _expire_batch(session: Session, now: datetime, cutoff: datetime, size: int) -> list[str]:
    # SKIP LOCKED: an order an approver holds right now is left to them; if they do not
    # decide it, the next run expires it.
    due = session.scalars(
        select(PurchaseOrder)
        .where(
            PurchaseOrder.status == POStatus.PENDING.value,
            PurchaseOrder.created_at <= cutoff,
        )
        .order_by(PurchaseOrder.created_at, PurchaseOrder.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    ).all()
    for po in due:
        po.status = POStatus.EXPIRED.value
        po.decided_by = SYSTEM_ACTOR
        po.decided_at = now
    session.flush()
    insert_new(session, [row for po in due for row in _notices(po, now)])
    return [po.number for po in due]


def expire_orders(ledger: Ledger, *, batch: int = BATCH) -> list[str]:
    """Expire every order pending for PO_EXPIRE_DAYS or more; returns their numbers."""
    now = ledger.now()
    cutoff = _cutoff(ledger, now)
    expired: list[str] = []
    while True:
        done = ledger.db.run(lambda session: _expire_batch(session, now, cutoff, batch))
        expired.extend(done)
        if len(done) < batch:
            return expired


def due_orders(ledger: Ledger) -> list[str]:
    """The numbers `expire_orders` would expire now."""
    now = ledger.now()
    with ledger.db.read() as session:
        return list(
            session.scalars(
                select(PurchaseOrder.number)
                .where(
                    PurchaseOrder.status == POStatus.PENDING.value,
                    PurchaseOrder.created_at <= _cutoff(ledger, now),
                )
                .order_by(PurchaseOrder.created_at, PurchaseOrder.id)
            )
        )
