from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import translator
from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from ledger.domain import LotKind
from ledger.errors import ManagedByProvider, TooManyAttempts, VoucherUnusable
from ledger.services import Ledger, billing, reading, vouchers
from ledger.services.linked import link_project
from tests.ovh.conftest import SERVICE
from tests.support import ADMIN, FINANCE, MEMBER, PARIS, eur


def test_a_code_the_bot_did_not_issue_is_redeemed_at_ovhcloud_and_shows_at_once(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    until = datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    ovh.add_code("OVH-SPRING-2026", "250", until)
    redeemed = vouchers.redeem_voucher(ledger, MEMBER, "OVH-SPRING-2026", linked, provider)
    assert redeemed.amount == eur("250") and redeemed.expires_at == until
    (lot,) = reading.balance(ledger, linked).lots
    assert lot.kind is LotKind.VOUCHER and lot.remaining == eur("250")


def test_ovhclouds_refusal_is_relayed_and_counts_toward_the_lockout(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    for _ in range(5):
        with pytest.raises(VoucherUnusable, match="invalid"):
            vouchers.redeem_voucher(ledger, MEMBER, "NOPE-NOPE", linked, provider)
    with pytest.raises(TooManyAttempts):
        vouchers.redeem_voucher(ledger, MEMBER, "NOPE-NOPE", linked, provider)
    assert ovh.count("POST", r"/cloud/project/.*/credit") == 5


def test_a_code_the_bot_issued_is_redeemed_in_the_ledger(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    issued = vouchers.issue_voucher(ledger, FINANCE, eur("40"))
    vouchers.redeem_voucher(ledger, MEMBER, issued.code, linked, provider)
    assert ovh.count("POST", r"/cloud/project/.*/credit") == 0
    assert reading.balance(ledger, linked).available == eur("40")


def test_charges_are_refused_on_a_linked_project_and_voids_still_work(
    ledger: Ledger, project: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    vouchers.redeem_voucher(
        ledger, MEMBER, vouchers.issue_voucher(ledger, FINANCE, eur("40")).code, project
    )
    billing.charge(ledger, FINANCE, project, eur("10"), "before-link")
    link_project(ledger, provider, ADMIN, project, SERVICE)
    with pytest.raises(ManagedByProvider, match="consumption comes from there"):
        billing.charge(ledger, FINANCE, project, eur("5"), "after-link")
    billing.void_charge(ledger, FINANCE, "before-link", "typed twice")
    assert reading.balance(ledger, project).available == eur("40")


def test_ovhclouds_refusal_of_a_code_is_said_once_in_the_readers_words(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    with pytest.raises(VoucherUnusable) as refused:
        vouchers.redeem_voucher(ledger, MEMBER, "NOPE-NOPE", linked, provider)
    assert refused.value.message == (
        "OVHcloud did not accept that code: This voucher code is invalid"
    )
    french, _ = translator("fr_FR", PARIS).refusal(refused.value)
    assert french == "OVHcloud n’a pas accepté ce code\u00a0: This voucher code is invalid"
