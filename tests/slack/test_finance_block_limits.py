"""Finance's messages with the largest data stay within Slack's limits: orders needing the
most approvers, the due list, the settle form and the export's replies, in both languages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.i18n import Translator, translator
from bot.slack.blocks import home, notices, purchase_orders
from ledger.approval_tiers import MOST_APPROVERS
from ledger.domain import ApprovalView, POStatus, PurchaseOrderView
from ledger.services.dashboard import Dashboard
from tests.slack.limits import problems
from tests.slack.test_block_limits import (
    BIG,
    EVERYONE,
    HOSTILE,
    KEY,
    LANGUAGES,
    MANY,
    MEMO,
    NOW,
    eur,
    order,
)
from tests.support import PARIS


def approving(i: int) -> PurchaseOrderView:
    """An order needing the most approvers, one short of them, given by the longest ids."""
    given = tuple(ApprovalView(f"U{j:02d}" + "Z" * 61, NOW) for j in range(MOST_APPROVERS - 1))
    return replace(order(i), approvals=given, approvals_needed=MOST_APPROVERS)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_orders_needing_the_most_approvers_are_within_slacks_limits_everywhere(
    locale: str,
) -> None:
    t = translator(locale, PARIS)
    orders = [approving(i) for i in range(MANY)]
    last = ApprovalView("U" + "Y" * 63, NOW)
    approved = replace(
        order(1, POStatus.APPROVED), approvals=(*orders[1].approvals, last), approvals_needed=10
    )
    shown = {
        "finance message, approvals so far": purchase_orders.po_for_approval(orders[0], t),
        "finance message, approved by all": purchase_orders.po_for_approval(approved, t),
        "approval counted": purchase_orders.po_approval_counted(orders[0], t),
        "pending, approvals so far": purchase_orders.pending_list(orders, t),
        "digest, approvals so far": notices.po_digest(orders, 3, t),
    }
    found = [p for name, m in shown.items() for p in problems(m.as_kwargs(), name)]
    found += problems(home.home_view(EVERYONE, Dashboard((), tuple(orders)), t), "home")
    assert found == []


def due_part(i: int, name: str = BIG.name, memo: str = MEMO) -> Any:
    from ledger.services.settlements import DuePart

    return DuePart(i, KEY, BIG.id, name, NOW, memo, eur(10**12), None)


def accounting_payloads(t: Translator, *, big: bool = True) -> dict[str, Any]:
    """The due list, the settle form and the export's replies, with the largest data (or,
    without `big`, plain words, to read their language)."""
    from bot.slack.blocks import accounting
    from ledger.services.settlements import SettlementView

    name, memo, reference = (BIG.name, MEMO, HOSTILE * 4) if big else ("Prod", "Q3-42", "R-1")
    source = {"channel": "C1", "response_url": "h" * 300, "project": BIG.id}
    done = [SettlementView(i, i, BIG.id, eur(10**12), reference, "UFIN", NOW) for i in range(50)]
    parts = [due_part(i, name, memo) for i in range(MANY)]
    return {
        "due list": accounting.due_list(parts, t, finance=True),
        "due list, member": accounting.due_list(parts[:1], t, finance=False, project=BIG),
        "nothing due": accounting.due_list([], t, finance=True),
        "nothing due, one project": accounting.due_list(
            [], t, finance=True, project=replace(BIG, name=name)
        ),
        "settled": accounting.settled(done, t),
        "export sent": accounting.export_sent("septembre 2026", 10_000, t),
        "settle modal": accounting.settle_modal(parts[1], source, t),
    }


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_due_list_settle_form_and_export_replies_are_within_slacks_limits(
    locale: str,
) -> None:
    t = translator(locale, PARIS)
    payloads = accounting_payloads(t)
    found = [
        p
        for name, payload in payloads.items()
        for p in problems(payload if "modal" in name else payload.as_kwargs(), name)
    ]
    assert found == []
    assert "…" in str(payloads["due list"].as_kwargs()["blocks"][-1])


def test_no_english_sentence_comes_out_of_the_accounting_builders_in_french() -> None:
    from tests.i18n.test_every_builder import SHARED, words

    french = accounting_payloads(translator("fr_FR", PARIS), big=False)
    english = accounting_payloads(translator("en_GB", PARIS), big=False)
    for name, fr in french.items():
        en = english[name]
        fr_data, en_data = (x if isinstance(x, dict) else x.as_kwargs() for x in (fr, en))
        same = {"septembre", "parts", "inv", BIG.id.partition("-")[2]}  # both languages, ids
        assert not (words(fr_data) & words(en_data)) - SHARED - same, name
