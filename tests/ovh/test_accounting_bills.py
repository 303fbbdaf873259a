"""The accountant's export names OVHcloud's bill of a delivered order and its PDF, read
through the provider for linked projects only; it tells an order delivered from one still
awaiting OVHcloud, and one finance closed without credit from an approved one."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from sqlalchemy import func, select

from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from ledger.orm import Entry, Lot
from ledger.services import Ledger, purchases
from ledger.services.accounting import bills, export_purchases
from ledger.services.ordering import approve_and_order, follow_orders
from ledger.services.projects import add_project
from ledger.services.reordering import close_order
from tests.support import ADMIN, FINANCE, MEMBER, eur

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))


def rows(ledger: Ledger, provider: OvhProvider) -> list[dict[str, str]]:
    out = io.StringIO()
    export_purchases(ledger, *JANUARY, out, "csv", bills(ledger, provider, *JANUARY))
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def data(ledger: Ledger, provider: OvhProvider) -> Any:
    out = io.StringIO()
    export_purchases(ledger, *JANUARY, out, "json", bills(ledger, provider, *JANUARY))
    return json.loads(out.getvalue())


def ordered(ledger: Ledger, provider: OvhProvider, project: str, whole: str) -> int:
    """Approve an order of a linked project and place it at OVHcloud: its order id."""
    return placed(ledger, provider, project, whole)[1]


def placed(ledger: Ledger, provider: OvhProvider, project: str, whole: str) -> tuple[str, int]:
    number = purchases.request_purchase(ledger, MEMBER, project, eur(whole)).number
    po = approve_and_order(ledger, provider, FINANCE, number)
    assert po.provider is not None and po.provider.order_id is not None
    return number, po.provider.order_id


def closed(ledger: Ledger, provider: OvhProvider, ovh: OvhStandIn, linked: str) -> str:
    """An order approved and ordered, cancelled by OVHcloud, then closed by finance."""
    number, order = placed(ledger, provider, linked, "700")
    ovh.cancel(order)
    follow_orders(ledger, provider)
    close_order(ledger, FINANCE, number, "supplier changed")
    return number


def test_a_delivered_order_shows_its_ovhcloud_order_bill_and_pdf(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("1500")).number
    po = approve_and_order(ledger, provider, FINANCE, number)
    assert po.provider is not None and po.provider.order_id is not None
    ovh.deliver(po.provider.order_id)
    follow_orders(ledger, provider)
    (row,) = rows(ledger, provider)
    order = po.provider.order_id
    assert (row["ovh_order_id"], row["bill_id"]) == (str(order), f"FR{order}")
    assert row["bill_pdf"].startswith("http") and "format=pdf" in row["bill_pdf"]
    assert row["credit_granted"] == "1500.00"


def test_an_order_not_delivered_yet_has_no_bill(
    ledger: Ledger, linked: str, provider: OvhProvider
) -> None:
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("200")).number
    po = approve_and_order(ledger, provider, FINANCE, number)
    (row,) = rows(ledger, provider)
    assert po.provider is not None and row["ovh_order_id"] == str(po.provider.order_id)
    assert (row["bill_id"], row["bill_pdf"], row["credit_granted"]) == ("", "", "")


def test_no_project_linked_to_ovhcloud_means_no_call_to_ovhcloud(
    ledger: Ledger, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    add_project(ledger, ADMIN, "local", "Local")
    po = purchases.request_purchase(ledger, MEMBER, "local", eur("10"))
    purchases.approve_purchase(ledger, FINANCE, po.number)
    before = len(ovh.requests)
    (row,) = rows(ledger, provider)
    assert len(ovh.requests) == before
    assert (row["po_number"], row["bill_id"], row["ovh_order_id"]) == (po.number, "", "")


def test_an_order_finance_closed_without_credit_is_exported_as_closed_with_who_and_why(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    number = closed(ledger, provider, ovh, linked)
    (row,) = rows(ledger, provider)
    assert (row["po_number"], row["state"], row["delivery"]) == (number, "closed", "closed")
    assert (row["closed_by"], row["close_reason"]) == (FINANCE.user_id, "supplier changed")
    assert row["closed_at"].endswith("Z") and row["credit_granted"] == ""
    (order,) = data(ledger, provider)["orders"]
    assert (order["state"], order["closed_by"], order["close_reason"]) == (
        "closed",
        FINANCE.user_id,
        "supplier changed",
    )
    assert order["credit_granted"] is None and order["closed_at"] == row["closed_at"]


def test_a_closed_order_is_counted_as_closed_and_never_in_the_approved_totals(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    closed(ledger, provider, ovh, linked)
    ovh.deliver(ordered(ledger, provider, linked, "100"))
    follow_orders(ledger, provider)
    assert data(ledger, provider)["totals"] == {
        "EUR": {
            "count": {"approved": 1, "closed": 1},
            "amount_excl_tax": "100.00",
            "vat": "20.00",
            "total_incl_tax": "120.00",
            "credit_granted": "100.00",
        }
    }


def test_an_approved_order_awaiting_ovhclouds_delivery_is_told_from_a_delivered_one(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ordered(ledger, provider, linked, "200")
    ovh.deliver(ordered(ledger, provider, linked, "300"))
    follow_orders(ledger, provider)
    waiting, delivered = data(ledger, provider)["orders"]
    assert (waiting["state"], waiting["delivery"], waiting["credit_granted"]) == (
        "approved",
        "awaiting",
        None,
    )
    assert (delivered["state"], delivered["delivery"], delivered["credit_granted"]) == (
        "approved",
        "delivered",
        "300.00",
    )


def test_the_approved_totals_reconcile_with_the_granted_credit_beside_closed_and_awaiting_orders(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    add_project(ledger, ADMIN, "local", "Local")
    closed(ledger, provider, ovh, linked)
    ordered(ledger, provider, linked, "40")  # awaiting
    ovh.deliver(ordered(ledger, provider, linked, "250"))
    follow_orders(ledger, provider)
    local = purchases.request_purchase(ledger, MEMBER, "local", eur("9"))
    purchases.approve_purchase(ledger, FINANCE, local.number)
    exported = data(ledger, provider)
    approved = [o for o in exported["orders"] if o["state"] == "approved"]
    with ledger.db.read() as session:
        granted = session.scalar(
            select(func.sum(Entry.amount))
            .join(Lot, Lot.id == Entry.lot_id)
            .where(Entry.kind == "grant", Lot.purchase_order_id.is_not(None))
        )
    totals = exported["totals"]["EUR"]
    assert totals["count"] == {"approved": 3, "closed": 1}
    assert int(totals["credit_granted"].replace(".", "")) == granted == 25900
    assert totals["amount_excl_tax"] == "299.00"  # 40 awaiting + 250 + 9 delivered
    assert (
        sum(
            int(o["credit_granted"].replace(".", ""))
            for o in approved
            if o["delivery"] == "delivered"
        )
        == granted
    )
    assert [o["delivery"] for o in approved] == ["awaiting", "delivered", "delivered"]
