"""The accountant's export of purchase orders: one row per order decided in a period of
local days, plain decimal amounts, approvals in one cell, cells a spreadsheet cannot run,
totals that reconcile with the credit the journal granted; and the parts due with their
settlements."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, text

from ledger.errors import InvalidInput
from ledger.exports import amount, safe_cell
from ledger.money import Money
from ledger.orm import Approval, Entry, Lot, PurchaseOrder
from ledger.services import Ledger
from ledger.services.accounting import PURCHASE_COLUMNS, export_due, export_purchases
from ledger.services.billing import charge
from ledger.services.projects import add_project
from ledger.services.purchases import (
    approve_purchase,
    cancel_purchase,
    reject_purchase,
    request_purchase,
)
from ledger.services.settlements import settle
from tests.support import ADMIN, FINANCE, MEMBER, FakeClock, eur

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))


def exported(ledger: Ledger, start: date, end: date, form: str = "csv") -> Any:
    out = io.StringIO()
    export_purchases(ledger, start, end, out, form)
    if form == "json":
        return json.loads(out.getvalue())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.fixture
def decided(ledger: Ledger, project: str, clock: FakeClock) -> Ledger:
    """In January (Paris): PO-1 approved, PO-3 cancelled, PO-5 expired; PO-2 rejected at
    00:30 on 1 February in Paris (23:30 UTC on 31 January); PO-4 still pending."""
    first = request_purchase(ledger, MEMBER, project, eur("1234"))
    approve_purchase(ledger, FINANCE, first.number)
    second = request_purchase(ledger, MEMBER, project, eur("10"))
    third = request_purchase(ledger, MEMBER, project, eur("20"))
    cancel_purchase(ledger, MEMBER, third.number)
    request_purchase(ledger, MEMBER, project, eur("30"))
    fifth = request_purchase(ledger, MEMBER, project, eur("40"))
    with ledger.db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE purchase_orders SET status = 'expired', decided_by = 'creditbot',"
                " decided_at = created_at WHERE number = :n"
            ),
            {"n": fifth.number},
        )
    clock.set(datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    reject_purchase(ledger, FINANCE, second.number, "not now")
    return ledger


def test_one_row_per_order_decided_in_the_local_days_of_the_period_with_its_state(
    decided: Ledger,
) -> None:
    january = exported(decided, *JANUARY)
    assert [(r["po_number"], r["state"]) for r in january] == [
        ("PO-2026-000001", "approved"),
        ("PO-2026-000003", "cancelled"),
        ("PO-2026-000005", "expired"),
    ]
    february = exported(decided, date(2026, 2, 1), date(2026, 2, 1))
    assert [(r["po_number"], r["state"], r["decided_at"]) for r in february] == [
        ("PO-2026-000002", "rejected", "2026-01-31T23:30:00Z")
    ]
    assert list(january[0]) == list(PURCHASE_COLUMNS)


def test_amounts_are_plain_decimals_in_the_currencys_minor_digits(
    decided: Ledger, clock: FakeClock
) -> None:
    first = exported(decided, *JANUARY)[0]
    assert {k: first[k] for k in ("amount_excl_tax", "vat_rate_percent", "vat")} == {
        "amount_excl_tax": "1234.00",
        "vat_rate_percent": "20",
        "vat": "246.80",
    }
    assert (first["total_incl_tax"], first["credit_granted"], first["currency"]) == (
        "1480.80",
        "1234.00",
        "EUR",
    )
    assert first["credit_expires_at"] == "2027-02-28T09:00:00Z"
    add_project(decided, ADMIN, "tokyo", "Tokyo", "JPY")
    yen = request_purchase(decided, MEMBER, "tokyo", Money(1500, "JPY"))
    approve_purchase(decided, FINANCE, yen.number)
    row = exported(decided, date(2026, 1, 31), date(2026, 2, 1))[-1]
    assert (row["amount_excl_tax"], row["vat"], row["total_incl_tax"]) == ("1500", "300", "1800")
    assert [amount(m, "BHD") for m in (1, 1234567, -5)] == ["0.001", "1234.567", "-0.005"]


def test_every_approver_and_their_time_share_one_cell(decided: Ledger) -> None:
    with decided.db.write() as session:
        po_id = session.scalar(select(PurchaseOrder.id).where(PurchaseOrder.seq == 1))
        session.add(
            Approval(
                purchase_order_id=po_id,
                approver="UFINANCE2",
                at=datetime(2026, 1, 31, 8, 2, tzinfo=UTC),
            )
        )
    with decided.db.read() as session:
        stored = session.execute(
            select(Approval.approver, Approval.at)
            .where(Approval.purchase_order_id == po_id)
            .order_by(Approval.at, Approval.id)
        ).all()
    cell = exported(decided, *JANUARY)[0]["approvals"]
    assert cell == ";".join(f"{who}@{at:%Y-%m-%dT%H:%M:%SZ}" for who, at in stored)
    assert cell.startswith("UFINANCE2@2026-01-31T08:02:00Z")


def test_the_approved_totals_reconcile_with_the_credit_the_journal_granted(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "staging", "Staging")
    for i, (where, whole) in enumerate(
        [(project, "100"), ("staging", "250"), (project, "75"), ("staging", "5"), (project, "9")]
    ):
        po = request_purchase(ledger, MEMBER, where, eur(whole))
        if i % 4 == 3:
            reject_purchase(ledger, FINANCE, po.number, "no")
        else:
            approve_purchase(ledger, FINANCE, po.number)
        clock.advance(hours=7)
    rows = exported(ledger, *JANUARY) + exported(ledger, date(2026, 2, 1), date(2026, 2, 28))
    exported_sums: dict[str, int] = {}
    for row in rows:
        if row["state"] == "approved":
            cents = int(row["amount_excl_tax"].replace(".", ""))
            exported_sums[row["project_id"]] = exported_sums.get(row["project_id"], 0) + cents
    numbers = [row["po_number"] for row in rows if row["state"] == "approved"]
    with ledger.db.read() as session:
        granted = dict(
            session.execute(
                select(Lot.project_id, func.sum(Entry.amount))
                .join(Entry, Entry.lot_id == Lot.id)
                .join(PurchaseOrder, PurchaseOrder.id == Lot.purchase_order_id)
                .where(Entry.kind == "grant", PurchaseOrder.number.in_(numbers))
                .group_by(Lot.project_id)
            ).all()
        )
    assert exported_sums == {project: 18400, "staging": 25000} == granted
    january = exported(ledger, *JANUARY, "json")
    approved = [o for o in january["orders"] if o["state"] == "approved"]
    totals = january["totals"]["EUR"]
    assert totals["amount_excl_tax"] == totals["credit_granted"]
    assert int(totals["amount_excl_tax"].replace(".", "")) == sum(
        int(o["amount_excl_tax"].replace(".", "")) for o in approved
    )


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_kept_as_text(
    ledger: Ledger, clock: FakeClock
) -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("Prod EU") == "Prod EU" and safe_cell("") == ""
    add_project(ledger, ADMIN, "evil", '=HYPERLINK("http://x","y")')
    po = request_purchase(ledger, MEMBER, "evil", eur("10"))
    approve_purchase(ledger, FINANCE, po.number)
    (row,) = exported(ledger, *JANUARY)
    assert row["project_name"] == '\'=HYPERLINK("http://x","y")'
    (data,) = exported(ledger, *JANUARY, "json")["orders"]
    assert data["project_name"] == '=HYPERLINK("http://x","y")'  # JSON is no spreadsheet


def test_json_is_a_list_of_objects_plus_totals_that_count_only_approved_amounts(
    decided: Ledger,
) -> None:
    data = exported(decided, *JANUARY, "json")
    assert [o["state"] for o in data["orders"]] == ["approved", "cancelled", "expired"]
    assert data["totals"] == {
        "EUR": {
            "count": {"approved": 1, "cancelled": 1, "expired": 1},
            "amount_excl_tax": "1234.00",
            "vat": "246.80",
            "total_incl_tax": "1480.80",
            "credit_granted": "1234.00",
        }
    }
    assert exported(decided, date(2025, 1, 1), date(2025, 1, 1), "json") == {
        "orders": [],
        "totals": {},
    }


def test_a_period_that_ends_before_it_starts_is_refused(decided: Ledger) -> None:
    out = io.StringIO()
    with pytest.raises(InvalidInput, match="after it ends"):
        export_purchases(decided, date(2026, 1, 31), date(2026, 1, 1), out)
    assert out.getvalue() == ""


def test_an_export_reads_every_row_in_one_read_transaction(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    for _ in range(30):
        po = request_purchase(ledger, MEMBER, project, eur("1"))
        approve_purchase(ledger, FINANCE, po.number)
        clock.advance(minutes=1)
    seen: list[int] = []
    real = ledger.db.read

    def counted() -> Any:
        seen.append(1)
        return real()

    ledger.db.read = counted  # type: ignore[method-assign]
    rows = exported(ledger, *JANUARY) + exported(ledger, date(2026, 2, 1), date(2026, 2, 2))
    assert len(rows) == 30 and len(seen) == 2  # one read transaction per export


def test_the_due_export_shows_each_part_of_the_period_with_its_settlement(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    charge(ledger, FINANCE, project, eur("300"), "bill-1", "March")
    charge(ledger, FINANCE, project, eur("50"), "bill-2")
    settle(ledger, FINANCE, ["C-2"], "INV-7")
    clock.advance(days=2)
    charge(ledger, FINANCE, project, eur("5"), "bill-3")  # in February
    out = io.StringIO()
    export_due(ledger, *JANUARY, out, "json")
    data = json.loads(out.getvalue())
    assert [(p["part"], p["state"], p["reference"], p["amount_due"]) for p in data["parts"]] == [
        ("C-1", "due", None, "300.00"),
        ("C-2", "settled", "INV-7", "50.00"),
    ]
    assert {k: v for k, v in data["parts"][0].items() if v is None} == {
        "settlement": None,
        "reference": None,
        "settled_by": None,
        "settled_at": None,
    }
    assert data["parts"][1]["settled_by"] == FINANCE.user_id
    assert data["totals"]["EUR"] == {
        "count": {"due": 1, "settled": 1},
        "due": "300.00",
        "settled": "50.00",
    }


def test_json_gives_null_for_a_missing_value_and_approvals_as_a_list_of_by_and_at(
    decided: Ledger,
) -> None:
    with decided.db.write() as session:
        po_id = session.scalar(select(PurchaseOrder.id).where(PurchaseOrder.seq == 1))
        session.add(
            Approval(
                purchase_order_id=po_id,
                approver="UFINANCE2",
                at=datetime(2026, 1, 31, 8, 2, tzinfo=UTC),
            )
        )
    approved, cancelled, expired = exported(decided, *JANUARY, "json")["orders"]
    assert approved["approvals"] == [
        {"by": "UFINANCE2", "at": "2026-01-31T08:02:00Z"},
        {"by": FINANCE.user_id, "at": approved["decided_at"]},
    ]
    assert (approved["delivery"], approved["credit_granted"]) == ("delivered", "1234.00")
    assert {k for k, v in approved.items() if v is None} == {
        "ovh_order_id",
        "bill_id",
        "bill_pdf",
        "closed_by",
        "closed_at",
        "close_reason",
    }
    assert cancelled["approvals"] == [] and expired["approvals"] == []
    for order in (cancelled, expired):
        assert order["delivery"] is None and order["credit_granted"] is None
        assert order["credit_expires_at"] is None and order["ovh_order_id"] is None
    assert "" not in [v for o in (approved, cancelled, expired) for v in o.values()]


def test_csv_keeps_empty_cells_for_missing_values_and_the_approvals_in_one_cell(
    decided: Ledger,
) -> None:
    approved, cancelled, _ = exported(decided, *JANUARY)
    assert approved["approvals"] == f"{FINANCE.user_id}@{approved['decided_at']}"
    assert (approved["delivery"], approved["ovh_order_id"], approved["closed_by"]) == (
        "delivered",
        "",
        "",
    )
    assert (cancelled["approvals"], cancelled["delivery"], cancelled["credit_granted"]) == (
        "",
        "",
        "",
    )
