"""A pending purchase order is reminded in its finance thread after PO_REMIND_HOURS, then
once a day, at most three times; each reminder exactly once across runs, restarts and
replicas (the test clock moves; the bot runs in process against the Slack stand-in)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier

from sqlalchemy import select, update

from bot.composition import build_alerts
from bot.jobs.alerts import Pacer
from bot.settings import Settings
from bot.slack.app import build_client
from bot.slack.standin import Call, Failure, SlackStandIn
from ledger.domain import POStatus
from ledger.orm import Approval, Notice, PurchaseOrder
from ledger.services import Ledger, purchases
from ledger.services.order_reminders import due_reminder
from ledger.services.projects import add_project
from tests.slack.inprocess import Bot, block_texts, bot_in_process, plain
from tests.support import ADMIN, FINANCE, MEMBER, FakeClock, eur, make_ledger


def reminders(bot: Bot | SlackStandIn) -> list[Call]:
    standin = bot.standin if isinstance(bot, Bot) else bot
    return [
        c
        for c in standin.of("chat.postMessage")
        if c.result.get("ok") and str(c.params.get("text", "")).startswith(":alarm_clock:")
    ]


def test_reminder_n_falls_due_after_po_remind_hours_and_then_each_day_up_to_three() -> None:
    made = datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert due_reminder(made, made + timedelta(hours=23, minutes=59), 24) == 0
    assert due_reminder(made, made + timedelta(hours=24), 24) == 1
    assert due_reminder(made, made + timedelta(hours=47, minutes=59), 24) == 1
    assert due_reminder(made, made + timedelta(hours=48), 24) == 2
    assert due_reminder(made, made + timedelta(days=3), 24) == 3
    assert due_reminder(made, made + timedelta(days=300), 24) == 3
    assert due_reminder(made, made + timedelta(hours=5), 4) == 1


def test_a_pending_order_is_reminded_in_its_finance_thread_after_a_day_then_daily_at_most_three(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        (po,) = purchases.list_purchase_orders(ledger)
        assert po.announcement is not None
        channel, _, ts = po.announcement.partition(":")
        clock.advance(hours=23, minutes=59)
        bot.run_alerts()
        assert reminders(bot) == []
        clock.advance(minutes=1)
        bot.run_alerts()
        bot.run_alerts()
        (first,) = reminders(bot)
        for _ in range(4):
            clock.advance(days=1)
            bot.run_alerts()
            bot.run_alerts()
        said = reminders(bot)
    assert [(c.params["channel"], c.params.get("thread_ts")) for c in said] == [(channel, ts)] * 3
    texts = [plain(c) for c in said]
    assert "Reminder 1 of 3: *" + po.number + "* has waited 24 hours for a decision." in texts[0]
    assert "€500.00 excl. tax for *Prod EU*, requested by <@UMEMBER>." in texts[0]
    assert "It needs 1 finance approval." in texts[0]
    assert "Reminder 2 of 3" in texts[1] and "has waited 2 days" in texts[1]
    assert "Reminder 3 of 3" in texts[2] and "has waited 3 days" in texts[2]
    assert any("it expires on" in text for text in block_texts(first))


def test_a_bot_down_for_days_posts_one_reminder_not_one_per_missed_day(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        clock.advance(days=3, hours=2)
        bot.run_alerts()
        (late,) = reminders(bot)
        clock.advance(days=1)
        bot.run_alerts()
        assert reminders(bot) == [late]
    assert "Reminder 3 of 3" in plain(late) and "has waited 3 days" in plain(late)


def test_a_reminder_is_not_posted_again_by_a_restarted_bot(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        clock.advance(hours=25)
        bot.run_alerts()
        assert len(reminders(bot)) == 1
    for days in (0, 1):  # a new process, the same hour, then the next day
        clock.advance(days=days)
        with bot_in_process(ledger, "en") as restarted:
            restarted.run_alerts()
            restarted.run_alerts()
            said = [plain(c) for c in reminders(restarted)]
        assert said == ([] if days == 0 else [said[0]])
    assert "Reminder 2 of 3" in said[0]


def test_two_replicas_on_one_database_post_each_reminder_once(
    ledger: Ledger, clock: FakeClock, db_url: str, standin: SlackStandIn, settings: Settings
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("500"))
    replicas = [make_ledger(db_url, clock) for _ in range(2)]
    runs = [
        build_alerts(settings, replica, client=build_client(settings), pacer=Pacer(interval=0))
        for replica in replicas
    ]
    barrier = Barrier(2)

    def run(i: int) -> None:
        barrier.wait()
        runs[i].run()

    try:
        for _ in range(3):
            clock.advance(days=1)
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(run, range(2)))
            for replica in runs:  # and once more each, one after the other
                replica.run()
    finally:
        for replica in replicas:
            replica.db.dispose()
    said = [plain(c) for c in reminders(standin)]
    assert [text.split(":")[2].strip().split(" ")[1] for text in said] == ["1", "2", "3"]
    with ledger.db.read() as session:
        keys = session.scalars(select(Notice.key).where(Notice.kind == "reminder")).all()
    assert sorted(keys) == [f"reminder:PO-2026-000001:{n}" for n in (1, 2, 3)]


def test_a_reminder_says_which_approvals_an_order_has_and_how_many_it_still_needs(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        with ledger.db.write() as session:  # a 3-approval order, approved once so far
            row = session.scalars(select(PurchaseOrder)).one()
            session.execute(update(PurchaseOrder).values(approvals_needed=3))
            session.add(Approval(purchase_order_id=row.id, approver="UFIN", at=clock()))
        clock.advance(days=1)
        bot.run_alerts()
        (reminder,) = reminders(bot)
    text = plain(reminder)
    assert "1 of 3 approvals so far: <@UFIN> (" in text
    assert "Still needed: 2 more." in text


def test_an_order_decided_before_its_reminder_is_not_reminded(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        (po,) = purchases.list_purchase_orders(ledger)
        clock.advance(hours=23)
        purchases.approve_purchase(ledger, FINANCE, po.number)
        clock.advance(days=3)
        bot.run_alerts()
        assert reminders(bot) == []


def test_a_failed_reminder_is_retried_once_then_replaced_by_the_next_days_not_both(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        clock.advance(days=1)
        bot.standin.fail("chat.postMessage", Failure(error="fatal_error"))
        first = bot.run_alerts()
        assert (first.retry_later, reminders(bot)) == (1, [])
        clock.advance(hours=1)
        bot.run_alerts()  # the same day: reminder 1, retried
        assert ["Reminder 1 of 3" in plain(c) for c in reminders(bot)] == [True]
        # The second day: finance's digest of old orders (PO_REMINDER_DAYS), then reminder 2.
        bot.standin.fail("chat.postMessage", *[Failure(error="fatal_error")] * 2)
        clock.advance(days=1)
        bot.run_alerts()  # reminder 2 fails …
        clock.advance(days=1)
        bot.run_alerts()  # … and reminder 3 takes its place: one post, not two
        said = [plain(c) for c in reminders(bot)]
    assert ["Reminder 1 of 3" in said[0], "Reminder 3 of 3" in said[1], len(said)] == [
        True,
        True,
        2,
    ]


def test_an_order_whose_announcement_never_went_out_is_reminded_in_the_finance_channel(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("500"))
    clock.advance(days=1)
    with bot_in_process(ledger, "en") as bot:
        # The announcement's post fails; the reminder, posted after it, finds no thread.
        bot.standin.fail("chat.postMessage", Failure(error="fatal_error"))
        bot.run_alerts()
        (reminder,) = reminders(bot)
    assert reminder.params["channel"] == "CFINANCE"
    assert not reminder.params.get("thread_ts")


def test_a_reminder_reads_in_french_in_a_french_workspace(ledger: Ledger, clock: FakeClock) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "fr_FR") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        clock.advance(days=2)
        bot.run_alerts()
        (reminder,) = reminders(bot)
    text = str(reminder.params["text"])
    assert "Relance 2 sur 3\u00a0: *PO-2026-000001* attend une décision depuis 2 jours." in text
    assert "500,00\u00a0€ HT pour *Prod EU*, demandé par <@UMEMBER>." in text
    assert "Il lui faut 1 approbation de la finance." in text


def test_a_dry_run_shows_the_reminder_due_and_the_orders_to_expire_and_changes_nothing(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    old = purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("5"))
    clock.advance(days=29)
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        (_, young) = purchases.list_purchase_orders(ledger)
        clock.advance(days=1, hours=1)
        report = bot.alerts.run(dry_run=True)
        assert bot.standin.of("chat.update") == [] and reminders(bot) == []
    assert report.orders_expired == 1
    assert purchases.get_purchase_order(ledger, old.number).status is POStatus.PENDING
    ((place, draft),) = [(p, d) for p, d in report.planned if "Reminder" in d.text]
    assert place == young.announcement and f"*{young.number}*" in draft.text


def test_a_reminder_whose_post_failed_is_dropped_once_the_order_is_decided(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        (po,) = purchases.list_purchase_orders(ledger)
        clock.advance(days=1)
        bot.standin.fail("chat.postMessage", Failure(error="fatal_error"))
        assert bot.run_alerts().retry_later == 1
        purchases.approve_purchase(ledger, FINANCE, po.number)
        clock.advance(hours=1)
        bot.run_alerts()
        assert reminders(bot) == []
    with ledger.db.read() as session:
        (status,) = session.scalars(select(Notice.status).where(Notice.kind == "reminder"))
    assert status == "dropped"
