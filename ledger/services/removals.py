"""Credits the provider no longer lists. What such a credit had left is no longer
available: one `removal` entry brings its lot to zero (append-only, keyed, so a rerun
posts nothing new). Should the credit come back, the removal is voided, and the sync
carries on from the provider's figures as before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.journal import JournalLine, post
from ledger.money import Money
from ledger.orm import Entry, Lot, PurchaseOrder


@dataclass(frozen=True, slots=True)
class RemovedCredit:
    """A provider credit that disappeared, and what its lot had left then."""

    project_id: str
    lot_id: int
    credit_id: int
    amount: Money
    purchase_order: str | None = None


def removed_account(project_id: str) -> str:
    """Where what a vanished credit had left goes: neither spending nor an expiry."""
    return f"removed:{project_id}"


def _open_removal(session: Session, lot: Lot) -> Entry | None:
    """The lot's last removal, when no void has undone it."""
    voided = select(Entry.voids_entry_id).where(
        Entry.lot_id == lot.id, Entry.voids_entry_id.is_not(None)
    )
    return session.scalars(
        select(Entry)
        .where(Entry.lot_id == lot.id, Entry.kind == "removal", Entry.id.not_in(voided))
        .order_by(Entry.id.desc())
        .limit(1)
    ).first()


def remove_vanished(
    session: Session, lot: Lot, credit_id: int, now: datetime, expired: bool
) -> RemovedCredit | None:
    """Bring a lot whose credit left the provider's list to zero, once. An expired lot is
    left to the expiry run, which forfeits what it has left."""
    if lot.remaining <= 0 or expired or lot.expires_at <= now:
        return None
    removals = session.scalar(
        select(func.count()).where(Entry.lot_id == lot.id, Entry.kind == "removal")
    )
    amount = lot.remaining
    post(
        session,
        lot,
        JournalLine(
            kind="removal",
            amount=amount,
            counterpart=removed_account(lot.project_id),
            key=f"removal:{lot.external_key}:{removals or 0}",
            at=now,
            actor="ovh",
        ),
    )
    number = (
        session.scalar(
            select(PurchaseOrder.number).where(PurchaseOrder.id == lot.purchase_order_id)
        )
        if lot.purchase_order_id is not None
        else None
    )
    return RemovedCredit(lot.project_id, lot.id, credit_id, Money(amount, lot.currency), number)


def restore_returned(session: Session, lot: Lot, now: datetime) -> int:
    """A credit listed again after its removal: the removal is voided (1 entry), or 0."""
    removal = _open_removal(session, lot)
    if removal is None:
        return 0
    post(
        session,
        lot,
        JournalLine(
            kind="void",
            amount=removal.amount,
            counterpart=removal.credit_account,
            key=f"restore:{removal.id}",
            at=now,
            actor="ovh",
            voids_entry_id=removal.id,
        ),
    )
    return 1
