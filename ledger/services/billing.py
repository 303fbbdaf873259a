"""Charging a bill to a project: vouchers first, then credit, the rest due otherwise."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import (
    Actor,
    Allocation,
    ChargeResult,
    LotBalance,
    LotKind,
    ProjectView,
    Role,
    allocate,
)
from ledger.errors import (
    N_,
    AmountError,
    ChargeNotFound,
    IdempotencyConflict,
    InvalidInput,
    ManagedByProvider,
    UserRef,
)
from ledger.facts import LotSources
from ledger.journal import JournalLine, post
from ledger.money import Money, minor_units
from ledger.orm import Charge, Entry, Lot, Settlement
from ledger.services.context import Ledger, check_currency, project_view, spendable_lots
from ledger.services.locks import lock_project
from ledger.services.provider_links import service_of
from ledger.services.settlements import live_settlements, settlement_ref
from ledger.text import one_line

KEY = re.compile(r"[\x21-\x7e]{1,200}")
MAX_MEMO = 500


def _earlier_result(
    session: Session, bill: Charge, project: ProjectView, *, repeated: bool = True
) -> ChargeResult:
    rows = session.execute(
        select(Lot.kind, Lot.source, Entry.amount)
        .join(Lot, Lot.id == Entry.lot_id)
        .where(Entry.charge_id == bill.id, Entry.kind == "debit")
        .order_by(Entry.id)
    ).all()
    allocations = tuple(
        Allocation(LotKind(kind), source, Money(amount, bill.currency))
        for kind, source, amount in rows
    )
    return _result(bill, project, allocations, repeated=repeated)


def _result(
    bill: Charge, project: ProjectView, allocations: tuple[Allocation, ...], *, repeated: bool
) -> ChargeResult:
    return ChargeResult(
        key=bill.key,
        project=project,
        amount=Money(bill.amount, bill.currency),
        allocations=allocations,
        due_other=Money(bill.due_other, bill.currency),
        memo=bill.memo,
        at=bill.at,
        repeated=repeated,
        voided_by=bill.voided_by,
        voided_at=bill.voided_at,
        void_reason=bill.void_reason,
    )


def charge(
    ledger: Ledger, actor: Actor, project_ref: str, amount: Money, key: str, memo: str | None = None
) -> ChargeResult:
    """Bill `amount`. The same `key` again with the same project and amount returns the
    first result and spends nothing more; with other parameters it is refused."""
    actor.require(Role.FINANCE, N_("charge bills"))
    if not KEY.fullmatch(key):
        raise InvalidInput(N_("a charge key is 1 to 200 visible characters without spaces"))
    _check_charge_amount(ledger, amount)
    note = one_line(memo) if memo else None
    if note and len(note) > MAX_MEMO:
        raise InvalidInput(N_("keep the memo under {size} characters"), size=MAX_MEMO)

    def work(session: Session) -> ChargeResult:
        project = lock_project(session, project_ref)
        if service_of(session, project.id) is not None:
            raise ManagedByProvider(
                N_("project {project} is linked to OVHcloud: its consumption comes from there"),
                hint=N_(
                    "`ovh sync` brings it in; void still works on charges made before the link"
                ),
                project=project.id,
            )
        earlier = session.scalars(select(Charge).where(Charge.key == key)).first()
        if earlier is not None:
            if (earlier.project_id, earlier.amount, earlier.currency) != (
                project.id,
                amount.minor,
                amount.currency,
            ):
                raise IdempotencyConflict(
                    N_("charge key {key!r} was already used for {amount} on {project}"),
                    hint=N_("use a new key for a new bill"),
                    key=key,
                    amount=Money(earlier.amount, earlier.currency),
                    project=earlier.project_id,
                )
            return _earlier_result(session, earlier, project_view(session, project))
        check_currency(project, amount)
        now = ledger.now()
        lots = {lot.id: lot for lot in spendable_lots(session, project.id, now)}
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
        allocations = []
        for lot_id, part in taken:
            lot = lots[lot_id]
            allocations.append(Allocation(LotKind(lot.kind), lot.source, part))
            post(
                session,
                lot,
                JournalLine(
                    kind="debit",
                    amount=part.minor,
                    counterpart=f"spend:{project.id}",
                    key=f"debit:{bill.id}:{lot_id}",
                    at=now,
                    actor=actor.user_id,
                    memo=note,
                    charge_id=bill.id,
                ),
            )
        session.flush()
        return _result(bill, project_view(session, project), tuple(allocations), repeated=False)

    return ledger.db.run(work)


def _check_charge_amount(ledger: Ledger, amount: Money) -> None:
    high = ledger.config.charge_max_amount
    if amount.amount > Decimal(high):
        raise AmountError(
            N_("a charge is at most {high}"),
            hint=N_("check the amount; an operator sets this limit"),
            high=Money(high * 10 ** minor_units(amount.currency), amount.currency),
        )


def void_charge(ledger: Ledger, actor: Actor, key: str, reason: str) -> ChargeResult:
    """Correct a mistaken bill: each debit gets a VOID entry that gives the amount back to its
    lot; nothing is edited. Refused once voided, and when a lot it drew on has expired since."""
    actor.require(Role.FINANCE, N_("void charges"))
    why = one_line(reason)
    if not why or len(why) > MAX_MEMO:
        raise InvalidInput(N_("a void needs a reason of 1 to {size} characters"), size=MAX_MEMO)

    def work(session: Session) -> ChargeResult:
        bill = session.scalars(select(Charge).where(Charge.key == key).with_for_update()).first()
        if bill is None:
            raise ChargeNotFound(
                N_("there is no charge {key!r}"), hint=N_("`history` shows charge keys"), key=key
            )
        if bill.voided_at is not None:
            raise InvalidInput(
                N_("charge {key!r} was already voided by {who}"),
                key=key,
                who=UserRef(bill.voided_by or ""),
            )
        settled = session.scalars(live_settlements().where(Settlement.charge_id == bill.id)).first()
        if settled is not None:
            raise InvalidInput(
                N_("charge {key!r} was paid under {reference}: void settlement {settlement} first"),
                key=key,
                reference=settled.reference,
                settlement=settlement_ref(settled.id),
            )
        project = lock_project(session, bill.project_id)
        now = ledger.now()
        debits = session.execute(
            select(Entry, Lot)
            .join(Lot, Lot.id == Entry.lot_id)
            .where(Entry.charge_id == bill.id, Entry.kind == "debit")
            .order_by(Entry.id)
            .with_for_update()
        ).all()
        expired = [lot.source for _, lot in debits if lot.expires_at <= now]
        if expired:
            raise InvalidInput(
                N_(
                    "charge {key!r} drew on {lots}, expired since: that credit cannot be given back"
                ),
                key=key,
                lots=LotSources(expired),
            )
        for debit, lot in debits:
            post(
                session,
                lot,
                JournalLine(
                    kind="void",
                    amount=debit.amount,
                    counterpart=debit.credit_account,
                    key=f"void:{debit.id}",
                    at=now,
                    actor=actor.user_id,
                    memo=why,
                    charge_id=bill.id,
                    voids_entry_id=debit.id,
                ),
            )
        bill.voided_by, bill.voided_at, bill.void_reason = actor.user_id, now, why
        session.flush()
        return _earlier_result(session, bill, project_view(session, project), repeated=False)

    return ledger.db.run(work)
