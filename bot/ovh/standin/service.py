"""The OVHcloud stand-in itself: its state, moved by hand as OVHcloud would move it
(deliver or cancel an order, consume or refund credit, queue failures), served on
loopback by the handler, answered by the routes of each API family."""

from __future__ import annotations

import itertools
import re
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import ThreadingHTTPServer
from typing import Any

from pydantic import SecretStr

from bot.ovh.standin import cloud, me
from bot.ovh.standin.handler import handler
from bot.ovh.standin.state import (
    APP_KEY,
    APP_SECRET,
    CONSUMER_KEY,
    DEMO_SERVICE,
    LACKABLE,
    Credit,
    Exchange,
    Failure,
    Order,
    PaymentMethod,
    Project,
)
from bot.ovh.standin.wire import error


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
        self._server = ThreadingHTTPServer((host, port), handler(self))
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

    def next_order_id(self) -> int:
        return next(self._orders)

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if any(re.fullmatch(pattern, path) for pattern in self.lacking):
            return 404, error(f"Got an invalid (or empty) URL: {path}")
        parts = path.strip("/").split("/")
        for family in (cloud.route, me.route):
            answer = family(self, method, parts, query, body)
            if answer is not None:
                return answer
        return 404, error(f"Got an invalid (or empty) URL: {path}")

    def _injected(self, method: str, path: str) -> Failure | None:
        with self._lock:
            for pattern, queue in self._failures.items():
                if queue and re.fullmatch(pattern, path) and queue[0].method in (None, method):
                    return queue.popleft()
        return None


def demo_ovh() -> OvhStandIn:
    """A stand-in with one Public Cloud project holding a 100 € credit, for the console."""
    standin = OvhStandIn()
    standin.add_project(DEMO_SERVICE)
    standin.add_credit(DEMO_SERVICE, "100", description="Welcome credit")
    standin.add_code("OVH-DEMO-VOUCHER", "50", standin.now() + timedelta(days=90))
    return standin
