"""The accountant's export of 10 000 purchase orders, against a bare SELECT of the same rows
written with `csv.writer` (issue 15: at most twice as long)."""

from __future__ import annotations

import csv
import io
import statistics
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select, text

from bench.common import T0, add_project, fresh_database, make_ledger, timed
from ledger.database import Database
from ledger.orm import Approval, Lot, Project, PurchaseOrder, PurchaseOrderCounter
from ledger.services.accounting import export_purchases

STATES = ("approved", "approved", "approved", "rejected", "cancelled", "expired")


def _orders(db: Database, count: int) -> None:
    """`count` orders decided in January 2026 over 20 projects; the approved ones with their
    lot and two approvals."""
    for p in range(20):
        add_project(db, f"project-{p:02d}")
    chunk = 5000
    for offset in range(0, count, chunk):
        ids = range(offset + 1, min(offset + chunk, count) + 1)
        orders, lots, approvals = [], [], []
        for i in ids:
            state = STATES[i % len(STATES)]
            decided = T0 + timedelta(minutes=i % 40_000)
            excl = 100_00 + i
            vat = excl // 5
            orders.append(
                {
                    "id": i,
                    "number": f"PO-2026-{i:06d}",
                    "year": 2026,
                    "seq": i,
                    "project_id": f"project-{i % 20:02d}",
                    "requested_by": f"U{i % 50:04d}",
                    "currency": "EUR",
                    "amount_excl_tax": excl,
                    "vat_rate_bp": 2000,
                    "vat": vat,
                    "amount_incl_tax": excl + vat,
                    "status": state,
                    "created_at": decided - timedelta(hours=1),
                    "decided_by": "UFIN",
                    "decided_at": decided,
                }
            )
            if state == "approved":
                lots.append(
                    {
                        "id": i,
                        "project_id": f"project-{i % 20:02d}",
                        "kind": "credit",
                        "origin": "purchase",
                        "po_number": f"PO-2026-{i:06d}",
                        "purchase_order_id": i,
                        "currency": "EUR",
                        "initial": excl,
                        "remaining": excl,
                        "valid_from": decided,
                        "expires_at": decided + timedelta(days=395),
                    }
                )
                approvals += [
                    {"purchase_order_id": i, "approver": who, "at": decided - timedelta(minutes=n)}
                    for n, who in enumerate(("UFIN", "UFIN2"))
                ]
        with db.engine.begin() as conn:
            conn.execute(insert(PurchaseOrder), orders)
            if lots:
                conn.execute(insert(Lot), lots)
            if approvals:
                conn.execute(insert(Approval), approvals)
    with db.engine.begin() as conn:
        conn.execute(insert(PurchaseOrderCounter).values(year=2026, last=count))
        if db.dialect == "postgresql":
            conn.execute(text("ANALYZE"))


def _bare(db: Database) -> str:
    """The same order rows, selected and written as they come, nothing formatted."""
    out = io.StringIO()
    writer = csv.writer(out)
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(
                PurchaseOrder.number,
                PurchaseOrder.project_id,
                Project.name,
                PurchaseOrder.requested_by,
                PurchaseOrder.decided_by,
                PurchaseOrder.status,
                PurchaseOrder.decided_at,
                PurchaseOrder.amount_excl_tax,
                PurchaseOrder.vat_rate_bp,
                PurchaseOrder.vat,
                PurchaseOrder.amount_incl_tax,
                PurchaseOrder.currency,
                PurchaseOrder.provider_order_id,
                Lot.initial,
                Lot.expires_at,
            )
            .join(Project, Project.id == PurchaseOrder.project_id)
            .outerjoin(Lot, Lot.purchase_order_id == PurchaseOrder.id)
            .order_by(PurchaseOrder.decided_at, PurchaseOrder.id)
        )
        writer.writerows(rows)
    return out.getvalue()


def export_vs_bare_select(backend: str, count: int = 10_000, repeat: int = 11) -> dict[str, Any]:
    """Median and best of `repeat` runs of each, taken in turn so that a busy moment of the
    machine weighs on both alike."""
    with fresh_database(backend) as url:
        ledger = make_ledger(url)
        _orders(ledger.db, count)
        period = (date(2026, 1, 1), date(2026, 3, 31))
        written = io.StringIO()
        export_purchases(ledger, *period, written)
        rows = written.getvalue().count("\n") - 1
        assert rows == count, rows

        def export() -> None:
            export_purchases(ledger, *period, io.StringIO())

        pairs = [(timed(export), timed(lambda: _bare(ledger.db))) for _ in range(repeat)]
        ledger.db.dispose()
    export_s = statistics.median(e for e, _ in pairs)
    bare_s = statistics.median(b for _, b in pairs)
    best = min(e for e, _ in pairs) / min(b for _, b in pairs)
    return {
        "orders": count,
        "export_s": export_s,
        "bare_s": bare_s,
        "ratio": export_s / bare_s,
        "ratio_best": best,
    }
