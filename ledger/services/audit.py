"""Re-deriving everything from the journal (`verify`) and dumping the ledger (`export`)."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import DeclarativeBase, Session

from ledger.domain import POStatus
from ledger.facts import LotSource
from ledger.journal import lot_account
from ledger.money import Money
from ledger.orm import (
    Budget,
    Charge,
    Entry,
    Lot,
    Project,
    ProjectChannel,
    PurchaseOrder,
    PurchaseOrderCounter,
    Settlement,
    Voucher,
)
from ledger.services import settlement_audit
from ledger.services.context import Ledger
from ledger.services.provider_mirror import check_snapshots

EXPORTED: tuple[type[DeclarativeBase], ...] = (
    Project,
    ProjectChannel,
    PurchaseOrderCounter,
    PurchaseOrder,
    Voucher,
    Lot,
    Charge,
    Entry,
    Budget,
    Settlement,
)


def _check_entries(session: Session, problems: list[str]) -> None:
    lots = {lot.id: lot for lot in session.scalars(select(Lot)).all()}
    flows: dict[int, int] = defaultdict(int)
    grants: dict[int, int] = defaultdict(int)
    for entry in session.scalars(select(Entry).order_by(Entry.id)).yield_per(5000):
        lot = lots.get(entry.lot_id)
        tag = f"entry {entry.id} ({entry.kind})"
        if lot is None:
            problems.append(f"{tag}: lot {entry.lot_id} does not exist")
            continue
        account = lot_account(lot.id)
        if entry.amount <= 0:
            problems.append(f"{tag}: amount {entry.amount} is not positive")
        if entry.currency != lot.currency or entry.project_id != lot.project_id:
            problems.append(f"{tag}: currency or project differs from lot {lot.id}")
        into = entry.credit_account == account
        out = entry.debit_account == account
        if into == out:
            problems.append(f"{tag}: does not move money into or out of lot {lot.id}")
            continue
        expected_into = {
            "grant": True,
            "refund": True,
            "debit": False,
            "expiry": False,
            "removal": False,
        }.get(entry.kind)
        if expected_into is not None and into != expected_into:
            problems.append(f"{tag}: flows the wrong way for its kind")
        if entry.kind == "grant":
            grants[lot.id] += entry.amount
        if entry.kind == "void":
            original = session.get(Entry, entry.voids_entry_id)
            if original is None or (
                original.debit_account,
                original.credit_account,
                original.amount,
            ) != (
                entry.credit_account,
                entry.debit_account,
                entry.amount,
            ):
                problems.append(f"{tag}: is not the exact reverse of entry {entry.voids_entry_id}")
        flows[lot.id] += entry.amount if into else -entry.amount
    for lot in lots.values():
        if grants[lot.id] != lot.initial:
            problems.append(
                f"lot {lot.id} ({lot.source}): initial {lot.initial} but granted {grants[lot.id]}"
            )
        if flows[lot.id] != lot.remaining:
            problems.append(
                f"lot {lot.id} ({lot.source}): remaining {lot.remaining} but the journal gives {flows[lot.id]}"
            )
        if flows[lot.id] < 0:
            problems.append(f"lot {lot.id} ({lot.source}): the journal takes it below zero")


def _check_charges(session: Session, problems: list[str]) -> None:
    paid = dict(
        session.execute(
            select(Entry.charge_id, func.sum(Entry.amount))
            .where(Entry.kind == "debit", Entry.charge_id.is_not(None))
            .group_by(Entry.charge_id)
        ).all()
    )
    per_kind = session.execute(
        select(Entry.charge_id, Entry.kind, func.count())
        .where(Entry.charge_id.is_not(None))
        .group_by(Entry.charge_id, Entry.kind)
    ).all()
    lines = {(charge_id, kind): int(n) for charge_id, kind, n in per_kind}
    for bill in session.scalars(select(Charge).order_by(Charge.id)).yield_per(5000):
        debits, voids = lines.get((bill.id, "debit"), 0), lines.get((bill.id, "void"), 0)
        if voids != (debits if bill.voided_at is not None else 0):
            state = "voided" if bill.voided_at is not None else "not voided"
            problems.append(
                f"charge {bill.key}: {state} but {voids} of its {debits} debits are voided"
            )
        spent = int(paid.get(bill.id, 0))
        if spent + bill.due_other != bill.amount:
            problems.append(
                f"charge {bill.key}: {bill.amount} billed but {spent} paid by lots + {bill.due_other} due otherwise"
            )


def _check_sources(session: Session, problems: list[str]) -> None:
    lot_of_po = {
        lot.purchase_order_id: lot
        for lot in session.scalars(select(Lot).where(Lot.purchase_order_id.is_not(None)))
    }
    lot_of_voucher = {
        lot.voucher_id: lot
        for lot in session.scalars(select(Lot).where(Lot.voucher_id.is_not(None)))
    }
    numbers: dict[int, list[int]] = defaultdict(list)
    for po in session.scalars(select(PurchaseOrder)):
        numbers[po.year].append(po.seq)
        lot = lot_of_po.get(po.id)
        awaiting_provider = po.provider_state in ("ordering", "ordered", "cancelled", "closed")
        if po.status == POStatus.APPROVED.value and not (awaiting_provider and lot is None):
            if lot is None or lot.initial != po.amount_excl_tax:
                problems.append(f"{po.number}: approved but its credit lot is missing or differs")
        elif lot is not None:
            problems.append(f"{po.number}: {po.status} but it has a credit lot")
        if lot is not None and lot.source != LotSource.purchase(po.number, lot.provider_credit_id):
            problems.append(f"{po.number}: its credit lot names another source ({lot.source})")
        if po.amount_incl_tax != po.amount_excl_tax + po.vat:
            problems.append(f"{po.number}: total incl. tax is not amount + VAT")
    counters = dict(
        session.execute(select(PurchaseOrderCounter.year, PurchaseOrderCounter.last)).all()
    )
    for year, seqs in numbers.items():
        if sorted(seqs) != list(range(1, len(seqs) + 1)) or counters.get(year) != len(seqs):
            problems.append(
                f"purchase orders of {year}: numbers are not 1..{len(seqs)} without gaps"
            )
    for voucher in session.scalars(select(Voucher)):
        lot = lot_of_voucher.get(voucher.id)
        if (voucher.redeemed_at is None) != (lot is None):
            problems.append(f"voucher …{voucher.last4}: redeemed state and lot disagree")
        elif lot is not None and (
            lot.initial != voucher.amount or lot.expires_at != voucher.expires_at
        ):
            problems.append(f"voucher …{voucher.last4}: its lot differs from the voucher")
        elif lot is not None and lot.source != LotSource.voucher(voucher.last4):
            problems.append(
                f"voucher …{voucher.last4}: its lot names another source ({lot.source})"
            )


def verify(ledger: Ledger) -> list[str]:
    """Every mismatch between the stored state and what the journal implies, by name."""
    problems: list[str] = []
    with ledger.db.read() as session:
        _check_entries(session, problems)
        _check_charges(session, problems)
        _check_sources(session, problems)
        settlement_audit.check(session, problems)
        check_snapshots(session, problems)
    return problems


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# Hashes of voucher codes never leave the database: with the last four characters next to
# them, a short code could be found by brute force.
NOT_EXPORTED = frozenset({"code_hash", "legacy_hash"})

# Amounts in minor units, exported as decimal strings in their row's currency.
MONEY_COLUMNS = {
    "purchase_orders": ("amount_excl_tax", "vat", "amount_incl_tax"),
    "vouchers": ("amount",),
    "lots": ("initial", "remaining"),
    "entries": ("amount",),
    "charges": ("amount", "due_other"),
    "budgets": ("amount",),
    "settlements": ("amount",),
}


def _rows(session: Session, model: type[DeclarativeBase]) -> list[dict[str, Any]]:
    table = model.metadata.tables[str(model.__tablename__)]
    amounts = MONEY_COLUMNS.get(table.name, ())
    columns = [c for c in table.columns if c.name not in NOT_EXPORTED]
    result = session.execute(select(*columns).order_by(*table.primary_key.columns))
    rows = []
    for row in result:
        data = {k: _plain(v) for k, v in row._mapping.items()}
        for column in amounts:
            data[column] = str(Money(data[column], data["currency"]).amount)
        rows.append(data)
    return rows


def export_json(ledger: Ledger) -> str:
    with ledger.db.read() as session:
        dump = {model.__tablename__: _rows(session, model) for model in EXPORTED}
    return json.dumps(dump, indent=2, sort_keys=True, ensure_ascii=False)


JOURNAL_COLUMNS = (
    "id",
    "at",
    "project",
    "kind",
    "lot",
    "source",
    "amount",
    "currency",
    "debit_account",
    "credit_account",
    "charge_key",
    "actor",
    "memo",
    "origin",
    "po_number",
    "voucher_last4",
    "provider_credit_id",
    "cause",
    "provider_used",
)


def export_csv(ledger: Ledger) -> str:
    """The journal, one line per entry, amounts as decimal strings."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(JOURNAL_COLUMNS)
    with ledger.db.read() as session:
        rows = session.execute(
            select(Entry, Lot.source, Charge.key)
            .join(Lot, Lot.id == Entry.lot_id)
            .outerjoin(Charge, Charge.id == Entry.charge_id)
            .order_by(Entry.id)
        )
        for entry, source, key in rows:
            writer.writerow(
                (
                    entry.id,
                    entry.at.isoformat(),
                    entry.project_id,
                    entry.kind,
                    entry.lot_id,
                    source.reference,
                    Money(entry.amount, entry.currency).amount,
                    entry.currency,
                    entry.debit_account,
                    entry.credit_account,
                    key or "",
                    entry.actor,
                    entry.memo or "",
                    source.origin.value,
                    source.po_number or "",
                    source.voucher_last4 or "",
                    source.provider_credit_id or "",
                    entry.cause or "",
                    ""
                    if entry.provider_used is None
                    else Money(entry.provider_used, entry.currency).amount,
                )
            )
    return out.getvalue()
