"""What a sync records is facts (which credit, how much OVHcloud counts as used), worded in
each reader's language where it is shown, never an English sentence kept in the ledger."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot import labels
from bot.i18n import translator
from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from bot.slack.blocks import balance
from ledger.facts import EntryCause, LotSource
from ledger.orm import Entry
from ledger.services import Ledger, reading
from ledger.services.linked import sync_project
from tests.ovh.conftest import SERVICE
from tests.support import PARIS, FakeClock, eur

FR = translator("fr_FR", PARIS)
EN = translator("en_GB", PARIS)


def test_ovhcloud_use_is_kept_as_figures_and_read_in_french_without_english(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    credit = ovh.add_credit(SERVICE, "100")
    ovh.consume(SERVICE, credit.id, "4")
    sync_project(ledger, provider, linked)
    clock.advance(days=1)
    ovh.consume(SERVICE, credit.id, "6")
    sync_project(ledger, provider, linked)
    with ledger.db.read() as session:
        stored = session.execute(
            select(Entry.kind, Entry.memo, Entry.cause, Entry.provider_used).order_by(Entry.id)
        ).all()
    assert stored == [
        ("grant", None, None, None),
        ("debit", None, EntryCause.PROVIDER_USE.value, 400),
        ("debit", None, EntryCause.PROVIDER_USE.value, 1000),
    ]
    lines = reading.history(ledger, linked)
    project = reading.balance(ledger, linked).project
    assert lines[0].lot_source == LotSource.provider(credit.id)
    assert lines[0].provider_used == eur("10")
    french = json.dumps(balance.history_message(project, lines, FR).blocks, ensure_ascii=False)
    french += balance.balance_message(reading.balance(ledger, linked), FR).text
    assert f"Crédit OVHcloud {credit.id}" in french
    assert "utilisés sur OVHcloud à ce jour" in french
    for english in ("OVHcloud credit", "used on", "credit 1", "paid", "redeemed"):
        assert english not in french
    english_text = balance.history_message(project, lines, EN).text
    assert "€10.00 used on OVHcloud so far" in english_text
    assert "€4.00 used on OVHcloud so far" in english_text
    assert labels.entry_note(lines[0], EN) == "€10.00 used on OVHcloud so far"
