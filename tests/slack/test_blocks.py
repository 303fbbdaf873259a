"""Every message and view the bot builds parses with slack_sdk.models and stays inside Block Kit's limits."""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.i18n import translator
from bot.slack.blocks import (
    balance,
    charges,
    common,
    help,
    modals,
    projects,
    purchase_orders,
    vouchers,
)
from ledger.domain import (
    Allocation,
    Balance,
    ChargeResult,
    HistoryLine,
    IssuedVoucher,
    LotKind,
    LotView,
    POStatus,
    ProjectView,
    PurchaseOrderView,
    RedeemedVoucher,
    Role,
)
from ledger.facts import LotSource
from ledger.money import Money
from tests.support import PARIS

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)
FMT = translator("fr_FR", PARIS)
EN = translator("en_GB", PARIS)
PROJECT = ProjectView("prod-eu", "Prod EU <script>", "EUR", 2000, ("C1", "C2"))


def eur(cents: int) -> Money:
    return Money(cents, "EUR")


def lot(i: int, days: int, kind: LotKind = LotKind.CREDIT) -> LotView:
    return LotView(
        i,
        kind,
        LotSource.purchase(f"PO-2026-{i:06d}"),
        eur(100_000),
        eur(50_000 + i),
        NOW,
        NOW + timedelta(days=days),
    )


def po(status: POStatus = POStatus.PENDING, reason: str | None = None) -> PurchaseOrderView:
    decided = status is not POStatus.PENDING
    return PurchaseOrderView(
        "PO-2026-000042",
        PROJECT,
        "UREQ",
        status,
        eur(150_000),
        2000,
        eur(30_000),
        eur(180_000),
        NOW,
        decided_by="UFIN" if decided else None,
        decided_at=NOW if decided else None,
        reason=reason,
        credit_expires_at=NOW + timedelta(days=395) if status is POStatus.APPROVED else None,
    )


def check_message(message: common.Message) -> list[dict[str, Any]]:
    assert message.text.strip(), "every message has a plain-text fallback"
    assert 0 < len(message.blocks) <= 50
    for raw in message.blocks:
        parsed = Block.parse(raw)
        assert parsed is not None
        parsed.validate_json()  # raises on any Block Kit limit
        for text in _texts(raw):
            assert len(text) <= 3000
    return message.blocks


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def test_a_balance_marks_lots_expiring_within_thirty_days() -> None:
    view = Balance(PROJECT, NOW, (lot(1, 10, LotKind.VOUCHER), lot(2, 200)))
    raw = json.dumps(check_message(balance.balance_message(view, FMT)), ensure_ascii=False)
    assert raw.count(common.WARNING) == 1
    assert "1\u00a0000,00\u00a0€" in raw  # 1 000,00 € as people write it in EUR


def test_a_project_with_500_lots_gets_a_summary_and_n_more_not_an_error() -> None:
    view = Balance(PROJECT, NOW, tuple(lot(i, 40 + i) for i in range(1, 501)))
    message = balance.balance_message(view, EN)
    check_message(message)
    assert "470 more lots" in str(message.blocks)


def test_user_text_in_mrkdwn_cannot_mention_or_link() -> None:
    message = purchase_orders.pending_list([po()], FMT)
    mrkdwn = [t for b in message.blocks if b["type"] == "section" for t in _texts(b)]
    assert mrkdwn and not any("<script>" in t for t in mrkdwn)
    assert any("&lt;script&gt;" in t for t in mrkdwn)


@pytest.mark.parametrize("status", list(POStatus))
def test_purchase_order_messages_are_valid_in_every_state(status: POStatus) -> None:
    order = po(status, reason="over budget" if status is POStatus.REJECTED else None)
    announced = check_message(purchase_orders.po_for_approval(order, FMT))
    has_buttons = any(b["type"] == "actions" for b in announced)
    assert has_buttons == (status is POStatus.PENDING)
    check_message(purchase_orders.po_requested(order, FMT))
    if status in (POStatus.APPROVED, POStatus.REJECTED):
        check_message(purchase_orders.po_decided_dm(order, FMT))


