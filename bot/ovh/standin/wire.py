"""How the stand-in writes OVHcloud's answers: prices, dates, errors, a gateway's page."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any


def number(value: Decimal) -> int | float:
    """JSON has no decimals: OVHcloud sends a number. A decimal of a few digits is written
    exactly by float's shortest repr, which is what its text becomes on the wire."""
    return int(value) if value == value.to_integral_value() else float(str(value))


def price(value: Decimal, currency: str) -> dict[str, Any]:
    return {"currencyCode": currency, "text": f"{value:.2f} {currency}", "value": number(value)}


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def gateway_page(status: int) -> bytes:
    """What a gateway in front of the API answers when the API behind it does not."""
    title = {502: "502 Bad Gateway", 503: "503 Service Unavailable", 504: "504 Gateway Time-out"}
    name = title.get(status, f"{status} Error")
    return f"<html><head><title>{name}</title></head><body><h1>{name}</h1></body></html>".encode()


def error(message: str, code: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"message": message}
    if code:
        answer["errorCode"] = code
    return answer
