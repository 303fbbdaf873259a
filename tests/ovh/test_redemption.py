"""Redeeming a code at OVHcloud: `POST /cloud/project/{sn}/credit` answers no body, so the
new credit is the one whose `voucher` is the code; a lost answer is looked into, never
taken for a refusal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.ovh.client import OvhProvider
from bot.ovh.standin import Failure, OvhStandIn
from ledger.domain import LotKind
from ledger.errors import ProviderUnavailable, VoucherUnusable
from ledger.services import Ledger, reading, vouchers
from tests.ovh.conftest import SERVICE
from tests.support import MEMBER, eur

CODE = "OVH-SPRING-2026"
UNTIL = datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
REDEEM = rf"/cloud/project/{SERVICE}/credit"


def test_a_redemption_answered_with_no_body_finds_its_credit_by_the_voucher_field_and_shows_it_at_once(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.add_credit(SERVICE, "30", voucher="SOMEONE-ELSES-CODE")
    ovh.add_code(CODE, "250", UNTIL)
    redeemed = vouchers.redeem_voucher(ledger, MEMBER, " OVH-SPRING-2026 ", linked, provider)
    (answer,) = [e for e in ovh.exchanges if e.method == "POST"]
    assert answer.status == 204 and answer.payload == b""
    assert redeemed.amount == eur("250") and redeemed.expires_at == UNTIL
    assert redeemed.last4 == "2026"
    voucher = next(lot for lot in reading.balance(ledger, linked).lots if lot.initial == eur("250"))
    assert voucher.kind is LotKind.VOUCHER and voucher.remaining == eur("250")
    assert reading.balance(ledger, linked).available == eur("280")


@pytest.mark.parametrize(
    "failure",
    [Failure(503, after=True), Failure(502, html=True, after=True)],
    ids=["503", "gateway page"],
)
def test_a_redemption_whose_answer_is_lost_after_it_was_applied_is_confirmed_and_not_counted_as_failed(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, failure: Failure
) -> None:
    ovh.add_code(CODE, "250", UNTIL)
    ovh.fail(REDEEM, replace(failure, method="POST"))
    redeemed = vouchers.redeem_voucher(ledger, MEMBER, CODE, linked, provider)
    assert redeemed.amount == eur("250")
    assert ovh.count("POST", REDEEM) == 1
    assert reading.balance(ledger, linked).available == eur("250")
    assert vouchers.failed_attempts(ledger, MEMBER.user_id) == 0


def test_a_redemption_lost_before_it_was_applied_is_a_temporary_failure_not_a_refusal(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.add_code(CODE, "250", UNTIL)
    ovh.fail(REDEEM, Failure(504, html=True, method="POST"))
    with pytest.raises(ProviderUnavailable) as lost:
        vouchers.redeem_voucher(ledger, MEMBER, CODE, linked, provider)
    assert "did not accept" not in lost.value.message
    assert ovh.count("POST", REDEEM) == 1
    assert vouchers.failed_attempts(ledger, MEMBER.user_id) == 0
    assert vouchers.redeem_voucher(ledger, MEMBER, CODE, linked, provider).amount == eur("250")


def test_a_code_already_on_the_project_after_a_lost_answer_is_confirmed_on_the_next_try(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.add_code(CODE, "250", UNTIL)
    ovh.fail(REDEEM, Failure(503, after=True, method="POST"))
    ovh.fail(REDEEM, *[Failure(503, method="GET")] * 3)  # and the credits cannot be read
    with pytest.raises(ProviderUnavailable):
        vouchers.redeem_voucher(ledger, MEMBER, CODE, linked, provider)
    redeemed = vouchers.redeem_voucher(ledger, MEMBER, CODE, linked, provider)  # "already used"
    assert redeemed.amount == eur("250")
    assert vouchers.failed_attempts(ledger, MEMBER.user_id) == 0


def test_a_code_ovhcloud_refuses_is_still_a_failed_attempt(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    with pytest.raises(VoucherUnusable, match="did not accept"):
        vouchers.redeem_voucher(ledger, MEMBER, "NOPE-NOPE", linked, provider)
    assert vouchers.failed_attempts(ledger, MEMBER.user_id) == 1
