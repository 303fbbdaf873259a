"""Charging a bill to a project: vouchers first, then credit, the rest due otherwise."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import Actor, Allocation, ChargeResult, LotBalance, LotKind, Role, allocate
from ledger.errors import IdempotencyConflict, InvalidInput
from ledger.money import Money
from ledger.orm import Charge, Entry, Lot
from ledger.services.context import (
    Ledger,
    find_project,
    lock_project,
    post,
    project_view,
    spendable_lots,
)

KEY = re.compile(r"[\x21-\x7e]{1,200}")
MAX_MEMO = 500


def _result(session: Session, charge: Charge, *, repeated: bool) -> ChargeResult:
    rows = session.execute(
        select(Lot.kind, Lot.source, Entry.amount)
        .join(Lot, Lot.id == Entry.lot_id)
        .where(Entry.charge_id == charge.id, Entry.kind == "debit")
        .order_by(Entry.id)
    ).all()
    project = find_project(session, charge.project_id)
    return ChargeResult(
        key=charge.key,
        project=project_view(session, project),
        amount=Money(charge.amount, charge.currency),
        allocations=tuple(
            Allocation(LotKind(kind), source, Money(amount, charge.currency))
            for kind, source, amount in rows
        ),
        due_other=Money(charge.due_other, charge.currency),
        memo=charge.memo,
        at=charge.at,
        repeated=repeated,
    )


def charge(
    ledger: Ledger, actor: Actor, project_ref: str, amount: Money, key: str, memo: str | None = None
) -> ChargeResult:
    """Bill `amount`. The same `key` again with the same project and amount returns the
    first result and spends nothing more; with other parameters it is refused."""
    actor.require(Role.FINANCE, "charge bills")
    if not KEY.fullmatch(key):
        raise InvalidInput("a charge key is 1 to 200 visible characters without spaces")
    note = " ".join(memo.split()) if memo else None
    if note and len(note) > MAX_MEMO:
        raise InvalidInput(f"keep the memo under {MAX_MEMO} characters")

    def work(session: Session) -> ChargeResult:
        project = lock_project(session, find_project(session, project_ref).id)
        earlier = session.scalars(select(Charge).where(Charge.key == key)).first()
        if earlier is not None:
            if (earlier.project_id, earlier.amount, earlier.currency) != (
                project.id,
                amount.minor,
                amount.currency,
            ):
                raise IdempotencyConflict(
                    f"charge key {key!r} was already used for {Money(earlier.amount, earlier.currency)}"
                    f" on {earlier.project_id}",
                    hint="use a new key for a new bill",
                )
            return _result(session, earlier, repeated=True)
        if amount.currency != project.currency:
            raise InvalidInput(
                f"project {project.id} counts in {project.currency}, not {amount.currency}"
            )
        now = ledger.now()
        lots = {lot.id: lot for lot in spendable_lots(session, project.id, now, lock=True)}
        taken, due = allocate(
            amount,
            (
                LotBalance(
                    lot.id, LotKind(lot.kind), lot.expires_at, Money(lot.remaining, lot.currency)
                )
                for lot in lots.values()
            ),
        )
        bill = Charge(
            key=key,
            project_id=project.id,
            currency=amount.currency,
            amount=amount.minor,
            due_other=due.minor,
            memo=note,
            charged_by=actor.user_id,
            at=now,
        )
        session.add(bill)
        session.flush()
        for lot_id, part in taken:
            post(
                session,
                lots[lot_id],
                kind="debit",
                amount=part.minor,
                counterpart=f"spend:{project.id}",
                key=f"debit:{bill.id}:{lot_id}",
                at=now,
                actor=actor.user_id,
                memo=note,
                charge_id=bill.id,
            )
        session.flush()
        return _result(session, bill, repeated=False)

    return ledger.db.run(work)
