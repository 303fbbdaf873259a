"""The port to the cloud provider that holds the money (OVHcloud): what the ledger needs
from it, in the ledger's words. Adapters implement it beside the Slack one (bot/ovh/);
the ledger never sees HTTP. Every method raises a `ProviderError` subclass on failure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ledger.money import Money


@dataclass(frozen=True, slots=True)
class ProviderCredit:
    """One credit of a provider project: what was granted, used and is left."""

    id: int
    description: str | None
    voucher: str | None
    bill: str | None
    total: Money
    used: Money
    available: Money
    valid_from: datetime | None
    valid_to: datetime | None


@dataclass(frozen=True, slots=True)
class ProviderOrder:
    """An order for credit: its id, its link, and the provider's own prices."""

    order_id: int | None
    url: str | None
    excl_tax: Money
    tax: Money | None
    incl_tax: Money | None


@dataclass(frozen=True, slots=True)
class PastOrder:
    """An order already placed on the account, to recognise one placed before a crash."""

    order_id: int
    placed_at: datetime | None
    excl_tax: Money
    services: tuple[str, ...]
    tax: Money | None = None
    incl_tax: Money | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    """How an order is paid: one of the account's payment methods (the default one unless
    another is named), or a registered payment mean with its id. `paid_with` is the fact
    kept on the purchase order."""

    paid_with: str
    method_id: int | None = None
    mean: str | None = None
    mean_id: int | None = None


class CreditProvider(Protocol):
    def check_project(self, service: str) -> None:
        """Succeeds when the project exists and is readable with these keys."""

    def list_credits(self, service: str) -> list[ProviderCredit]: ...

    def order_credit(self, service: str, amount: int) -> ProviderOrder: ...

    def orders_since(self, since: datetime) -> list[PastOrder]: ...

    def order_link(self, order_id: int) -> str | None:
        """Where finance sees and pays the order (its PDF where the provider has one)."""

    def order_status(self, order_id: int) -> str:
        """notPaid, checking, delivering, delivered, cancelled, …"""

    def order_of_bill(self, bill_id: str) -> int | None: ...

    def bill_link(self, bill_id: str) -> str | None:
        """Where the bill is read: its PDF where the provider has one, else its page."""

    def payment_for(self, order_id: int) -> Payment:
        """The way this order would be paid: the account's default payment method, or the
        payment mean the operator named."""

    def pay_order(self, order_id: int, payment: Payment) -> None:
        """Raises `ProviderAnswerLost` when the payment may have been made all the same."""

    def redeem_code(self, service: str, code: str) -> None:
        """The provider answers nothing: the new credit is found in `list_credits`, by its
        `voucher`. Raises `ProviderAnswerLost` when the code may have been applied."""
