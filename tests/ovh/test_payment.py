"""Auto-pay pays as OVHcloud's me.json says: with the account's default payment method, or
with a registered payment mean named with its id; never with whatever mean comes first."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.ovh.client import OvhProvider
from bot.ovh.payment import parse_payment_mean
from bot.ovh.standin import OvhStandIn
from bot.settings import Settings
from ledger.services import Ledger, purchases
from ledger.services.ordering import approve_and_order
from tests.ovh.conftest import provider_for
from tests.support import FINANCE, MEMBER, eur


def _approve_with_auto_pay(ledger: Ledger, project: str, provider: OvhProvider) -> str:
    number = purchases.request_purchase(ledger, MEMBER, project, eur("1500")).number
    approve_and_order(ledger, provider, FINANCE, number, pay=True)
    return number


def test_auto_pay_pays_a_card_account_with_its_default_payment_method_not_the_first_mean(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.payment_methods.clear()
    ovh.add_payment_method("BANK_ACCOUNT", label="FR76 **** 0042")  # listed first, not default
    card = ovh.add_payment_method("CREDIT_CARD", default=True, label="4970 **** **** 4242")
    number = _approve_with_auto_pay(ledger, linked, provider)
    (order,) = ovh.orders.values()
    assert order.status == "checking" and order.paid_with == f"paymentMethod:{card.id}"
    po = purchases.get_purchase_order(ledger, number).provider
    assert po is not None and po.error is None
    assert po.paid_with == f"paymentMethod:{card.id} CREDIT_CARD"


def test_auto_pay_with_a_named_payment_mean_sends_its_id(
    ledger: Ledger, linked: str, ovh: OvhStandIn
) -> None:
    card = next(iter(ovh.payment_methods.values()))
    named = provider_for(ovh)
    named.payment = parse_payment_mean(f"creditCard:{card.mean_id}")
    number = _approve_with_auto_pay(ledger, linked, named)
    (order,) = ovh.orders.values()
    assert order.status == "checking" and order.paid_with == f"creditCard:{card.mean_id}"
    po = purchases.get_purchase_order(ledger, number).provider
    assert po is not None and po.paid_with == f"creditCard:{card.mean_id}"
    assert ovh.count("GET", "/me/payment/method") == 0


def test_an_account_without_a_default_payment_method_is_ordered_but_not_paid_and_says_why(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.payment_methods.clear()
    ovh.add_payment_method("BANK_ACCOUNT")
    number = _approve_with_auto_pay(ledger, linked, provider)
    (order,) = ovh.orders.values()
    assert order.status == "notPaid"
    po = purchases.get_purchase_order(ledger, number).provider
    assert po is not None and po.state == "ordered" and po.paid_with is None
    assert po.error is not None and "no default payment method" in po.error


@pytest.mark.parametrize("text", ["creditCard", "bankAccount", "paypal", "cash:1", "creditCard:x"])
def test_a_payment_mean_setting_that_ovhcloud_would_refuse_is_refused_at_start_up(
    text: str,
) -> None:
    with pytest.raises(ValidationError, match="OVH_PAYMENT_MEAN"):
        Settings(_env_file=None, ovh_payment_mean=text)  # type: ignore[call-arg]


def test_a_payment_mean_setting_names_the_mean_and_its_id() -> None:
    settings = Settings(_env_file=None, ovh_payment_mean=" creditCard:123 ")  # type: ignore[call-arg]
    assert settings.ovh_payment_mean is not None
    payment = parse_payment_mean(settings.ovh_payment_mean)
    assert (payment.mean, payment.mean_id, payment.method_id) == ("creditCard", 123, None)
    assert parse_payment_mean("ovhAccount").mean_id is None
    unset = Settings(_env_file=None, ovh_payment_mean="")  # type: ignore[call-arg]
    assert unset.ovh_payment_mean is None
