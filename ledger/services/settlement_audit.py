"""`verify`'s checks of the settlements against the charges they settle."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.orm import Charge, Settlement
from ledger.services.settlements import settlement_ref


def check(session: Session, problems: list[str]) -> None:
    """For `verify`: a settlement pays exactly its charge's due part, a charge has at most
    one live settlement and none once voided, and a void names a live settlement of the
    same charge."""
    charges = {
        bill.id: bill
        for bill in session.scalars(
            select(Charge).where(Charge.id.in_(select(Settlement.charge_id)))
        )
    }
    rows = {row.id: row for row in session.scalars(select(Settlement).order_by(Settlement.id))}
    voided = {row.voids_id for row in rows.values() if row.voids_id is not None}
    live: dict[int, list[int]] = {}
    for row in rows.values():
        tag = f"settlement {settlement_ref(row.id)}"
        bill = charges.get(row.charge_id)
        if bill is None:
            problems.append(f"{tag}: charge {row.charge_id} does not exist")
            continue
        if (row.amount, row.currency, row.project_id) != (
            bill.due_other,
            bill.currency,
            bill.project_id,
        ):
            problems.append(
                f"{tag}: {row.amount} {row.currency} on {row.project_id} but charge {bill.key} has"
                f" {bill.due_other} {bill.currency} due on {bill.project_id}"
            )
        if row.voids_id is not None:
            target = rows.get(row.voids_id)
            if target is None or target.voids_id is not None or target.charge_id != row.charge_id:
                problems.append(
                    f"{tag}: voids {row.voids_id}, which is no settlement of its charge"
                )
        elif row.id not in voided:
            live.setdefault(row.charge_id, []).append(row.id)
    for charge_id, ids in live.items():
        if charges[charge_id].voided_at is not None:
            problems.append(
                f"charge {charges[charge_id].key}: voided but settled ({settlement_ref(ids[0])})"
            )
        if len(ids) > 1:
            names = ", ".join(settlement_ref(i) for i in ids)
            problems.append(f"charge {charges[charge_id].key}: settled more than once ({names})")
