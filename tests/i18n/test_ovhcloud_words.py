"""The OVHcloud lines (an order's state at OVHcloud, a sync, a failure, a link) come out
in French with no English sentence."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.i18n import Translator, translator
from bot.slack.blocks import common, ovh, purchase_orders
from ledger.domain import POStatus, ProviderOrderView
from ledger.services.linked import LinkView, SyncReport
from tests.i18n.test_every_builder import NOW, SHARED, eur, order, words
from tests.support import PARIS


def rendered_ovhcloud(t: Translator) -> list[Any]:
    everything: list[Any] = []
    for state in ("ordering", "ordered", "delivered", "cancelled"):
        provider = ProviderOrderView(
            state, 77, "https://example.invalid/77", eur(100), eur(20), eur(120), None
        )
        po = replace(order(POStatus.APPROVED), provider=provider)
        everything += [ovh.provider_order_line(po, t), purchase_orders.po_for_approval(po, t)]
    everything.append(ovh.ordered_dm(order(POStatus.APPROVED), t))
    for synced, kind in ((NOW, None), (None, None), (NOW, "credentials"), (NOW, "gone")):
        link = LinkView("prod-eu", "0a1b", NOW, synced, NOW if kind else None, kind, "E42")
        everything += [ovh.sync_line(link, NOW, 60, t), ovh.failure_notice(link, t)]
    for credits in (1, 2):
        everything.append(ovh.linked_text(SyncReport("prod-eu", "0a1b", credits, 0, eur(5)), t))
    return [m.as_kwargs() if isinstance(m, common.Message) else m for m in everything]


def test_no_english_sentence_comes_out_of_the_ovhcloud_lines_in_french() -> None:
    french = rendered_ovhcloud(translator("fr_FR", PARIS))
    english = rendered_ovhcloud(translator("en_GB", PARIS))
    for fr, en in zip(french, english, strict=True):
        shared = (words(fr) & words(en)) - SHARED - {"api", "bot", "https", "example", "invalid"}
        assert not shared, (shared, fr)