def test_purchase_order_buttons_carry_the_action_ids_and_the_number() -> None:
    actions = purchase_orders.po_buttons("PO-2026-000042", FMT).to_dict()
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        ("po_approve", "PO-2026-000042"),
        ("po_reject", "PO-2026-000042"),
    ]


def test_a_long_pending_list_stays_inside_fifty_blocks() -> None:
    check_message(purchase_orders.pending_list([po()] * 200, FMT))
    check_message(purchase_orders.pending_list([], FMT))


def test_every_other_message_is_valid_block_kit() -> None:
    lines = [
        HistoryLine(
            i,
            "debit",
            NOW,
            eur(i),
            LotSource.purchase("PO-2026-000001"),
            "UFIN",
            "memo " * 50,
            "key",
        )
        for i in range(1, 200)
    ]
    check_message(balance.history_message(PROJECT, lines, FMT))
    check_message(balance.history_message(PROJECT, [], FMT))
    for roles in (frozenset({Role.MEMBER}), frozenset({Role.FINANCE, Role.ADMIN})):
        check_message(help.help_message(roles, FMT))
    check_message(
        vouchers.voucher_issued(
            IssuedVoucher("ABCD-EFGH-JKMN-PQRS", "PQRS", eur(5000), date(2026, 12, 31), NOW, None),
            FMT,
        )
    )
    redeemed = RedeemedVoucher("PQRS", PROJECT, eur(5000), NOW + timedelta(days=30))
    check_message(vouchers.voucher_redeemed(redeemed, FMT))
    check_message(vouchers.voucher_redeemed(redeemed, FMT, who="UMEM"))
    result = ChargeResult(
        "k",
        PROJECT,
        eur(10_000),
        tuple(
            Allocation(LotKind.CREDIT, LotSource.purchase(f"PO-{i}"), eur(1)) for i in range(100)
        ),
        eur(9_900),
        "x",
        NOW,
    )
    check_message(charges.charge_result(result, FMT))
    check_message(charges.charge_news(result, "UFIN", FMT))
    check_message(projects.project_list([PROJECT] * 300, FMT))
    check_message(common.error_message("x" * 5000))
    check_message(purchase_orders.credit_arrived(po(POStatus.APPROVED), FMT))


def test_modals_are_valid_views() -> None:
    for raw in (
        modals.buy_modal(PROJECT, "C1", "EUR", FMT),
        modals.reject_modal("PO-2026-000042", {"channel": "C1", "ts": "1.2"}, FMT),
    ):
        View(**raw).validate_json()
        assert len(raw["blocks"]) <= 100


def test_a_requester_is_told_where_finance_will_find_an_order_that_could_not_be_announced() -> None:
    told = check_message(purchase_orders.po_requested(po(), EN, announced=False))
    assert "/credit pending" in json.dumps(told)
    assert "/credit pending" not in json.dumps(
        check_message(purchase_orders.po_requested(po(), EN))
    )


def test_history_names_an_amount_due_by_other_payment_means() -> None:
    due = HistoryLine(None, "due", NOW, Money(1000, "JPY"), None, "UFIN", "March", "bill-7")
    message = balance.history_message(PROJECT, [due], EN)
    check_message(message)
    assert "Due by other payment means" in message.text and "bill-7" in message.text
    assert "Nothing has happened" not in json.dumps(message.blocks)


def test_voucher_messages_name_the_project_not_its_id() -> None:
    issued = IssuedVoucher(
        "ABCD-EFGH-JKMN-PQRS",
        "PQRS",
        eur(5000),
        date(2026, 12, 31),
        NOW,
        "prod-eu",
        "UFIN",
        project_name="Prod EU",
    )
    for message in (vouchers.voucher_issued(issued, FMT), vouchers.voucher_announced(issued, FMT)):
        assert "*Prod EU*" in message.text and "prod-eu" not in message.text
