"""Posting: every journal line the ledger writes, and the grant that opens a lot.

A line names what moved and why; `post` appends it and moves the lot's running balance
with it, so the two never disagree. `grant_lot` is the one way a lot comes into being
with its grant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ledger.facts import EntryCause
from ledger.orm import Entry, Lot


def lot_account(lot_id: int) -> str:
    return f"lot:{lot_id}"


@dataclass(frozen=True)
class JournalLine:
    """One movement of a lot against a counterpart account, keyed for idempotency."""

    kind: str
    amount: int
    counterpart: str
    key: str
    at: datetime
    actor: str
    memo: str | None = None
    charge_id: int | None = None
    voids_entry_id: int | None = None
    cause: EntryCause | None = None
    provider_used: int | None = None

    @property
    def into_lot(self) -> bool:
        """A grant, a refund, and the void of a debit, flow from the counterpart into the
        lot; every other kind flows out of it."""
        return self.kind in ("grant", "refund") or (
            self.kind == "void" and self.voids_entry_id is not None
        )

    def columns(self, *, project_id: str, lot_id: int, currency: str) -> dict[str, Any]:
        """The entry's columns, for the lot `lot_id` of `project_id`."""
        lot = lot_account(lot_id)
        return {
            "project_id": project_id,
            "lot_id": lot_id,
            "kind": self.kind,
            "currency": currency,
            "amount": self.amount,
            "debit_account": self.counterpart if self.into_lot else lot,
            "credit_account": lot if self.into_lot else self.counterpart,
            "charge_id": self.charge_id,
            "voids_entry_id": self.voids_entry_id,
            "idempotency_key": self.key,
            "at": self.at,
            "actor": self.actor,
            "memo": self.memo,
            "cause": self.cause.value if self.cause is not None else None,
            "provider_used": self.provider_used,
        }


def post(session: Session, lot: Lot, line: JournalLine) -> Entry:
    """Append one journal line and move the lot's running balance with it."""
    entry = Entry(**line.columns(project_id=lot.project_id, lot_id=lot.id, currency=lot.currency))
    lot.remaining += line.amount if line.into_lot else -line.amount
    session.add(entry)
    return entry


def grant_lot(
    session: Session, lot: Lot, *, counterpart: str, key: str, at: datetime, actor: str
) -> Entry:
    """Open `lot` (empty, `initial` set) and post its grant of `initial`. A lot still
    without an id is added and flushed first; lots added in one batch and flushed together
    already have theirs."""
    if lot.id is None:
        session.add(lot)
        session.flush()
    return post(
        session,
        lot,
        JournalLine(
            kind="grant", amount=lot.initial, counterpart=counterpart, key=key, at=at, actor=actor
        ),
    )
