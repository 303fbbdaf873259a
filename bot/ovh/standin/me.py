"""The stand-in's account routes (`/me`): orders, their details and payment, bills, and
the payment methods registered on the account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.ovh.standin.state import LEGACY_MEANS, MEANS_NEEDING_ID, Order, PaymentMethod
from bot.ovh.standin.wire import error, iso, price

if TYPE_CHECKING:
    from bot.ovh.standin.service import OvhStandIn


def route(
    standin: OvhStandIn, method: str, parts: list[str], query: dict[str, str], body: Any
) -> tuple[int, Any] | None:
    """The answer of an account route; None for a path of another family."""
    match parts:
        case ["me", "order"]:
            since = datetime.fromisoformat(query["date.from"]) if "date.from" in query else None
            return 200, [o.id for o in standin.orders.values() if since is None or o.date >= since]
        case ["me", "order", order_id, *rest]:
            order = standin.orders.get(int(order_id))
            if order is None:
                return 404, error("The requested object (orderId) does not exist")
            return _me_order(standin, method, order, rest, body)
        case ["me", "bill"]:
            wanted = query.get("orderId")
            return 200, sorted(b for b, o in standin.bills.items() if wanted in (None, str(o)))
        case ["me", "bill", bill_id]:
            if bill_id not in standin.bills:
                return 404, error("The requested object (billId) does not exist")
            return 200, _bill(standin, bill_id, standin.orders[standin.bills[bill_id]])
        case ["me", "payment", "method"]:
            return 200, _payment_methods(standin, query)
        case ["me", "payment", "method", method_id]:
            registered = standin.payment_methods.get(int(method_id))
            if registered is None:
                return 404, error("The requested object (paymentMethodId) does not exist")
            return 200, _payment_method(standin, registered)
    return None


def _billing_order(standin: OvhStandIn, order: Order) -> dict[str, Any]:
    tax = (order.amount * standin.vat).quantize(Decimal("0.01"))
    link = f"https://www.ovh.com/cgi-bin/order/displayOrder.cgi?orderId={order.id}"
    return {
        "orderId": order.id,
        "date": iso(order.date),
        "expirationDate": iso(order.date + timedelta(days=15)),
        "password": "standin",
        "pdfUrl": link + "&format=pdf",
        "url": link,
        "priceWithoutTax": price(order.amount, order.currency),
        "tax": price(tax, order.currency),
        "priceWithTax": price(order.amount + tax, order.currency),
        "retractionDate": None,
    }


def _me_order(
    standin: OvhStandIn, method: str, order: Order, rest: list[str], body: Any
) -> tuple[int, Any]:
    match rest:
        case []:
            return 200, _billing_order(standin, order)
        case ["status"]:
            return 200, order.status
        case ["details"]:
            return 200, [order.id * 10]
        case ["details", _]:
            return 200, {
                "orderDetailId": order.id * 10,
                "cancelled": False,
                "description": "Public Cloud credit",
                "detailType": None,
                "domain": order.service,
                "quantity": "1",
                "totalPrice": price(order.amount, order.currency),
                "unitPrice": price(order.amount, order.currency),
            }
        case ["availableRegisteredPaymentMean"]:
            means = {
                LEGACY_MEANS[m.payment_type]
                for m in _valid_methods(standin)
                if m.payment_type in LEGACY_MEANS
            }
            return 200, [{"paymentMean": mean} for mean in sorted(means)]
        case ["payWithRegisteredPaymentMean"] if method == "POST":
            return _pay_with_mean(standin, order, body or {})
        case ["pay"] if method == "POST":
            return _pay_with_method(standin, order, body or {})
    return 404, error("Got an invalid (or empty) URL")


def _valid_methods(standin: OvhStandIn) -> list[PaymentMethod]:
    return [m for m in standin.payment_methods.values() if m.status == "VALID"]


def _pay_with_mean(standin: OvhStandIn, order: Order, body: dict[str, Any]) -> tuple[int, Any]:
    mean, mean_id = body.get("paymentMean"), body.get("paymentMeanId")
    if mean in MEANS_NEEDING_ID and mean_id is None:
        return 400, error(f"paymentMeanId is mandatory for {mean}", "BAD_PARAMETER")
    registered = [
        m
        for m in _valid_methods(standin)
        if LEGACY_MEANS.get(m.payment_type) == mean and m.mean_id == mean_id
    ]
    if not registered:
        return 404, error("This payment mean does not exist")
    return _settle(standin, order, f"{mean}:{mean_id}")


def _pay_with_method(standin: OvhStandIn, order: Order, body: dict[str, Any]) -> tuple[int, Any]:
    chosen = (body.get("paymentMethod") or {}).get("id")
    method = standin.payment_methods.get(int(chosen)) if chosen is not None else None
    if method is None or method.status != "VALID":
        return 400, error("Invalid parameter paymentMethod", "BAD_PARAMETER")
    return _settle(standin, order, f"paymentMethod:{method.id}")


def _settle(standin: OvhStandIn, order: Order, paid_with: str) -> tuple[int, Any]:
    if order.status != "notPaid":
        return 400, error("This order is not waiting for a payment", "BAD_PARAMETER")
    standin.pay(order.id)
    order.paid_with = paid_with
    return 204, None


def _payment_methods(standin: OvhStandIn, query: dict[str, str]) -> list[int]:
    wanted: dict[str, Callable[[PaymentMethod, str], bool]] = {
        "default": lambda m, v: str(m.default).lower() == v,
        "paymentType": lambda m, v: m.payment_type == v,
        "status": lambda m, v: m.status == v,
    }
    return [
        m.id
        for m in standin.payment_methods.values()
        if all(test(m, query[name]) for name, test in wanted.items() if name in query)
    ]


def _payment_method(standin: OvhStandIn, method: PaymentMethod) -> dict[str, Any]:
    created = iso(standin.now() - timedelta(days=400))
    return {
        "paymentMethodId": method.id,
        "paymentMeanId": method.mean_id,
        "paymentType": method.payment_type,
        "paymentSubType": "VISA" if method.payment_type == "CREDIT_CARD" else None,
        "status": method.status,
        "default": method.default,
        "label": method.label,
        "description": None,
        "billingContactId": None,
        "creationDate": created,
        "lastUpdate": created,
        "expirationDate": None,
        "formSessionId": None,
        "merchantId": None,
        "oneclick": None,
        "integration": None,
        "icon": {"name": method.payment_type.lower(), "data": None, "url": None},
    }


def _bill(standin: OvhStandIn, bill_id: str, order: Order) -> dict[str, Any]:
    billed = _billing_order(standin, order)
    return {
        "billId": bill_id,
        "orderId": order.id,
        "category": "purchase-cloud",
        "date": billed["date"],
        "password": billed["password"],
        "pdfUrl": billed["pdfUrl"],
        "url": billed["url"],
        "priceWithoutTax": billed["priceWithoutTax"],
        "tax": billed["tax"],
        "priceWithTax": billed["priceWithTax"],
    }
