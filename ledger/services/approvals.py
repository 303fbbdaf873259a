"""The approvals a purchase order collects from distinct finance approvers: one row each,
recorded under the order's row lock, so the order is approved at its last approval exactly
once, whoever clicks at the same moment."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import ApprovalView
from ledger.errors import N_, AlreadyApproved
from ledger.orm import Approval, PurchaseOrder


def approvals_of(session: Session, order_ids: Iterable[int]) -> dict[int, tuple[ApprovalView, ...]]:
    """Each order's approvals, oldest first (one query for a whole list)."""
    ids = list(order_ids)
    found: dict[int, list[ApprovalView]] = {order_id: [] for order_id in ids}
    if not ids:
        return {}
    rows = session.execute(
        select(Approval.purchase_order_id, Approval.approver, Approval.at)
        .where(Approval.purchase_order_id.in_(ids))
        .order_by(Approval.at, Approval.id)
    )
    for order_id, approver, at in rows:
        found[order_id].append(ApprovalView(approver, at))
    return {order_id: tuple(given) for order_id, given in found.items()}


def record(session: Session, po: PurchaseOrder, approver: str, at: datetime) -> int:
    """Count `approver`'s approval of `po` (locked by the caller) and return how many it
    has now; an approver who already approved it is refused and nothing changes."""
    given = approvals_of(session, [po.id])[po.id]
    if any(approval.by == approver for approval in given):
        raise AlreadyApproved(
            N_("you already approved {number}; it needs {left} more"),
            hint=N_("someone else in finance must approve it"),
            number=po.number,
            left=po.approvals_needed - len(given),
        )
    session.add(Approval(purchase_order_id=po.id, approver=approver, at=at))
    session.flush()
    return len(given) + 1
