"""OVH_PAYMENT_MEAN: which of the account's registered payment means pays an order, when
the operator names one rather than letting the account's default payment method pay.

Written `MEAN` or `MEAN:ID`, MEAN one of OVHcloud's `billing.ReusablePaymentMeanEnum`
(me.json), ID the mean's `paymentMeanId`. `payWithRegisteredPaymentMean` refuses a card,
a bank account or PayPal without its id, so those need one (`creditCard:123`).
"""

from __future__ import annotations

from ledger.provider import Payment

REGISTERED_MEANS = (
    "CREDIT_CARD",
    "CURRENT_ACCOUNT",
    "DEFERRED_PAYMENT_ACCOUNT",
    "DOMESTIC_CARD",
    "ENTERPRISE",
    "INTERNAL_TRUSTED_ACCOUNT",
    "PAYPAL",
    "RUPAY",
    "SEPA_DIRECT_DEBIT",
    "bankAccount",
    "creditCard",
    "deferredPaymentAccount",
    "fidelityAccount",
    "ovhAccount",
    "paypal",
)
NEEDS_ID = frozenset({"creditCard", "bankAccount", "paypal"})


def parse_payment_mean(text: str) -> Payment:
    """`creditCard:123` as the Payment it names; ValueError says what is wrong."""
    mean, _, raw_id = text.strip().partition(":")
    if mean not in REGISTERED_MEANS:
        raise ValueError(f"OVH_PAYMENT_MEAN starts with one of {', '.join(REGISTERED_MEANS)}")
    if raw_id and not raw_id.isdigit():
        raise ValueError("OVH_PAYMENT_MEAN's id (after the colon) is a number")
    if mean in NEEDS_ID and not raw_id:
        raise ValueError(f"OVH_PAYMENT_MEAN needs the mean's id for {mean}, as {mean}:ID")
    mean_id = int(raw_id) if raw_id else None
    return Payment(paid_with=text.strip(), mean=mean, mean_id=mean_id)
