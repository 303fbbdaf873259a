"""Balances and history. A lot whose expiry is ≤ t never counts at t."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, case, cast, func, literal, select
from sqlalchemy.orm import Session

from ledger.domain import Balance, HistoryLine
from ledger.facts import EntryCause
from ledger.money import Money
from ledger.orm import Charge, Entry, Lot
from ledger.services import settlements
from ledger.services.context import Ledger, find_project, lot_view, project_view, spendable_views


def _replayed_lots(session: Session, project_id: str, at: datetime) -> list[tuple[Lot, int]]:
    """Each lot's remaining amount as the journal stood at `at` (for instants in the past)."""
    signed = case(
        (Entry.credit_account == literal("lot:") + cast(Entry.lot_id, String), Entry.amount),
        else_=-Entry.amount,
    )
    rows = session.execute(
        select(Lot, func.coalesce(func.sum(signed), 0))
        .join(Entry, (Entry.lot_id == Lot.id) & (Entry.at <= at))
        .where(Lot.project_id == project_id, Lot.valid_from <= at, Lot.expires_at > at)
        .group_by(Lot.id)
        .order_by(Lot.kind.desc(), Lot.expires_at, Lot.id)
    ).all()
    return [(lot, int(left)) for lot, left in rows if left > 0]


def balance(ledger: Ledger, project_ref: str, at: datetime | None = None) -> Balance:
    """What the project can spend at `at` (default now).

    From now on, the balance is read from each lot's running total, so its cost does not
    grow with history; an instant in the past replays the journal up to that instant.
    """
    now = ledger.now()
    when = now if at is None else at
    with ledger.db.read() as session:
        project = find_project(session, project_ref)
        if when >= now:
            lots = spendable_views(session, project.id, when)
        else:
            lots = [lot_view(lot, left) for lot, left in _replayed_lots(session, project.id, when)]
        return Balance(project_view(session, project), when, tuple(lots))


def history(ledger: Ledger, project_ref: str, limit: int | None = None) -> list[HistoryLine]:
    """The latest journal lines, newest first, with the part of each charge that was due by
    other payment means (it has no journal line, as no credit paid for it)."""
    count = limit or ledger.config.history_limit
    with ledger.db.read() as session:
        project = find_project(session, project_ref)
        rows = session.execute(
            select(Entry, Lot.source, Charge.key)
            .join(Lot, Lot.id == Entry.lot_id)
            .outerjoin(Charge, Charge.id == Entry.charge_id)
            .where(Entry.project_id == project.id)
            .order_by(Entry.id.desc())
            .limit(count)
        ).all()
        dues = session.scalars(
            select(Charge)
            .where(Charge.project_id == project.id, Charge.due_other > 0)
            .order_by(Charge.at.desc(), Charge.id.desc())
            .limit(count)
        ).all()
        lines = [
            (
                (entry.at, 1, entry.id),
                HistoryLine(
                    id=entry.id,
                    kind=entry.kind,
                    at=entry.at,
                    amount=Money(entry.amount, entry.currency),
                    lot_source=source,
                    actor=entry.actor,
                    memo=entry.memo,
                    charge_key=key,
                    cause=EntryCause(entry.cause) if entry.cause else None,
                    provider_used=None
                    if entry.provider_used is None
                    else Money(entry.provider_used, entry.currency),
                ),
            )
            for entry, source, key in rows
        ]
        lines += [
            (
                (charge.at, 0, charge.id),  # after the charge's own debits, newest first
                HistoryLine(
                    id=None,
                    kind="due",
                    at=charge.at,
                    amount=Money(charge.due_other, charge.currency),
                    lot_source=None,
                    actor=charge.charged_by,
                    memo=charge.memo,
                    charge_key=charge.key,
                ),
            )
            for charge in dues
        ]
        # A void gives back the charge's debits as entries; what was due by other means has
        # none to give back, so its void is shown from the charge, like the due line itself.
        voided = session.scalars(
            select(Charge)
            .where(
                Charge.project_id == project.id,
                Charge.due_other > 0,
                Charge.voided_at.is_not(None),
            )
            .order_by(Charge.voided_at.desc(), Charge.id.desc())
            .limit(count)
        ).all()
        lines += [
            (
                (charge.voided_at, 0, charge.id),
                HistoryLine(
                    id=None,
                    kind="void",
                    at=charge.voided_at,
                    amount=Money(charge.due_other, charge.currency),
                    lot_source=None,
                    actor=charge.voided_by or charge.charged_by,
                    memo=charge.void_reason,
                    charge_key=charge.key,
                ),
            )
            for charge in voided
            if charge.voided_at is not None
        ]
        lines += [
            ((line.at, 2, 0), line)
            for line in settlements.history_lines(session, project.id, count)
        ]
        lines.sort(key=lambda pair: pair[0], reverse=True)
        return [line for _, line in lines[:count]]
