"""A local stand-in for the OVHcloud API (the paths the bot uses), on loopback.

python-ovh talks to it through `OVH_ENDPOINT=http://127.0.0.1:PORT/1.0`. It checks each
request's signature as OVHcloud does (`$1$` + SHA-1 of secret+consumerKey+METHOD+URL+
body+timestamp) and refuses like it: a wrong signature gets 400 INVALID_SIGNATURE, an
unknown application key 403 INVALID_KEY, an unknown or expired consumer key 403
INVALID_CREDENTIAL. Every answer conforms to the route's response type in OVHcloud's
published schema (../shared/ovh/api-v1-extract.json; tests/ovh/test_standin_conformance.py
holds it to that): a `void` route (redeeming a code, paying an order) answers no body at
all. Paying follows me.json: `payWithRegisteredPaymentMean` refuses a card, bank account
or PayPal without its `paymentMeanId`; `/me/payment/method` lists the account's payment
methods and `/me/order/{id}/pay` pays with one. Tests (and the console) move its state by
hand: deliver or cancel an order, consume or refund credit, queue failures, including a
gateway's HTML page and an answer lost after the request took effect.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import SecretStr

DEMO_SERVICE = "0123456789abcdef0123456789abcdef"
APP_KEY = "standin-application-key"
APP_SECRET = "standin-application-secret"  # noqa: S105 - the stand-in's own key
CONSUMER_KEY = "standin-consumer-key"


@dataclass
class Credit:
    id: int
    total: Decimal
    used: Decimal = Decimal(0)
    description: str | None = None
    voucher: str | None = None
    bill: str | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None


@dataclass
class Project:
    service: str
    currency: str = "EUR"
    credits: dict[int, Credit] = field(default_factory=dict)


@dataclass
class Order:
    id: int
    service: str
    amount: Decimal
    currency: str
    date: datetime
    status: str = "notPaid"
    bill: str | None = None
    paid_with: str | None = None


# me.payment.PaymentMethod's `paymentType`, and the legacy payment mean it is registered as.
LEGACY_MEANS = {"CREDIT_CARD": "creditCard", "BANK_ACCOUNT": "bankAccount", "PAYPAL": "paypal"}
# payWithRegisteredPaymentMean needs `paymentMeanId` for these (me.json).
MEANS_NEEDING_ID = frozenset(LEGACY_MEANS.values())


@dataclass
class PaymentMethod:
    id: int
    payment_type: str
    mean_id: int
    default: bool = False
    status: str = "VALID"
    label: str | None = None


@dataclass(frozen=True)
class Failure:
    """An injected failure. `html` answers a gateway's HTML page instead of OVHcloud's JSON;
    `after` lets the request take effect first, so only its answer is lost (with `status`
    0 and a `delay` past the client's timeout, the client times out on a done request)."""

    status: int
    error_code: str | None = None
    message: str = "injected failure"
    delay: float = 0.0
    html: bool = False
    after: bool = False
    method: str | None = None  # only requests with this method (GET, POST); None: any


@dataclass(frozen=True)
class Exchange:
    """One request and the answer the stand-in gave, for the conformance test."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    content_type: str | None
    payload: bytes


def _number(value: Decimal) -> int | float:
    """JSON has no decimals: OVHcloud sends a number. A decimal of a few digits is written
    exactly by float's shortest repr, which is what its text becomes on the wire."""
    return int(value) if value == value.to_integral_value() else float(str(value))


def _price(value: Decimal, currency: str) -> dict[str, Any]:
    return {"currencyCode": currency, "text": f"{value:.2f} {currency}", "value": _number(value)}


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


# Routes an endpoint may lack, as `lacking=` names them: the US API has no Public Cloud
# credit routes ("credit"); kimsufi and soyoustart have no credit order route ("credit-order").
LACKABLE = {
    "credit": r"/cloud/project/[^/]+/credit(/.*)?",
    "credit-order": r"/order/cloud/project/[^/]+/credit",
}


class OvhStandIn:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        vat: Decimal = Decimal("0.2"),
        lacking: tuple[str, ...] = (),
    ):
        self.lacking = [LACKABLE[name] for name in lacking]
        self.applications = {APP_KEY: APP_SECRET}
        self.consumers = {CONSUMER_KEY}
        self.projects: dict[str, Project] = {}
        self.orders: dict[int, Order] = {}
        self.bills: dict[str, int] = {}
        self.codes: dict[str, tuple[Decimal, datetime]] = {}
        self.used_codes: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        self.exchanges: list[Exchange] = []
        self.payment_methods: dict[int, PaymentMethod] = {}
        self.vat = vat
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._ids = itertools.count(1001)
        self._orders = itertools.count(9000001)
        self._methods = itertools.count(501)
        self._lock = threading.RLock()
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="ovh-stand-in", daemon=True
        )
        self.add_payment_method("CREDIT_CARD", default=True, label="4970 **** **** 4242")

    # Running it.

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/1.0"

    def start(self) -> OvhStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # Moving its state, as OVHcloud would.

    def add_project(self, service: str, currency: str = "EUR") -> Project:
        with self._lock:
            self.projects[service] = Project(service, currency)
            return self.projects[service]

    def add_credit(
        self,
        service: str,
        total: str | Decimal,
        *,
        used: str | Decimal = "0",
        voucher: str | None = None,
        bill: str | None = None,
        valid_to: datetime | None = None,
        description: str | None = None,
    ) -> Credit:
        with self._lock:
            credit = Credit(
                next(self._ids),
                Decimal(total),
                Decimal(used),
                description,
                voucher,
                bill,
                self.now(),
                valid_to,
            )
            self.projects[service].credits[credit.id] = credit
            return credit

    def consume(self, service: str, credit_id: int, amount: str | Decimal) -> None:
        with self._lock:
            credit = self.projects[service].credits[credit_id]
            credit.used = min(credit.total, credit.used + Decimal(amount))

    def refund(self, service: str, credit_id: int, amount: str | Decimal) -> None:
        with self._lock:
            credit = self.projects[service].credits[credit_id]
            credit.used = max(Decimal(0), credit.used - Decimal(amount))

    def remove_credit(self, service: str, credit_id: int) -> None:
        with self._lock:
            del self.projects[service].credits[credit_id]

    def add_payment_method(
        self, payment_type: str, *, default: bool = False, label: str | None = None
    ) -> PaymentMethod:
        """A payment method registered on the account; a new default replaces the old one."""
        with self._lock:
            method_id = next(self._methods)
            if default:
                for other in self.payment_methods.values():
                    other.default = False
            method = PaymentMethod(method_id, payment_type, method_id * 10, default, label=label)
            self.payment_methods[method_id] = method
            return method

    def add_code(self, code: str, amount: str | Decimal, valid_to: datetime) -> None:
        self.codes[code] = (Decimal(amount), valid_to)

    def pay(self, order_id: int) -> None:
        with self._lock:
            self.orders[order_id].status = "checking"

    def deliver(self, order_id: int, valid_to: datetime | None = None) -> Credit:
        """Paid and delivered: the credit appears in the project, its bill names the order."""
        with self._lock:
            order = self.orders[order_id]
            order.status = "delivered"
            order.bill = f"FR{order_id}"
            self.bills[order.bill] = order_id
            until = valid_to or self.now() + timedelta(days=395)
            return self.add_credit(
                order.service,
                order.amount,
                bill=order.bill,
                valid_to=until,
                description="Public Cloud credit",
            )

    def cancel(self, order_id: int) -> None:
        with self._lock:
            self.orders[order_id].status = "cancelled"

    def settings(self) -> dict[str, Any]:
        """The OVH_* settings that point python-ovh at this stand-in."""
        return {
            "ovh_endpoint": self.url,
            "ovh_application_key": APP_KEY,
            "ovh_application_secret": SecretStr(APP_SECRET),
            "ovh_consumer_key": SecretStr(CONSUMER_KEY),
        }

    def advance_month(self, share: Decimal = Decimal("0.1")) -> None:
        """For the console: every open order delivered, and a month's use of each credit."""
        with self._lock:
            for order in list(self.orders.values()):
                if order.status in ("notPaid", "checking", "delivering"):
                    self.deliver(order.id)
            for project in self.projects.values():
                for credit in project.credits.values():
                    use = (credit.total * share).quantize(Decimal("0.01"))
                    credit.used = min(credit.total, credit.used + use)

    def fail(self, path_pattern: str, *failures: Failure) -> None:
        """Queue failures for the next requests whose path matches (a regex)."""
        with self._lock:
            self._failures[path_pattern].extend(failures)

    def count(self, method: str, pattern: str) -> int:
        return sum(1 for m, p in self.requests if m == method and re.fullmatch(pattern, p))

    # Answers.

    def _credit(self, credit: Credit, currency: str) -> dict[str, Any]:
        return {
            "id": credit.id,
            "description": credit.description,
            "voucher": credit.voucher,
            "bill": credit.bill,
            "products": None,
            "validity": {"from": _iso(credit.valid_from), "to": _iso(credit.valid_to)},
            "total_credit": _price(credit.total, currency),
            "used_credit": _price(credit.used, currency),
            "available_credit": _price(credit.total - credit.used, currency),
        }

    def _prices(self, amount: Decimal, currency: str) -> dict[str, Any]:
        tax = (amount * self.vat).quantize(Decimal("0.01"))
        return {
            "withoutTax": _price(amount, currency),
            "tax": _price(tax, currency),
            "withTax": _price(amount + tax, currency),
            "originalWithoutTax": _price(amount, currency),
            "reduction": None,
        }

    def _billing_order(self, order: Order) -> dict[str, Any]:
        tax = (order.amount * self.vat).quantize(Decimal("0.01"))
        link = f"https://www.ovh.com/cgi-bin/order/displayOrder.cgi?orderId={order.id}"
        return {
            "orderId": order.id,
            "date": _iso(order.date),
            "expirationDate": _iso(order.date + timedelta(days=15)),
            "password": "standin",
            "pdfUrl": link + "&format=pdf",
            "url": link,
            "priceWithoutTax": _price(order.amount, order.currency),
            "tax": _price(tax, order.currency),
            "priceWithTax": _price(order.amount + tax, order.currency),
            "retractionDate": None,
        }

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if any(re.fullmatch(pattern, path) for pattern in self.lacking):
            return 404, _error(f"Got an invalid (or empty) URL: {path}")
        parts = path.strip("/").split("/")
        match parts:
            case ["auth", "time"]:
                return 200, int(time.time())
            case ["cloud", "project", service]:
                project = self.projects.get(service)
                if project is None:
                    return 404, _error("This service does not exist")
                return 200, self._project(project)
            case ["cloud", "project", service, "credit"] if method == "GET":
                project = self.projects.get(service)
                if project is None:
                    return 404, _error("This service does not exist")
                return 200, sorted(project.credits)
            case ["cloud", "project", service, "credit"] if method == "POST":
                return self._redeem(service, str((body or {}).get("code") or ""))
            case ["cloud", "project", service, "credit", credit_id]:
                project = self.projects.get(service)
                credit = project.credits.get(int(credit_id)) if project else None
                if project is None or credit is None:
                    return 404, _error("The requested object (id) does not exist")
                return 200, self._credit(credit, project.currency)
            case ["order", "cloud", "project", service, "credit"]:
                return self._order(method, service, query, body)
            case ["me", "order"]:
                since = datetime.fromisoformat(query["date.from"]) if "date.from" in query else None
                return 200, [o.id for o in self.orders.values() if since is None or o.date >= since]
            case ["me", "order", order_id, *rest]:
                order = self.orders.get(int(order_id))
                if order is None:
                    return 404, _error("The requested object (orderId) does not exist")
                return self._me_order(method, order, rest, body)
            case ["me", "bill"]:
                wanted = query.get("orderId")
                return 200, sorted(b for b, o in self.bills.items() if wanted in (None, str(o)))
            case ["me", "bill", bill_id]:
                if bill_id not in self.bills:
                    return 404, _error("The requested object (billId) does not exist")
                return 200, self._bill(bill_id, self.orders[self.bills[bill_id]])
            case ["me", "payment", "method"]:
                return 200, self._payment_methods(query)
            case ["me", "payment", "method", method_id]:
                registered = self.payment_methods.get(int(method_id))
                if registered is None:
                    return 404, _error("The requested object (paymentMethodId) does not exist")
                return 200, self._payment_method(registered)
        return 404, _error(f"Got an invalid (or empty) URL: {path}")

    def _order(
        self, method: str, service: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        project = self.projects.get(service)
        if project is None:
            return 404, _error("This service does not exist")
        raw = (body or {}).get("amount") if method == "POST" else query.get("amount")
        try:
            amount = Decimal(str(raw))
        except ArithmeticError:
            amount = Decimal(0)
        if amount < 1 or amount != amount.to_integral_value():
            return 400, _error("Invalid parameter amount", "BAD_PARAMETER")
        prices = self._prices(amount, project.currency)
        if method == "GET":
            return 200, {
                "orderId": None,
                "url": None,
                "prices": prices,
                "details": [],
                "contracts": [],
            }
        order = Order(next(self._orders), service, amount, project.currency, self.now())
        self.orders[order.id] = order
        link = f"https://www.ovh.com/cgi-bin/order/displayOrder.cgi?orderId={order.id}"
        return 200, {
            "orderId": order.id,
            "url": link,
            "prices": prices,
            "details": [],
            "contracts": [],
        }

    def _me_order(self, method: str, order: Order, rest: list[str], body: Any) -> tuple[int, Any]:
        match rest:
            case []:
                return 200, self._billing_order(order)
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
                    "totalPrice": _price(order.amount, order.currency),
                    "unitPrice": _price(order.amount, order.currency),
                }
            case ["availableRegisteredPaymentMean"]:
                means = {
                    LEGACY_MEANS[m.payment_type]
                    for m in self._valid_methods()
                    if m.payment_type in LEGACY_MEANS
                }
                return 200, [{"paymentMean": mean} for mean in sorted(means)]
            case ["payWithRegisteredPaymentMean"] if method == "POST":
                return self._pay_with_mean(order, body or {})
            case ["pay"] if method == "POST":
                return self._pay_with_method(order, body or {})
        return 404, _error("Got an invalid (or empty) URL")

    def _valid_methods(self) -> list[PaymentMethod]:
        return [m for m in self.payment_methods.values() if m.status == "VALID"]

    def _pay_with_mean(self, order: Order, body: dict[str, Any]) -> tuple[int, Any]:
        mean, mean_id = body.get("paymentMean"), body.get("paymentMeanId")
        if mean in MEANS_NEEDING_ID and mean_id is None:
            return 400, _error(f"paymentMeanId is mandatory for {mean}", "BAD_PARAMETER")
        registered = [
            m
            for m in self._valid_methods()
            if LEGACY_MEANS.get(m.payment_type) == mean and m.mean_id == mean_id
        ]
        if not registered:
            return 404, _error("This payment mean does not exist")
        return self._settle(order, f"{mean}:{mean_id}")

    def _pay_with_method(self, order: Order, body: dict[str, Any]) -> tuple[int, Any]:
        chosen = (body.get("paymentMethod") or {}).get("id")
        method = self.payment_methods.get(int(chosen)) if chosen is not None else None
        if method is None or method.status != "VALID":
            return 400, _error("Invalid parameter paymentMethod", "BAD_PARAMETER")
        return self._settle(order, f"paymentMethod:{method.id}")

    def _settle(self, order: Order, paid_with: str) -> tuple[int, Any]:
        if order.status != "notPaid":
            return 400, _error("This order is not waiting for a payment", "BAD_PARAMETER")
        self.pay(order.id)
        order.paid_with = paid_with
        return 204, None

    def _payment_methods(self, query: dict[str, str]) -> list[int]:
        wanted: dict[str, Callable[[PaymentMethod, str], bool]] = {
            "default": lambda m, v: str(m.default).lower() == v,
            "paymentType": lambda m, v: m.payment_type == v,
            "status": lambda m, v: m.status == v,
        }
        return [
            m.id
            for m in self.payment_methods.values()
            if all(test(m, query[name]) for name, test in wanted.items() if name in query)
        ]

    def _payment_method(self, method: PaymentMethod) -> dict[str, Any]:
        created = _iso(self.now() - timedelta(days=400))
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

    def _project(self, project: Project) -> dict[str, Any]:
        return {
            "project_id": project.service,
            "projectName": project.service,
            "description": project.service,
            "status": "ok",
            "access": "full",
            "creationDate": _iso(self.now() - timedelta(days=400)),
            "expiration": None,
            "manualQuota": False,
            "orderId": None,
            "planCode": "project.2018",
            "unleash": False,
        }

    def _bill(self, bill_id: str, order: Order) -> dict[str, Any]:
        billed = self._billing_order(order)
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

    def _redeem(self, service: str, code: str) -> tuple[int, Any]:
        project = self.projects.get(service)
        if project is None:
            return 404, _error("This service does not exist")
        if code in self.used_codes:
            return 400, _error("This voucher has already been used", "BAD_PARAMETER")
        if code not in self.codes:
            return 400, _error("This voucher code is invalid", "BAD_PARAMETER")
        amount, valid_to = self.codes[code]
        self.used_codes.add(code)
        self.add_credit(service, amount, voucher=code, valid_to=valid_to)
        return 204, None  # void: the new credit is found in the credit list

    def _refusal(self, headers: Any, method: str, url: str, body: str) -> tuple[int, Any] | None:
        application = headers.get("X-Ovh-Application", "")
        if application not in self.applications:
            return 403, _error("This application key is invalid", "INVALID_KEY")
        consumer = headers.get("X-Ovh-Consumer", "")
        timestamp = headers.get("X-Ovh-Timestamp", "")
        signature = headers.get("X-Ovh-Signature", "")
        expected = (
            "$1$"
            + hashlib.sha1(  # noqa: S324 - OVHcloud's signature is SHA-1
                "+".join(
                    [self.applications[application], consumer, method, url, body, timestamp]
                ).encode()
            ).hexdigest()
        )
        if consumer not in self.consumers:
            return 403, _error("This credential does not exist", "INVALID_CREDENTIAL")
        if signature != expected:
            return 400, _error("Invalid signature", "INVALID_SIGNATURE")
        return None

    def _injected(self, method: str, path: str) -> Failure | None:
        with self._lock:
            for pattern, queue in self._failures.items():
                if queue and re.fullmatch(pattern, path) and queue[0].method in (None, method):
                    return queue.popleft()
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                split = urlsplit(self.path)
                path = split.path.removeprefix("/1.0")
                query = dict(parse_qsl(split.query))
                method = self.command
                with standin._lock:
                    standin.requests.append((method, path))
                failure = standin._injected(method, path)
                if failure is not None and not failure.after and self._fail(failure):
                    return
                if path != "/auth/time":
                    base = standin.url.removesuffix("/1.0")
                    refused = standin._refusal(self.headers, method, base + self.path, raw)
                    if refused is not None:
                        self._send(*refused)
                        return
                try:
                    body = json.loads(raw, parse_float=Decimal) if raw else None
                except ValueError:
                    self._send(400, _error("Invalid JSON body", "BAD_PARAMETER"))
                    return
                with standin._lock:
                    status, answer = standin._route(method, path, query, body)
                if failure is not None and failure.after and self._fail(failure):
                    return
                self._send(status, answer, query=query, body=body)

            def _fail(self, failure: Failure) -> bool:
                """Wait, then answer the failure; False when only a delay was asked for."""
                if failure.delay:
                    time.sleep(failure.delay)
                if not failure.status:
                    return False
                if failure.html:
                    self._write(failure.status, "text/html", _gateway_page(failure.status))
                else:
                    self._send(failure.status, _error(failure.message, failure.error_code))
                return True

            def _send(
                self,
                status: int,
                answer: Any,
                *,
                query: dict[str, str] | None = None,
                body: Any = None,
            ) -> None:
                void = status == 204  # OVHcloud's `void`: no body at all
                payload = b"" if void else json.dumps(answer).encode()
                content_type = None if void else "application/json; charset=utf-8"
                split = urlsplit(self.path)
                with standin._lock:
                    standin.exchanges.append(
                        Exchange(
                            self.command,
                            split.path.removeprefix("/1.0"),
                            query or {},
                            body,
                            status,
                            content_type,
                            payload,
                        )
                    )
                self._write(status, content_type, payload)

            def _write(self, status: int, content_type: str | None, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    if content_type is not None:
                        self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up waiting: its answer is lost, as asked

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        return Handler


def _gateway_page(status: int) -> bytes:
    """What a gateway in front of the API answers when the API behind it does not."""
    title = {502: "502 Bad Gateway", 503: "503 Service Unavailable", 504: "504 Gateway Time-out"}
    name = title.get(status, f"{status} Error")
    return f"<html><head><title>{name}</title></head><body><h1>{name}</h1></body></html>".encode()


def _error(message: str, code: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"message": message}
    if code:
        answer["errorCode"] = code
    return answer


def demo_ovh() -> OvhStandIn:
    """A stand-in with one Public Cloud project holding a 100 € credit, for the console."""
    standin = OvhStandIn()
    standin.add_project(DEMO_SERVICE)
    standin.add_credit(DEMO_SERVICE, "100", description="Welcome credit")
    standin.add_code("OVH-DEMO-VOUCHER", "50", standin.now() + timedelta(days=90))
    return standin
