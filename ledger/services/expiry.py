"""Forfeiting what is left of lots whose expiry has come."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import ExpiredLot, LotKind
from ledger.money import Money
from ledger.orm import Lot
from ledger.services.context import Ledger, post

SYSTEM_ACTOR = "creditbot"
BATCH = 2000


def _expire_batch(session: Session, now: datetime, size: int) -> list[ExpiredLot]:
    # SKIP LOCKED: a lot a charge is holding right now is taken by the next batch or run.
    lots = session.scalars(
        select(Lot)
        .where(Lot.expires_at <= now, Lot.remaining > 0)
        .order_by(Lot.expires_at, Lot.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    ).all()
    expired = []
    for lot in lots:
        forfeited = lot.remaining
        post(
            session,
            lot,
            kind="expiry",
            amount=forfeited,
            counterpart=f"forfeit:{lot.project_id}",
            key=f"expiry:{lot.id}",
            at=lot.expires_at,
            actor=SYSTEM_ACTOR,
            memo="expired",
        )
        expired.append(
            ExpiredLot(
                lot.id,
                lot.project_id,
                lot.source,
                LotKind(lot.kind),
                Money(forfeited, lot.currency),
                lot.expires_at,
            )
        )
    session.flush()
    return expired


def expire_due(ledger: Ledger, *, batch: int = BATCH) -> list[ExpiredLot]:
    """Write one EXPIRY entry per due lot with a balance; an expired lot is never expired twice
    (its balance is zero, and its entry's key is unique)."""
    now = ledger.now()
    expired: list[ExpiredLot] = []
    while True:
        done = ledger.db.run(lambda session: _expire_batch(session, now, batch))
        expired.extend(done)
        if len(done) < batch:
            return expired
