"""The finance announcement of a new purchase order is owed from the moment the order
exists: posted right after a request in Slack, and otherwise (a post that failed, a
request made in the terminal) by the next scheduled run, exactly once."""

from __future__ import annotations

import pytest

from bot.cli.__main__ import main
from bot.slack.blocks.purchase_orders import APPROVE
from bot.slack.standin import Call, Failure
from ledger.domain import POStatus
from ledger.services import Ledger, purchases
from ledger.services.projects import add_project
from tests.slack.inprocess import Bot, block_texts, bot_in_process, plain
from tests.support import ADMIN, FINANCE, MEMBER, TEST_SECRET, eur


def announcements(bot: Bot) -> list[Call]:
    """The purchase order cards Slack took in the finance channel."""
    return [
        c
        for c in bot.posts("CFINANCE")
        if c.result.get("ok") and str(c.params.get("text", "")).startswith("PO-")
    ]


def test_a_request_in_slack_is_announced_to_finance_at_once_and_not_again(
    ledger: Ledger,
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        (card,) = announcements(bot)
        bot.run_alerts()
        assert announcements(bot) == [card]
    (po,) = purchases.list_purchase_orders(ledger)
    assert card.params["text"].startswith(po.number)
    assert po.announcement == f"CFINANCE:{card.result['ts']}"


def test_an_announcement_whose_post_failed_is_posted_by_the_next_run_exactly_once(
    ledger: Ledger,
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        bot.standin.fail("chat.postMessage", Failure(error="fatal_error"))
        reply = bot.command("UMEMBER", "buy 500 prod-eu")
        assert "finance will find it in `/credit pending`" in plain(reply)
        assert announcements(bot) == []
        first = bot.run_alerts()
        second = bot.run_alerts()
        (card,) = announcements(bot)
    assert (first.posted, second.posted) == (1, 0)
    (po,) = purchases.list_purchase_orders(ledger)
    assert card.params["text"].startswith(po.number)
    # Where it was posted is kept, so finance's decision updates that message in place.
    assert po.announcement == f"CFINANCE:{card.result['ts']}"


def bought_at_a_terminal_without_slack(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`creditbot buy` at a terminal with no Slack setting: the order waits unannounced."""
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("CREDITBOT_SECRET", TEST_SECRET)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "FINANCE_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["buy", "1 500", "--project", "prod-eu", "--as", "UMEMBER"]) == 0


def test_a_request_made_in_the_terminal_is_announced_by_the_next_run(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bought_at_a_terminal_without_slack(ledger, db_url, monkeypatch)
    with bot_in_process(ledger, "en") as bot:
        bot.run_alerts()
        bot.run_alerts()
        (card,) = announcements(bot)
    (po,) = purchases.list_purchase_orders(ledger)
    assert card.params["text"].startswith(po.number)
    assert po.announcement == f"CFINANCE:{card.result['ts']}"


def test_an_order_decided_before_its_announcement_was_posted_is_not_announced(
    ledger: Ledger,
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    po = purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("500"))
    assert purchases.approve_purchase(ledger, FINANCE, po.number).status is POStatus.APPROVED
    with bot_in_process(ledger, "en") as bot:
        report = bot.run_alerts()
        assert announcements(bot) == []
    assert report.posted == 0


def terminal(monkeypatch: pytest.MonkeyPatch, db_url: str, bot: Bot) -> None:
    """`creditbot` at a terminal of this database, posting to the bot's Slack stand-in."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("CREDITBOT_SECRET", TEST_SECRET)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", bot.standin.api_url)
    monkeypatch.setenv("FINANCE_CHANNEL", "CFINANCE")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)


def test_an_order_bought_at_the_terminal_is_posted_to_finance_by_alerts_run_exactly_once(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        terminal(monkeypatch, db_url, bot)
        assert main(["buy", "1 500", "--project", "prod-eu", "--as", "UMEMBER"]) == 0
        assert announcements(bot) == []  # the terminal posts nothing itself
        assert main(["alerts", "run"]) == 0
        assert main(["alerts", "run"]) == 0
        (card,) = announcements(bot)
    (po,) = purchases.list_purchase_orders(ledger)
    assert card.params["channel"] == "CFINANCE" and card.params["text"].startswith(po.number)
    assert any(b["type"] == "actions" for b in card.params["blocks"])  # Approve and Reject
    assert po.announcement == f"CFINANCE:{card.result['ts']}"


def test_a_terminal_orders_announcement_whose_post_failed_is_posted_by_the_next_alerts_run(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        terminal(monkeypatch, db_url, bot)
        assert main(["buy", "1 500", "--project", "prod-eu", "--as", "UMEMBER"]) == 0
        bot.standin.fail("chat.postMessage", Failure(error="fatal_error"))
        main(["alerts", "run"])
        assert announcements(bot) == []
        (po,) = purchases.list_purchase_orders(ledger)
        assert po.announcement is None
        assert main(["alerts", "run"]) == 0
        assert main(["alerts", "run"]) == 0
        (card,) = announcements(bot)
    (po,) = purchases.list_purchase_orders(ledger)
    assert po.announcement == f"CFINANCE:{card.result['ts']}"


def test_a_decision_in_slack_updates_the_announcement_of_a_terminal_order_in_place(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        terminal(monkeypatch, db_url, bot)
        assert main(["buy", "1 500", "--project", "prod-eu", "--as", "UMEMBER"]) == 0
        assert main(["alerts", "run"]) == 0
        (card,) = announcements(bot)
        (po,) = purchases.list_purchase_orders(ledger)
        bot.click("UFIN", APPROVE, po.number, "CFINANCE", card.result["ts"])
        updates = bot.standin.of("chat.update")
        assert announcements(bot) == [card]  # updated, not posted again
    assert {(u.params["channel"], u.params["ts"]) for u in updates} == {
        ("CFINANCE", card.result["ts"])
    }
    assert not any(b["type"] == "actions" for b in updates[-1].params["blocks"])
    assert "Approved by <@UFIN>" in " ".join(block_texts(updates[-1]))
    assert purchases.get_purchase_order(ledger, po.number).status is POStatus.APPROVED
