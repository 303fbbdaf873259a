"""What the OVHcloud stand-in holds: projects and their credits, orders, payment methods,
the keys it accepts, and the failures a test queues."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

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


# Routes an endpoint may lack, as `lacking=` names them: the US API has no Public Cloud
# credit routes ("credit"); kimsufi and soyoustart have no credit order route ("credit-order").
LACKABLE = {
    "credit": r"/cloud/project/[^/]+/credit(/.*)?",
    "credit-order": r"/order/cloud/project/[^/]+/credit",
}
