"""The stand-in's Public Cloud routes: the clock, projects, their credits, redeeming a
code, and ordering credit."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.ovh.standin.state import Credit, Order, Project
from bot.ovh.standin.wire import error, iso, price

if TYPE_CHECKING:
    from bot.ovh.standin.service import OvhStandIn


def route(
    standin: OvhStandIn, method: str, parts: list[str], query: dict[str, str], body: Any
) -> tuple[int, Any] | None:
    """The answer of a Public Cloud route; None for a path of another family."""
    match parts:
        case ["auth", "time"]:
            return 200, int(time.time())
        case ["cloud", "project", service]:
            project = standin.projects.get(service)
            if project is None:
                return 404, error("This service does not exist")
            return 200, _project(standin, project)
        case ["cloud", "project", service, "credit"] if method == "GET":
            project = standin.projects.get(service)
            if project is None:
                return 404, error("This service does not exist")
            return 200, sorted(project.credits)
        case ["cloud", "project", service, "credit"] if method == "POST":
            return _redeem(standin, service, str((body or {}).get("code") or ""))
        case ["cloud", "project", service, "credit", credit_id]:
            project = standin.projects.get(service)
            credit = project.credits.get(int(credit_id)) if project else None
            if project is None or credit is None:
                return 404, error("The requested object (id) does not exist")
            return 200, _credit(credit, project.currency)
        case ["order", "cloud", "project", service, "credit"]:
            return _order(standin, method, service, query, body)
    return None


def _credit(credit: Credit, currency: str) -> dict[str, Any]:
    return {
        "id": credit.id,
        "description": credit.description,
        "voucher": credit.voucher,
        "bill": credit.bill,
        "products": None,
        "validity": {"from": iso(credit.valid_from), "to": iso(credit.valid_to)},
        "total_credit": price(credit.total, currency),
        "used_credit": price(credit.used, currency),
        "available_credit": price(credit.total - credit.used, currency),
    }


def _prices(standin: OvhStandIn, amount: Decimal, currency: str) -> dict[str, Any]:
    tax = (amount * standin.vat).quantize(Decimal("0.01"))
    return {
        "withoutTax": price(amount, currency),
        "tax": price(tax, currency),
        "withTax": price(amount + tax, currency),
        "originalWithoutTax": price(amount, currency),
        "reduction": None,
    }


def _order(
    standin: OvhStandIn, method: str, service: str, query: dict[str, str], body: Any
) -> tuple[int, Any]:
    project = standin.projects.get(service)
    if project is None:
        return 404, error("This service does not exist")
    raw = (body or {}).get("amount") if method == "POST" else query.get("amount")
    try:
        amount = Decimal(str(raw))
    except ArithmeticError:
        amount = Decimal(0)
    if amount < 1 or amount != amount.to_integral_value():
        return 400, error("Invalid parameter amount", "BAD_PARAMETER")
    prices = _prices(standin, amount, project.currency)
    if method == "GET":
        return 200, {
            "orderId": None,
            "url": None,
            "prices": prices,
            "details": [],
            "contracts": [],
        }
    order = Order(standin.next_order_id(), service, amount, project.currency, standin.now())
    standin.orders[order.id] = order
    link = f"https://www.ovh.com/cgi-bin/order/displayOrder.cgi?orderId={order.id}"
    return 200, {
        "orderId": order.id,
        "url": link,
        "prices": prices,
        "details": [],
        "contracts": [],
    }


def _project(standin: OvhStandIn, project: Project) -> dict[str, Any]:
    return {
        "project_id": project.service,
        "projectName": project.service,
        "description": project.service,
        "status": "ok",
        "access": "full",
        "creationDate": iso(standin.now() - timedelta(days=400)),
        "expiration": None,
        "manualQuota": False,
        "orderId": None,
        "planCode": "project.2018",
        "unleash": False,
    }


def _redeem(standin: OvhStandIn, service: str, code: str) -> tuple[int, Any]:
    project = standin.projects.get(service)
    if project is None:
        return 404, error("This service does not exist")
    if code in standin.used_codes:
        return 400, error("This voucher has already been used", "BAD_PARAMETER")
    if code not in standin.codes:
        return 400, error("This voucher code is invalid", "BAD_PARAMETER")
    amount, valid_to = standin.codes[code]
    standin.used_codes.add(code)
    standin.add_credit(service, amount, voucher=code, valid_to=valid_to)
    return 204, None  # void: the new credit is found in the credit list
