"""Several approvers in Slack, through the real app and the stand-in: the finance message
counts approvals with names and times and keeps its buttons until the last one; the
approver is told, the requester only at the decision; lists and the Home say what is left."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from bot.i18n import translator
from bot.settings import Settings
from bot.slack.blocks import purchase_orders
from bot.slack.blocks.home import home_view
from bot.slack.standin import Call, SlackStandIn
from ledger.domain import Role
from ledger.services import Ledger
from ledger.services.dashboard import Dashboard
from ledger.services.projects import add_project, link_channel
from ledger.services.purchases import approve_purchase, get_purchase_order, request_purchase
from tests.slack.inprocess import Bot, block_texts, plain
from tests.support import ADMIN, FINANCE, MEMBER, PARIS, FakeClock, eur, make_ledger

FINANCE_CHANNEL = "CFINANCE"


@pytest.fixture
def tiered(db_url: str, clock: FakeClock) -> Iterator[Ledger]:
    built = make_ledger(db_url, clock, approval_tiers=((5000, 2), (50000, 3)))
    add_project(built, ADMIN, "prod-eu", "Prod EU")
    link_channel(built, ADMIN, "prod-eu", "CPROD")
    yield built
    built.db.dispose()


@pytest.fixture
def bot(tiered: Ledger) -> Iterator[Bot]:
    standin = SlackStandIn().start()
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-test"),
        slack_api_url=standin.api_url,
        finance_channel=FINANCE_CHANNEL,
        finance_approvers=("UFIN", "UFIN2", "UFIN3"),
        admins=("UADMIN",),
        creditbot_locale="en_GB",
    )  # type: ignore[call-arg]
    running = Bot(tiered, standin, settings)
    try:
        yield running
    finally:
        running.executor.shutdown(wait=True)
        standin.stop()


def _has_buttons(call: Call) -> bool:
    return any(block.get("type") == "actions" for block in call.params.get("blocks") or [])


def _requested(bot: Bot, amount: str = "6000") -> tuple[str, str]:
    """`/credit buy` by the member: the order's number and its finance message's ts."""
    answer = plain(bot.command("UMEM", f"buy {amount} prod-eu"))
    number = answer.split("*")[1] if "*" in answer else answer.split()[2]
    (announced,) = bot.posts(FINANCE_CHANNEL)
    return number, str(announced.result["ts"])


def _responses(bot: Bot) -> list[str]:
    return [plain(c) for c in bot.standin.of("response")]


def test_an_order_needing_two_approvals_is_announced_as_such(bot: Bot) -> None:
    _requested(bot)
    (announced,) = bot.posts(FINANCE_CHANNEL)
    assert "needs 2 approvals" in " ".join(block_texts(announced))
    assert _has_buttons(announced)


def test_a_first_approval_updates_the_finance_message_with_names_and_times_and_keeps_the_buttons(
    bot: Bot, tiered: Ledger
) -> None:
    number, ts = _requested(bot)
    bot.click("UFIN", purchase_orders.APPROVE, number, FINANCE_CHANNEL, ts)
    updates = [c for c in bot.standin.of("chat.update") if c.params["ts"] == ts]
    assert updates, bot.standin.calls
    card = updates[-1]
    assert "1 of 2 approvals: <@UFIN>, 31 Jan 2026 10:00" in " ".join(block_texts(card))
    assert _has_buttons(card)
    assert get_purchase_order(tiered, number).approvals_left == 1
    # The approver is told; the requester and the project's channel are not, yet.
    assert any(
        "You approved *" + number + "*; it needs 1 more approval" in r for r in _responses(bot)
    )
    assert bot.posts("UMEM") == [] and bot.posts("CPROD") == []


def test_the_same_approver_clicking_again_is_told_so_and_nothing_changes(
    bot: Bot, tiered: Ledger
) -> None:
    number, ts = _requested(bot)
    bot.click("UFIN", purchase_orders.APPROVE, number, FINANCE_CHANNEL, ts)
    bot.click("UFIN", purchase_orders.APPROVE, number, FINANCE_CHANNEL, ts)
    assert any(f"You already approved {number}; it needs 1 more." in r for r in _responses(bot))
    assert [a.by for a in get_purchase_order(tiered, number).approvals] == ["UFIN"]


def test_the_last_approval_decides_tells_the_requester_and_the_projects_channel(
    bot: Bot, tiered: Ledger, clock: FakeClock
) -> None:
    number, ts = _requested(bot)
    bot.click("UFIN", purchase_orders.APPROVE, number, FINANCE_CHANNEL, ts)
    clock.advance(minutes=2)
    bot.click("UFIN2", purchase_orders.APPROVE, number, FINANCE_CHANNEL, ts)
    card = [c for c in bot.standin.of("chat.update") if c.params["ts"] == ts][-1]
    texts = " ".join(block_texts(card))
    assert not _has_buttons(card) and "Approved by <@UFIN2>" in texts
    assert "2 of 2 approvals: <@UFIN>, 31 Jan 2026 10:00; <@UFIN2>, 31 Jan 2026 10:02" in texts
    (dm,) = bot.posts("UMEM")
    assert "was approved by <@UFIN2>" in plain(dm)
    assert len(bot.posts("CPROD")) == 1


def test_a_reject_after_a_first_approval_ends_the_order(bot: Bot, tiered: Ledger) -> None:
    from ledger.services.purchases import reject_purchase

    number, ts = _requested(bot)
    bot.click("UFIN", purchase_orders.APPROVE, number, FINANCE_CHANNEL, ts)
    reject_purchase(tiered, FINANCE, number, "no budget")
    bot.click("UFIN2", purchase_orders.APPROVE, number, FINANCE_CHANNEL, ts)
    assert any("already rejected by <@UFINANCE>" in r for r in _responses(bot))
    assert bot.posts("CPROD") == []


def test_pending_and_the_home_show_what_each_order_still_needs(bot: Bot) -> None:
    number, ts = _requested(bot)
    _requested_again = plain(bot.command("UMEM", "buy 60000 prod-eu"))
    assert "PO-" in _requested_again
    bot.click("UFIN", purchase_orders.APPROVE, number, FINANCE_CHANNEL, ts)
    listed = plain(bot.command("UFIN2", "pending"))
    blocks = " ".join(block_texts(bot.standin.of("response")[-1]))
    assert number in listed
    assert "1 of 2 approvals: <@UFIN>" in blocks and "needs 3 approvals" in blocks
    homes = [c for c in bot.standin.of("views.publish") if c.params["user_id"] == "UFIN2"]
    home_texts = json.dumps(homes[-1].params["view"])
    assert "1 of 2 approvals: <@UFIN>" in home_texts and "needs 3 approvals" in home_texts


def test_the_home_and_the_card_read_the_approvals_in_french(tiered: Ledger) -> None:
    order = request_purchase(tiered, MEMBER, "prod-eu", eur("6000"))
    order = approve_purchase(tiered, FINANCE, order.number)
    fr = translator("fr_FR", PARIS)
    card = purchase_orders.po_for_approval(order, fr)
    shown = json.dumps(card.blocks, ensure_ascii=False).replace("\u00a0", " ")
    assert "1 approbation sur 2 : <@UFINANCE>, 31 janvier 2026 à 10:00" in shown
    data = Dashboard(forecasts=(), pending=(order,))
    home: dict[str, Any] = home_view(frozenset({Role.FINANCE}), data, fr)
    assert "1 approbation sur 2 : <@UFINANCE>" in json.dumps(home, ensure_ascii=False).replace(
        "\u00a0", " "
    )
