"""What the ledger records about where money came from and why it moved: facts, never
sentences. Every surface words them in its reader's language (`bot/i18n.py`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class LotOrigin(enum.StrEnum):
    PURCHASE = "purchase"  # a purchase order, paid
    VOUCHER = "voucher"  # a voucher code, redeemed here or at the provider
    PROVIDER = "provider"  # a credit the provider granted on its own (a gift, a promotion)
    TEXT = "text"  # recorded before facts were kept, in words that could not be read back


@dataclass(frozen=True, slots=True)
class LotSource:
    """Where a lot came from. Which fields are set follows from `origin`: a purchase has its
    order's number, a voucher the last four characters of its code, a credit mirrored from
    the provider that credit's id (a purchase or a voucher may have one too)."""

    origin: LotOrigin
    po_number: str | None = None
    voucher_last4: str | None = None
    provider_credit_id: int | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        # Read back from the database, the origin is its plain value.
        object.__setattr__(self, "origin", LotOrigin(self.origin))

    @classmethod
    def purchase(cls, number: str, provider_credit_id: int | None = None) -> LotSource:
        return cls(LotOrigin.PURCHASE, po_number=number, provider_credit_id=provider_credit_id)

    @classmethod
    def voucher(cls, last4: str, provider_credit_id: int | None = None) -> LotSource:
        return cls(LotOrigin.VOUCHER, voucher_last4=last4, provider_credit_id=provider_credit_id)

    @classmethod
    def provider(cls, credit_id: int) -> LotSource:
        return cls(LotOrigin.PROVIDER, provider_credit_id=credit_id)

    @property
    def reference(self) -> str:
        """The one identifier a machine reads (JSON, CSV, `verify`), as it always was: the
        order's number, `voucher …LAST4`, `OVHcloud credit ID`, or the words kept from
        before facts. People read the facts worded in their language instead."""
        if self.origin is LotOrigin.PURCHASE:
            return str(self.po_number)
        if self.origin is LotOrigin.VOUCHER:
            return f"voucher …{self.voucher_last4}"
        if self.origin is LotOrigin.PROVIDER:
            return f"OVHcloud credit {self.provider_credit_id}"
        return str(self.text)

    def __str__(self) -> str:
        return self.reference


class LotSources(tuple[LotSource, ...]):
    """Several lots inside a sentence: their references in English, worded where shown."""

    __slots__ = ()

    def __str__(self) -> str:
        return ", ".join(source.reference for source in self)


class EntryCause(enum.StrEnum):
    """Why a debit or a refund moved a lot mirrored from the provider. Other entries need
    none: their kind, their lot and their charge say it all."""

    PROVIDER_USE = "provider_use"  # the credit's used amount at the provider grew or shrank
    PRIOR_USE = "prior_use"  # what the credit had used before the project was linked
