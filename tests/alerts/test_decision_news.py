"""A purchase order decided at the terminal (`creditbot po approve|reject|cancel`) reaches
Slack as a click would: the quick run redraws finance's message in place, tells the
requester and the project's channels, and redraws finance's Homes, each exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.cli.__main__ import main
from bot.slack.blocks.purchase_orders import APPROVE, REJECT
from bot.slack.standin import Call
from ledger.domain import POStatus
from ledger.services import Ledger, purchases
from ledger.services.notices import counts
from ledger.services.projects import add_project, link_channel
from tests.alerts.test_purchase_announcements import announcements, terminal
from tests.slack.inprocess import Bot, action_ids, block_texts, bot_in_process, plain
from tests.support import ADMIN, MEMBER, FakeClock, eur


def updates(bot: Bot, ts: str) -> list[Call]:
    return [c for c in bot.standin.of("chat.update") if c.params["ts"] == ts]


def dms(bot: Bot, user: str) -> list[Call]:
    return bot.posts(user)


def announced(
    ledger: Ledger, bot: Bot, monkeypatch: pytest.MonkeyPatch, db_url: str, tiers: str = ""
) -> Call:
    """A project with a channel, an order bought at the terminal by UMEMBER (under the
    terminal's APPROVAL_TIERS), and its announcement posted to finance by the quick run."""
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    link_channel(ledger, ADMIN, "prod-eu", "CPROD")
    terminal(monkeypatch, db_url, bot)
    monkeypatch.setenv("APPROVAL_TIERS", tiers)
    monkeypatch.setenv("FINANCE_APPROVERS", "UFIN,UFIN2")
    assert main(["buy", "6 000", "--project", "prod-eu", "--as", "UMEMBER"]) == 0
    bot.alerts.run_outbox()
    (card,) = announcements(bot)
    return card


def number_of(ledger: Ledger) -> str:
    (po,) = purchases.list_purchase_orders(ledger)
    return po.number


def test_an_order_approved_at_the_terminal_is_redrawn_for_finance_and_told_to_requester_and_channel(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with bot_in_process(ledger, "en") as bot:
        card = announced(ledger, bot, monkeypatch, db_url)
        assert main(["po", "approve", number_of(ledger), "--as", "UFIN"]) == 0
        assert updates(bot, card.result["ts"]) == []  # the terminal posts nothing itself
        report = bot.alerts.run_outbox()
        (redrawn,) = updates(bot, card.result["ts"])
        (told,) = dms(bot, "UMEMBER")
        (arrived,) = bot.posts("CPROD")
    assert report.posted == 3
    assert redrawn.params["channel"] == "CFINANCE"
    assert not action_ids(redrawn) & {APPROVE, REJECT}
    assert "Approved by <@UFIN>" in " ".join(block_texts(redrawn))
    assert "approved" in plain(told) and "6,000.00" in plain(told)
    assert "6,000.00" in plain(arrived)


def test_an_approval_at_the_terminal_that_is_not_the_last_shows_the_approvals_and_keeps_buttons(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with bot_in_process(ledger, "en") as bot:
        card = announced(ledger, bot, monkeypatch, db_url, tiers="5000:2")
        assert main(["po", "approve", number_of(ledger), "--as", "UFIN"]) == 0
        bot.alerts.run_outbox()
        (redrawn,) = updates(bot, card.result["ts"])
        assert dms(bot, "UMEMBER") == [] and bot.posts("CPROD") == []
        assert main(["po", "approve", number_of(ledger), "--as", "UFIN2"]) == 0
        bot.alerts.run_outbox()
        first, last = updates(bot, card.result["ts"])
    assert first == redrawn
    assert {APPROVE, REJECT} <= action_ids(redrawn)
    assert "1 of 2 approvals: <@UFIN>" in " ".join(block_texts(redrawn))
    assert not action_ids(last) & {APPROVE, REJECT}
    assert "2 of 2 approvals" in " ".join(block_texts(last))


def test_a_rejection_at_the_terminal_tells_the_requester_why_and_the_channel_nothing(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with bot_in_process(ledger, "en") as bot:
        card = announced(ledger, bot, monkeypatch, db_url)
        number = number_of(ledger)
        assert main(["po", "reject", number, "--reason", "not this quarter", "--as", "UFIN"]) == 0
        bot.alerts.run_outbox()
        (redrawn,) = updates(bot, card.result["ts"])
        (told,) = dms(bot, "UMEMBER")
        assert bot.posts("CPROD") == []
    assert "Rejected by <@UFIN>" in " ".join(block_texts(redrawn))
    assert "not this quarter" in plain(told)


def test_the_news_of_a_terminal_decision_is_posted_once_however_many_runs_follow(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with bot_in_process(ledger, "en") as bot:
        card = announced(ledger, bot, monkeypatch, db_url)
        assert main(["po", "approve", number_of(ledger), "--as", "UFIN"]) == 0
        bot.alerts.run_outbox()
        bot.alerts.run_outbox()
        monkeypatch.setenv("DIGEST_DAY", "off")  # the weekly digest is news of its own
        assert main(["alerts", "run"]) == 0
        assert len(updates(bot, card.result["ts"])) == 1
        assert len(dms(bot, "UMEMBER")) == 1 and len(bot.posts("CPROD")) == 1
    assert counts(ledger).get("pending", 0) == 0


def test_an_order_bought_and_approved_at_the_terminal_before_any_run_gets_one_finance_message(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        terminal(monkeypatch, db_url, bot)
        monkeypatch.setenv("FINANCE_APPROVERS", "UFIN")
        assert main(["buy", "500", "--project", "prod-eu", "--as", "UMEMBER"]) == 0
        assert main(["po", "approve", number_of(ledger), "--as", "UFIN"]) == 0
        bot.alerts.run_outbox()
        bot.alerts.run_outbox()
        (card,) = bot.posts("CFINANCE")
    assert not action_ids(card) & {APPROVE, REJECT}
    assert "Approved by <@UFIN>" in " ".join(block_texts(card))


def test_a_decision_in_slack_owes_the_outbox_nothing_more(ledger: Ledger) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    link_channel(ledger, ADMIN, "prod-eu", "CPROD")
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        (card,) = announcements(bot)
        number = number_of(ledger)
        bot.click("UFIN", APPROVE, number, "CFINANCE", card.result["ts"])
        assert purchases.get_purchase_order(ledger, number).status is POStatus.APPROVED
        told = (len(dms(bot, "UMEMBER")), len(bot.posts("CPROD")))
        report = bot.alerts.run_outbox()
        assert (len(dms(bot, "UMEMBER")), len(bot.posts("CPROD"))) == told == (1, 1)
    assert report.posted == 0


def test_finance_homes_are_drawn_again_after_a_terminal_decision_and_after_an_order_expires(
    ledger: Ledger, clock: FakeClock, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def homes(bot: Bot) -> int:
        return sum(c.params.get("user_id") == "UFIN" for c in bot.standin.of("views.publish"))

    with bot_in_process(ledger, "en") as bot:
        announced(ledger, bot, monkeypatch, db_url)
        before = homes(bot)
        assert main(["po", "approve", number_of(ledger), "--as", "UFIN"]) == 0
        bot.alerts.run_outbox()
        after_decision = homes(bot)
        later = purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("10"))
        bot.alerts.run_outbox()
        unchanged = homes(bot)
        clock.set(later.created_at + timedelta(days=31))
        bot.alerts.run_outbox()
        after_expiry = homes(bot)
    assert after_decision == before + 1
    assert unchanged == after_decision  # an announcement alone redraws no Home
    assert after_expiry == unchanged + 1
    assert purchases.get_purchase_order(ledger, later.number).status is POStatus.EXPIRED
