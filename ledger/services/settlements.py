"""Settling what is due: the part of a charge no credit covered (`due_other`) is paid by
other means, and finance records that it was, and by what reference, as an append-only
`Settlement` row. A mistaken settlement is voided by a second row naming it; the part is
then due again. A part is named `C-<charge id>`, a settlement `S-<settlement id>`."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, aliased

from ledger.domain import Actor, HistoryLine, Role
from ledger.errors import N_, ChargeNotFound, InvalidInput, NotFound
from ledger.money import Money
from ledger.orm import Charge, Project, Settlement
from ledger.services.context import Ledger, find_project
from ledger.services.requests import check_request_id, earlier_result, remember
from ledger.text import one_line

MAX_REFERENCE = 100  # the column's size
MAX_REASON = 500
MAX_PARTS = 50  # parts settled by one reference at once
PART = re.compile(r"(?:c-?)?(\d{1,18})", re.IGNORECASE)
SETTLEMENT = re.compile(r"(?:s-?)?(\d{1,18})", re.IGNORECASE)


def part_ref(charge_id: int) -> str:
    """How people name the part of a charge due by other means."""
    return f"C-{charge_id}"


def settlement_ref(settlement_id: int) -> str:
    return f"S-{settlement_id}"


@dataclass(frozen=True, slots=True)
class SettlementView:
    id: int
    charge_id: int
    project_id: str
    amount: Money
    reference: str
    actor: str
    at: datetime
    voids_id: int | None = None
    reason: str | None = None
    repeated: bool = False

    @property
    def ref(self) -> str:
        return settlement_ref(self.id)

    @property
    def part(self) -> str:
        return part_ref(self.charge_id)


@dataclass(frozen=True, slots=True)
class DuePart:
    """What a charge left due by other means, and its live settlement if any."""

    charge_id: int
    charge_key: str
    project_id: str
    project_name: str
    at: datetime
    memo: str | None
    amount: Money
    settlement: SettlementView | None

    @property
    def ref(self) -> str:
        return part_ref(self.charge_id)


def _view(row: Settlement, *, repeated: bool = False) -> SettlementView:
    return SettlementView(
        id=row.id,
        charge_id=row.charge_id,
        project_id=row.project_id,
        amount=Money(row.amount, row.currency),
        reference=row.reference,
        actor=row.actor,
        at=row.at,
        voids_id=row.voids_id,
        reason=row.reason,
        repeated=repeated,
    )


def live_settlements() -> Select[Settlement]:
    """Settlements that are not voids and that no void names."""
    voider = aliased(Settlement)
    return select(Settlement).where(
        Settlement.voids_id.is_(None),
        ~exists().where(voider.voids_id == Settlement.id),
    )


def parse_part(text: str) -> int:
    found = PART.fullmatch(text.strip())
    if found is None:
        raise InvalidInput(
            N_("{text!r} names no part due"),
            hint=N_("write it as C-123, from the due list"),
            text=text,
        )
    return int(found.group(1))


def _read_parts(
    session: Session, project_id: str | None = None, charge_id: int | None = None
) -> list[DuePart]:
    query = (
        select(Charge, Project.name)
        .join(Project, Project.id == Charge.project_id)
        .where(Charge.due_other > 0, Charge.voided_at.is_(None))
        .order_by(Charge.at, Charge.id)
    )
    live_query = live_settlements().order_by(Settlement.id)
    if project_id is not None:
        query = query.where(Charge.project_id == project_id)
        live_query = live_query.where(Settlement.project_id == project_id)
    if charge_id is not None:
        query = query.where(Charge.id == charge_id)
        live_query = live_query.where(Settlement.charge_id == charge_id)
    live = {row.charge_id: _view(row) for row in session.scalars(live_query)}
    return [
        DuePart(
            charge_id=bill.id,
            charge_key=bill.key,
            project_id=bill.project_id,
            project_name=name,
            at=bill.at,
            memo=bill.memo,
            amount=Money(bill.due_other, bill.currency),
            settlement=live.get(bill.id),
        )
        for bill, name in session.execute(query)
    ]


def due_parts(
    ledger: Ledger, project_ref: str | None = None, *, settled: bool = False
) -> list[DuePart]:
    """Parts of charges due by other means, oldest first: those not settled, and with
    `settled` also those settled (with their settlement). A voided charge owes nothing."""
    with ledger.db.read() as session:
        project_id = find_project(session, project_ref).id if project_ref is not None else None
        parts = _read_parts(session, project_id)
    return [part for part in parts if settled or part.settlement is None]


def due_part(ledger: Ledger, ref: str) -> DuePart:
    """One part still due, for the form that settles it; refused as settling it would be."""
    charge_id = parse_part(ref)
    with ledger.db.read() as session:
        _settleable(session, charge_id, lock=False)
        (part,) = _read_parts(session, charge_id=charge_id)
    return part


def _reference(text: str) -> str:
    reference = one_line(text)
    if not reference or len(reference) > MAX_REFERENCE:
        raise InvalidInput(
            N_("a settlement needs a reference of 1 to {size} characters"),
            hint=N_("for example the invoice number, INV-2026-0042"),
            size=MAX_REFERENCE,
        )
    return reference


def _parts(refs: Sequence[str]) -> list[int]:
    if not refs:
        raise InvalidInput(N_("say which parts were paid"), hint=N_("for example C-123"))
    ids = list(dict.fromkeys(parse_part(ref) for ref in refs))
    if len(ids) > MAX_PARTS:
        raise InvalidInput(N_("settle at most {count} parts at once"), count=MAX_PARTS)
    return ids


def _settleable(session: Session, charge_id: int, *, lock: bool) -> Charge:
    """The charge whose due part is to be settled, locked with `lock`; refused when there is
    no such charge, it was voided, nothing of it is due, or it is settled already."""
    query = select(Charge).where(Charge.id == charge_id)
    bill = session.scalars(query.with_for_update() if lock else query).first()
    if bill is None:
        raise ChargeNotFound(
            N_("there is no part {part}"),
            hint=N_("the due list names each part"),
            part=part_ref(charge_id),
        )
    if bill.voided_at is not None:
        raise InvalidInput(
            N_("{part} belongs to a voided charge: nothing is due"), part=part_ref(charge_id)
        )
    if bill.due_other == 0:
        raise InvalidInput(
            N_("nothing of charge {part} is due by other means"), part=part_ref(charge_id)
        )
    earlier = session.scalars(live_settlements().where(Settlement.charge_id == bill.id)).first()
    if earlier is not None:
        raise InvalidInput(
            N_("{part} was already settled by {reference} ({settlement})"),
            hint=N_("void that settlement first if it was a mistake"),
            part=part_ref(charge_id),
            reference=earlier.reference,
            settlement=settlement_ref(earlier.id),
        )
    return bill


def _settle_one(
    session: Session, charge_id: int, reference: str, key: str, actor: Actor, now: datetime
) -> Settlement:
    bill = _settleable(session, charge_id, lock=True)
    row = Settlement(
        key=key,
        charge_id=bill.id,
        project_id=bill.project_id,
        currency=bill.currency,
        amount=bill.due_other,
        reference=reference,
        actor=actor.user_id,
        at=now,
    )
    session.add(row)
    session.flush()
    return row


def settle(
    ledger: Ledger,
    actor: Actor,
    parts: Sequence[str],
    reference: str,
    *,
    request: str | None = None,
) -> list[SettlementView]:
    """Record that `parts` were paid under `reference`: one settlement each, all in one
    transaction or none. The same `request` again answers with what it recorded."""
    actor.require(Role.FINANCE, N_("settle what is due"))
    why = _reference(reference)
    ids = _parts(parts)
    check_request_id(request)
    fingerprint = f"{','.join(map(str, ids))}|{why}|{actor.user_id}"

    def work(session: Session) -> list[SettlementView]:
        if request is not None:
            made = earlier_result(session, request, "settle", fingerprint)
            if made is not None:
                done = [session.get(Settlement, int(n)) for n in made.split(",")]
                return [_view(row, repeated=True) for row in done if row is not None]
        now = ledger.now()
        batch = request or uuid.uuid4().hex
        rows = [
            _settle_one(session, charge_id, why, f"settle:{batch}:{charge_id}", actor, now)
            for charge_id in sorted(ids)  # one lock order for every writer
        ]
        if request is not None:
            remember(
                session, request, "settle", fingerprint, ",".join(str(r.id) for r in rows), now
            )
        order = {charge_id: i for i, charge_id in enumerate(ids)}
        return [_view(row) for row in sorted(rows, key=lambda r: order[r.charge_id])]

    return ledger.db.run(work)


def void_settlement(ledger: Ledger, actor: Actor, ref: str, reason: str) -> SettlementView:
    """Void a mistaken settlement with a second row; its part is due again."""
    actor.require(Role.FINANCE, N_("void settlements"))
    why = one_line(reason)
    if not why or len(why) > MAX_REASON:
        raise InvalidInput(N_("a void needs a reason of 1 to {size} characters"), size=MAX_REASON)
    found = SETTLEMENT.fullmatch(ref.strip())
    if found is None:
        raise InvalidInput(
            N_("{text!r} names no settlement"),
            hint=N_("write it as S-12, from `due list --all`"),
            text=ref,
        )
    settlement_id = int(found.group(1))

    def work(session: Session) -> SettlementView:
        original = session.get(Settlement, settlement_id)
        if original is None or original.voids_id is not None:
            raise NotFound(
                N_("there is no settlement {settlement}"), settlement=settlement_ref(settlement_id)
            )
        session.scalars(
            select(Charge.id).where(Charge.id == original.charge_id).with_for_update()
        ).first()
        voided = session.scalars(
            select(Settlement).where(Settlement.voids_id == original.id)
        ).first()
        if voided is not None:
            raise InvalidInput(
                N_("settlement {settlement} was already voided by {who}"),
                settlement=settlement_ref(original.id),
                who=voided.actor,
            )
        row = Settlement(
            key=f"void-settlement:{original.id}",
            charge_id=original.charge_id,
            project_id=original.project_id,
            currency=original.currency,
            amount=original.amount,
            reference=original.reference,
            actor=actor.user_id,
            at=ledger.now(),
            voids_id=original.id,
            reason=why,
        )
        session.add(row)
        session.flush()
        return _view(row)

    return ledger.db.run(work)


def history_lines(session: Session, project_id: str, count: int) -> list[HistoryLine]:
    """Settlements ("settled", the reference as memo) and their voids ("unsettled", the
    reason as memo), newest first, for a project's history."""
    rows = session.execute(
        select(Settlement, Charge.key)
        .join(Charge, Charge.id == Settlement.charge_id)
        .where(Settlement.project_id == project_id)
        .order_by(Settlement.id.desc())
        .limit(count)
    ).all()
    return [
        HistoryLine(
            id=None,
            kind="unsettled" if row.voids_id is not None else "settled",
            at=row.at,
            amount=Money(row.amount, row.currency),
            lot_source=None,
            actor=row.actor,
            memo=f"{row.reference} · {row.reason}" if row.voids_id is not None else row.reference,
            charge_key=key,
        )
        for row, key in rows
    ]
