"""What a new user read wrongly in an outside review: a requester told an order was placed
when OVHcloud refused it, a count not in the plural, an order's state in the wrong gender."""

from __future__ import annotations

from bot.cli import ovh_text, text
from bot.i18n import translator
from bot.ovh.client import OvhProvider
from bot.ovh.standin import Failure, OvhStandIn
from bot.slack.blocks import ovh_reconcile
from bot.slack.blocks.ovh import ordered_dm
from ledger.money import Money
from ledger.services import Ledger, purchases
from ledger.services.linked import SyncReport
from ledger.services.ordering import approve_and_order
from tests.support import FINANCE, MEMBER, PARIS, eur

FR = translator("fr_FR", PARIS)
EN = translator("en_GB", PARIS)


def test_a_requester_whose_order_ovhcloud_refused_is_not_told_it_was_ordered(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.fail(r"/order/cloud/project/.*/credit", Failure(400, message="Amount too low"))
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("150")).number
    po = approve_and_order(ledger, provider, FINANCE, number)
    english, french = ordered_dm(po, EN), ordered_dm(po, FR)
    assert "ordered at OVHcloud" not in english and "has not taken the order" in english
    assert "OVHcloud refused: Amount too low" in english
    assert "commandé chez" not in french and "OVHcloud a refusé\u00a0: Amount too low" in french


def test_the_sync_line_counts_entries_in_the_singular_and_the_plural() -> None:
    def line(posted: int, t: object) -> str:
        report = SyncReport("prod-eu", "svc", 2, posted, Money(20000, "EUR"))
        return ovh_text.sync_line(report, t)  # type: ignore[arg-type]

    assert "1 entry posted" in line(1, EN) and "2 entries posted" in line(2, EN)
    assert "1 écriture passée" in line(1, FR) and "0 écriture passée" in line(0, FR)


def test_an_order_cancelled_by_ovhcloud_is_feminine_in_french() -> None:
    assert ovh_reconcile._status("cancelled", FR) == "annulée"
    assert ovh_reconcile._status("cancelled", EN) == "cancelled"


def test_the_command_line_shows_an_order_ovhcloud_has_not_taken_and_why(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.fail(r"/order/cloud/project/.*/credit", Failure(400, message="Amount too low"))
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("150")).number
    po = approve_and_order(ledger, provider, FINANCE, number)
    assert "not ordered at OVHcloud yet: OVHcloud refused: Amount too low" in text.purchase_order(
        po, EN
    )
    assert "pas encore commandé chez OVHcloud\u00a0: OVHcloud a refusé" in text.purchase_order(
        po, FR
    )
