"""The accountant's export names OVHcloud's bill of a delivered order and its PDF, read
through the provider for linked projects only."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from ledger.services import Ledger, purchases
from ledger.services.accounting import bills, export_purchases
from ledger.services.ordering import approve_and_order, follow_orders
from ledger.services.projects import add_project
from tests.support import ADMIN, FINANCE, MEMBER, eur

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))


def rows(ledger: Ledger, provider: OvhProvider) -> list[dict[str, str]]:
    out = io.StringIO()
    export_purchases(ledger, *JANUARY, out, "csv", bills(ledger, provider, *JANUARY))
    return list(csv.DictReader(io.StringIO(out.getvalue())))


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
