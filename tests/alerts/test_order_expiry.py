"""A purchase order still pending after PO_EXPIRE_DAYS expires with the scheduled run: its
finance message is redrawn in place, its requester told, and nobody can decide it any more
(the test clock moves; the bot runs in process against the Slack stand-in)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.cli.__main__ import main
from bot.slack.blocks.purchase_orders import APPROVE, REJECT
from bot.slack.standin import Call, Failure
from ledger.domain import Actor, POStatus
from ledger.errors import AlreadyDecided
from ledger.orm import Lot, Notice
from ledger.services import Ledger, purchases
from ledger.services.dashboard import dashboard
from ledger.services.expiry import SYSTEM_ACTOR
from ledger.services.order_expiry import due_orders, expire_orders
from ledger.services.projects import add_project
from tests.slack.inprocess import Bot, block_texts, bot_in_process, plain
from tests.support import ADMIN, FINANCE, MEMBER, TEST_SECRET, FakeClock, eur, make_ledger


def requested_and_announced(bot: Bot) -> tuple[str, str]:
    """An order requested in Slack by UMEMBER, announced to finance: its number and ts."""
    bot.command("UMEMBER", "buy 500 prod-eu")
    (po,) = purchases.list_purchase_orders(bot.alerts.ledger)
    assert po.announcement is not None
    return po.number, po.announcement.partition(":")[2]


def dms(bot: Bot, user: str) -> list[Call]:
    return [c for c in bot.posts(user) if c.result.get("ok")]


def test_an_order_pending_for_po_expire_days_expires_its_message_redrawn_and_requester_told(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        number, ts = requested_and_announced(bot)
        clock.advance(days=30, seconds=-1)
        assert bot.run_alerts().orders_expired == 0
        assert purchases.get_purchase_order(ledger, number).status is POStatus.PENDING
        clock.advance(seconds=1)
        report = bot.run_alerts()
        bot.run_alerts()
        updates = bot.standin.of("chat.update")
        told = dms(bot, "UMEMBER")
    assert report.orders_expired == 1
    po = purchases.get_purchase_order(ledger, number)
    assert (po.status, po.decided_by, po.decided_at) == (
        POStatus.EXPIRED,
        SYSTEM_ACTOR,
        clock.current,
    )
    (update,) = updates
    assert (update.params["channel"], update.params["ts"]) == ("CFINANCE", ts)
    assert not any(b["type"] == "actions" for b in update.params["blocks"])  # no buttons left
    assert any("after 30 days, never approved" in text for text in block_texts(update))
    (dm,) = told
    assert f"Your purchase order *{number}*" in plain(dm)
    assert "expired after 30 days without being approved" in plain(dm)


def test_an_expired_order_no_longer_counts_as_pending_anywhere(
    ledger: Ledger, clock: FakeClock, project: str
) -> None:
    po = purchases.request_purchase(ledger, MEMBER, project, eur("500"))
    clock.advance(days=31)
    assert due_orders(ledger) == [po.number]
    assert expire_orders(ledger) == [po.number]
    assert expire_orders(ledger) == [] and due_orders(ledger) == []
    assert purchases.list_purchase_orders(ledger, POStatus.PENDING) == []
    assert purchases.pending_at(ledger, clock.current) == []
    assert dashboard(ledger, FINANCE).pending == ()
    with bot_in_process(ledger, "en") as bot:
        said = plain(bot.command("UFIN", "pending"))
    assert "No purchase order is waiting for approval." in said


def test_a_click_on_approve_or_reject_of_an_expired_order_is_refused_and_changes_nothing(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        number, ts = requested_and_announced(bot)
        clock.advance(days=30)
        bot.run_alerts()
        before = len(bot.standin.of("chat.update"))
        bot.click("UFIN", APPROVE, number, "CFINANCE", ts)
        approve_answer = plain(bot.standin.of("response")[-1])
        bot.click("UFIN", REJECT, number, "CFINANCE", ts)
        reject_answer = plain(bot.standin.of("response")[-1])
        assert bot.standin.of("views.open") == []  # no reason asked for
        assert len(bot.standin.of("chat.update")) == before
    for answer in (approve_answer, reject_answer):
        assert f"{number} expired on " in answer and "never approved" in answer
        assert "Nothing was changed." in answer
    assert purchases.get_purchase_order(ledger, number).status is POStatus.EXPIRED
    with ledger.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Lot)) == 0


def test_the_requester_can_no_longer_cancel_an_expired_order(
    ledger: Ledger, clock: FakeClock, project: str
) -> None:
    po = purchases.request_purchase(ledger, MEMBER, project, eur("500"))
    clock.advance(days=30)
    expire_orders(ledger)
    with pytest.raises(AlreadyDecided, match="expired on"):
        purchases.cancel_purchase(ledger, MEMBER, po.number)
    with pytest.raises(AlreadyDecided, match="expired on"):
        purchases.approve_purchase(ledger, FINANCE, po.number)
    with pytest.raises(AlreadyDecided, match="expired on"):
        purchases.reject_purchase(ledger, FINANCE, po.number, "too late")
    with bot_in_process(ledger, "en") as bot:
        said = plain(bot.command("UMEMBER", f"cancel {po.number}"))
    assert f"{po.number} expired on " in said and "Nothing was changed." in said
    assert purchases.get_purchase_order(ledger, po.number).status is POStatus.EXPIRED


def test_an_order_of_the_autopilot_expires_without_a_message_to_the_autopilot(
    ledger: Ledger, clock: FakeClock, project: str
) -> None:
    po = purchases.request_purchase(ledger, Actor("autopilot"), project, eur("500"))
    clock.advance(days=30)
    with bot_in_process(ledger, "en") as bot:
        bot.run_alerts()
        assert bot.posts("autopilot") == []
        assert bot.standin.of("conversations.open") == []
    with ledger.db.read() as session:
        keys = session.scalars(select(Notice.key).where(Notice.kind == "po_expired")).all()
    assert keys == [f"po_expired:{po.number}:finance"]


def test_a_failed_update_of_an_expired_orders_message_is_retried_by_the_next_run(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        _, ts = requested_and_announced(bot)
        clock.advance(days=30)
        bot.standin.fail("chat.update", Failure(error="ratelimited"))
        first = bot.run_alerts()
        second = bot.run_alerts()
        third = bot.run_alerts()
        updates = [c for c in bot.standin.of("chat.update") if c.result.get("ok")]
        told = dms(bot, "UMEMBER")
    assert first.retry_later == 1 and second.retry_later == 0 and third.posted == 0
    assert [(u.params["channel"], u.params["ts"]) for u in updates] == [("CFINANCE", ts)]
    assert len(told) == 1


def test_an_expired_order_never_announced_is_shown_expired_in_the_finance_channel(
    ledger: Ledger, clock: FakeClock, project: str
) -> None:
    po = purchases.request_purchase(ledger, MEMBER, project, eur("500"))
    clock.advance(days=30)
    with bot_in_process(ledger, "en") as bot:
        bot.run_alerts()
        cards = [c for c in bot.posts("CFINANCE") if plain(c).startswith(po.number)]
    (card,) = cards  # the announcement was dropped: its order was no longer pending
    assert any("never approved" in text for text in block_texts(card))
    assert not any(b["type"] == "actions" for b in card.params["blocks"])


def test_an_expired_order_reads_in_french_for_finance_and_for_a_french_requester(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "fr_FR", UMEMBER="fr-FR") as bot:
        number, _ = requested_and_announced(bot)
        clock.advance(days=30)
        bot.run_alerts()
        (update,) = bot.standin.of("chat.update")
        (dm,) = dms(bot, "UMEMBER")
    assert any("après 30 jours, jamais approuvé" in text for text in block_texts(update))
    assert f"Votre bon de commande *{number}*" in plain(dm)
    assert "a expiré après 30 jours sans être approuvé" in plain(dm)


def test_the_command_line_shows_an_expired_order_as_expired_in_both_languages(
    ledger: Ledger,
    clock: FakeClock,
    project: str,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    po = purchases.request_purchase(ledger, MEMBER, project, eur("500"))
    clock.advance(days=30, hours=1)
    expire_orders(ledger)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("CREDITBOT_SECRET", TEST_SECRET)
    monkeypatch.setenv("FINANCE_APPROVERS", "UFINANCE")
    assert main(["po", "list", "--status", "expired", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["po"], row["status"], row["decided_by"]) == (po.number, "expired", SYSTEM_ACTOR)
    assert main(["po", "list"]) == 0
    english = capsys.readouterr().out
    assert "[expired]" in english and "expired on " in english and "never approved" in english
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert main(["po", "list"]) == 0
    french = capsys.readouterr().out
    assert "[expiré]" in french and "expiré le " in french
    assert main(["po", "approve", po.number, "--as", "UFINANCE"]) != 0
    assert "a expiré le" in capsys.readouterr().err


def test_an_order_expires_after_the_days_the_ledger_is_configured_with(
    db_url: str, clock: FakeClock
) -> None:
    short = make_ledger(db_url, clock, po_expire_days=2)
    try:
        add_project(short, ADMIN, "p", "P")
        po = purchases.request_purchase(short, MEMBER, "p", eur("5"))
        clock.advance(days=2, seconds=-1)
        assert expire_orders(short) == []
        clock.advance(seconds=1)
        assert expire_orders(short) == [po.number]
    finally:
        short.db.dispose()


def test_the_runs_summary_counts_the_orders_it_expired(ledger: Ledger, clock: FakeClock) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    for _ in range(2):
        purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("5"))
    clock.advance(days=30)
    with bot_in_process(ledger, "en") as bot:
        report = bot.run_alerts()
        assert "expired 2 purchase orders" in report.summary()
        assert "purchase order" not in bot.run_alerts().summary()
