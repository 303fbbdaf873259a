"""A refusal the ledger records (an order OVHcloud refused, a sync that failed) is kept as
facts, never as an English sentence, and each reader sees it in their own language."""

from __future__ import annotations

import json

from bot.i18n import translator
from bot.ovh.client import OvhProvider
from bot.ovh.standin import Failure, OvhStandIn
from ledger.errors import LedgerError, stored
from ledger.services import Ledger, purchases
from ledger.services.linked import link_of, sync_project
from ledger.services.ordering import approve_and_order
from tests.ovh.conftest import SERVICE
from tests.support import FINANCE, MEMBER, PARIS, eur

FR = translator("fr_FR", PARIS)
EN = translator("en_GB", PARIS)


def test_an_order_ovhcloud_refused_is_kept_as_facts_and_read_in_each_language(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.fail(r"/order/cloud/project/.*/credit", Failure(400, message="Amount too low"))
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("1500")).number
    po = approve_and_order(ledger, provider, FINANCE, number)
    assert po.provider is not None and po.provider.error is not None
    fact = json.loads(po.provider.error)
    assert fact == {"t": "OVHcloud refused: {reason}", "p": {"reason": "Amount too low"}}
    assert FR.recorded(po.provider.error) == "OVHcloud a refusé\u00a0: Amount too low"
    assert EN.recorded(po.provider.error) == "OVHcloud refused: Amount too low"


def test_a_failed_sync_is_kept_as_facts_and_read_in_each_language(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.fail(rf"/cloud/project/{SERVICE}/credit$", Failure(400, message="Bad request"))
    sync_project(ledger, provider, linked)
    link = link_of(ledger, linked)
    assert link is not None and link.failure is not None
    assert json.loads(link.failure)["t"] == "OVHcloud refused: {reason}"
    assert "refusé" in (FR.recorded(link.failure) or "")


def test_a_long_refusal_is_shortened_to_fit_and_stays_readable() -> None:
    fact = stored(
        LedgerError("OVHcloud refused: {reason}", reason="x" * 1000),
        within="ordered, but not paid: {reason}",
    )
    assert len(fact) <= 300
    said = EN.recorded(fact) or ""
    assert said.startswith("ordered, but not paid: OVHcloud refused: xxx") and said.endswith("…")


def test_text_recorded_before_facts_were_kept_is_shown_as_it_was_written() -> None:
    assert FR.recorded("OVHcloud refused: old words") == "OVHcloud refused: old words"
    assert FR.recorded(None) is None
