"""OVHcloud's answers read into the port's values (shapes from the published schemas, see
the README's "Where the facts come from"). One the ledger cannot read becomes a refusal of
that one call, never an error that stops other work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, TypeVar

from ledger.clock import as_utc
from ledger.errors import N_, LedgerError, ProviderRefused
from ledger.money import Money, minor_units, normalise_currency
from ledger.provider import PastOrder, ProviderCredit, ProviderOrder

T = TypeVar("T")


def read(convert: Callable[[Any], T], data: Any, what: str) -> T:
    """An answer turned into the port's values; one the ledger cannot read is a refusal of
    that one call, so the sync of every other project goes on."""
    try:
        return convert(data)
    except (
        AttributeError,
        LookupError,
        TypeError,
        ValueError,
        ArithmeticError,
        LedgerError,
    ) as odd:
        reason = odd.message if isinstance(odd, LedgerError) else type(odd).__name__
        raise ProviderRefused(
            N_("OVHcloud's answer about `{what}` cannot be read: {reason}"),
            what=what,
            reason=reason,
        ) from odd


def ids_of(data: Any) -> list[int]:
    """A `long[]` answer: the ids of credits, orders, order details, payment methods."""
    if not isinstance(data, list):
        raise TypeError(type(data).__name__)
    return [int(item) for item in data]


def domain_of(detail: dict[str, Any]) -> str:
    """A `billing.OrderDetail`'s domain: the serviceName the order was for."""
    return str(detail.get("domain") or "")


def order_id_of(bill: dict[str, Any]) -> int | None:
    """The order a `billing.Bill` settles."""
    order_id = bill.get("orderId")
    return int(order_id) if order_id is not None else None


def link_of(order: dict[str, Any]) -> str | None:
    """Where finance sees a `billing.Order`: its PDF, else its page."""
    link = order.get("pdfUrl") or order.get("url")
    return str(link) if link else None


def price_of(price: dict[str, Any]) -> Money:
    """An `order.Price` as Money. Its value (a double, parsed as a Decimal) is rounded
    half-even to the currency's minor unit: OVHcloud sends figures like 12.345."""
    value = price["value"]
    decimal = value if isinstance(value, Decimal) else Decimal(str(value))
    currency = normalise_currency(str(price["currencyCode"]))
    unit = Decimal(1).scaleb(-minor_units(currency))
    return Money.from_decimal(decimal.quantize(unit, rounding=ROUND_HALF_EVEN), currency)


def past_order_of(order: dict[str, Any], services: tuple[str, ...] = ()) -> PastOrder:
    """A `billing.Order`, with its prices (excl. tax, tax, incl. tax)."""
    return PastOrder(
        int(order["orderId"]),
        instant(order.get("date")),
        price_of(order["priceWithoutTax"]),
        services,
        price_of(order["tax"]),
        price_of(order["priceWithTax"]),
    )


def instant(text: Any) -> datetime | None:
    if not text:
        return None
    parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return as_utc(parsed) if parsed.tzinfo else None


def credit_of(data: dict[str, Any]) -> ProviderCredit:
    validity = data.get("validity") or {}
    return ProviderCredit(
        id=int(data["id"]),
        description=data.get("description"),
        voucher=data.get("voucher"),
        bill=data.get("bill"),
        total=price_of(data["total_credit"]),
        used=price_of(data["used_credit"]),
        available=price_of(data["available_credit"]),
        valid_from=instant(validity.get("from")),
        valid_to=instant(validity.get("to")),
    )


def order_of(data: dict[str, Any]) -> ProviderOrder:
    prices = data["prices"]
    order_id = data.get("orderId")
    return ProviderOrder(
        order_id=int(order_id) if order_id is not None else None,
        url=data.get("url"),
        excl_tax=price_of(prices["withoutTax"]),
        tax=price_of(prices["tax"]),
        incl_tax=price_of(prices["withTax"]),
    )
