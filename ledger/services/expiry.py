"""Forfeiting what is left of lots whose expiry has come."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ledger.domain import ExpiredLot, LotKind
from ledger.journal import JournalLine
from ledger.money import Money
from ledger.orm import Entry, Lot
from ledger.services.context import Ledger
from ledger.services.vouchers import forget_expired_legacy_hashes

SYSTEM_ACTOR = "creditbot"
BATCH = 2000


def _expire_batch(session: Session, now: datetime, size: int) -> list[ExpiredLot]:
    # SKIP LOCKED: a lot a charge is holding right now is taken by the next batch or run.
    due = session.execute(
        select(
            Lot.id,
            Lot.project_id,
            Lot.source,
            Lot.kind,
            Lot.currency,
            Lot.remaining,
            Lot.expires_at,
        )
        .where(Lot.expires_at <= now, Lot.remaining > 0)
        .order_by(Lot.expires_at, Lot.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    ).all()
    if not due:
        return []
    # Written in bulk: one journal line per lot, then every running balance to zero.
    session.execute(
        insert(Entry),
        [
            JournalLine(
                kind="expiry",
                amount=lot.remaining,
                counterpart=f"forfeit:{lot.project_id}",
                key=f"expiry:{lot.id}",
                at=lot.expires_at,
                actor=SYSTEM_ACTOR,
            ).columns(project_id=lot.project_id, lot_id=lot.id, currency=lot.currency)
            for lot in due
        ],
    )
    session.execute(update(Lot).where(Lot.id.in_([lot.id for lot in due])).values(remaining=0))
    return [
        ExpiredLot(
            lot.id,
            lot.project_id,
            lot.source,
            LotKind(lot.kind),
            Money(lot.remaining, lot.currency),
            lot.expires_at,
        )
        for lot in due
    ]


def expire_due(ledger: Ledger, *, batch: int = BATCH) -> list[ExpiredLot]:
    """Write one EXPIRY entry per due lot with a balance; an expired lot is never expired twice
    (its balance is zero, and its entry's key is unique). Legacy hashes of expired voucher
    codes are cleared too."""
    now = ledger.now()
    expired: list[ExpiredLot] = []
    while True:
        done = ledger.db.run(lambda session: _expire_batch(session, now, batch))
        expired.extend(done)
        if len(done) < batch:
            forget_expired_legacy_hashes(ledger)
            return expired


def due_lots(ledger: Ledger) -> list[tuple[int, str, Money]]:
    """(lot id, project, what it would forfeit) for every lot `expire_due` would expire now."""
    now = ledger.now()
    with ledger.db.read() as session:
        rows = session.execute(
            select(Lot.id, Lot.project_id, Lot.remaining, Lot.currency).where(
                Lot.expires_at <= now, Lot.remaining > 0
            )
        ).all()
    return [(lot_id, project, Money(left, currency)) for lot_id, project, left, currency in rows]
