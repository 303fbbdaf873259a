"""One error tree for everything the ledger refuses.

Each error carries its sentence as a template (marked with `N_` so it lands in the
message catalogs) and the values that fill it, so the edge that shows it can say it in
the reader's language. `message` and `hint` are the English text.
"""

from __future__ import annotations

import json
from typing import Any


def N_(text: str) -> str:
    """Marks a sentence for the message catalogs; it is translated where it is shown."""
    return text


class Phrase(str):
    """Words of the ledger's own inside a sentence (an action), translated where shown."""

    __slots__ = ()


class UserRef(str):
    """A person's user id inside a sentence: shown as an @mention where that is possible."""

    __slots__ = ()


class LedgerError(Exception):
    """A refused action. Nothing was changed."""

    def __init__(self, message: str, *, hint: str | None = None, **params: Any) -> None:
        self.template = message
        self.hint_template = hint
        self.params = params
        self.message = message.format(**params) if params else message
        self.hint = hint.format(**params) if hint and params else hint
        super().__init__(self.message)


class AmountError(LedgerError):
    """Typed text is not an acceptable amount."""


class CurrencyMismatch(LedgerError):
    """Two amounts, or an amount and a project, disagree on currency."""


class WrongCurrency(AmountError, CurrencyMismatch):
    """A typed amount names a currency other than the project's."""


class NotFound(LedgerError):
    """A project, purchase order or voucher that does not exist."""


class ProjectNotFound(NotFound):
    pass


class PurchaseOrderNotFound(NotFound):
    pass


class ChargeNotFound(NotFound):
    pass


class VoucherNotFound(NotFound):
    pass


class AlreadyExists(LedgerError):
    pass


class Forbidden(LedgerError):
    """The actor's role does not allow the action."""


class FourEyes(Forbidden):
    """A finance approver tried to decide their own purchase order."""


class AlreadyDecided(LedgerError):
    """The purchase order is no longer pending."""

    def __init__(self, message: str, *, status: str, decided_by: str | None, **params: Any) -> None:
        super().__init__(message, **params)
        self.status = status
        self.decided_by = decided_by


class AlreadyApproved(LedgerError):
    """The finance approver already approved this order, which needs others' approvals too."""


class VoucherUnusable(LedgerError):
    """The voucher exists but can no longer be redeemed (spent, expired, other project)."""


class TooManyAttempts(LedgerError):
    """Too many failed voucher redemptions in the window."""


class IdempotencyConflict(LedgerError):
    """An idempotency key was reused with other parameters."""


class InvalidInput(LedgerError):
    """Anything else the caller typed that cannot be accepted."""


class OwnVoucher(FourEyes):
    """Whoever issued a voucher tried to redeem it."""


class NotConfigured(LedgerError):
    """The ledger lacks a piece of configuration the action needs."""


class ManagedByProvider(LedgerError):
    """The project is linked to its cloud provider, which is the source of truth for it."""


class ProviderError(LedgerError):
    """The cloud provider did not do what was asked. `kind` says why, for notices:
    `credentials` (keys refused or lacking rights), `gone` (project or order not found),
    `unavailable` (5xx, 429, timeouts after retries), `refused` (the request was refused)."""

    kind = "refused"


class ProviderCredentialsRefused(ProviderError):
    kind = "credentials"


class ProviderNotFound(ProviderError):
    kind = "gone"


class ProviderUnavailable(ProviderError):
    kind = "unavailable"


class ProviderAnswerLost(ProviderUnavailable):
    """A request that changes something (an order, a payment, a redemption) got no usable
    answer: a timeout, a 5xx, a gateway's page. It may have been carried out, so it is never
    sent again before looking at the provider for what it did."""


class ProviderRefused(ProviderError):
    kind = "refused"


class ProviderUnsupported(ProviderError):
    """The provider's endpoint lacks a route the bot needs (no credit API there)."""

    kind = "unsupported"


# What the ledger keeps of a refusal it records (an order OVHcloud refused, a failed
# sync): never its English sentence, but the sentence's template and values, worded
# where it is shown. A stored fact fits the 300 characters of its column.
STORED_LIMIT = 300


def stored(error: LedgerError, *, within: str | None = None) -> str:
    """The refusal as JSON facts (`{"t": template, "p": values}`); `within` wraps it in a
    sentence of its own whose `{reason}` it is. The longest value is shortened to fit."""
    values: dict[str, int | str] = {
        key: value if isinstance(value, int | str) else str(value)
        for key, value in error.params.items()
    }
    while True:
        fact: dict[str, Any] = {"t": error.template, "p": values}
        if within is not None:
            fact = {"t": within, "p": {"reason": fact}}
        text = json.dumps(fact, ensure_ascii=False, separators=(",", ":"))
        texts = {key: value for key, value in values.items() if isinstance(value, str) and value}
        if len(text) <= STORED_LIMIT or not texts:
            return text[:STORED_LIMIT]
        longest = max(texts, key=lambda key: len(texts[key]))
        keep = max(len(texts[longest]) - (len(text) - STORED_LIMIT) - 1, 0)
        values = {**values, longest: texts[longest][:keep] + "…"}
