"""The quick run, every OUTBOX_MINUTES: orders past PO_EXPIRE_DAYS expire, due reminders
are claimed and every pending notice of the outbox is delivered, the same way the daily
run ends; the daily run keeps lots, warnings, digests and the autopilot. Run together,
and by replicas, they post each notice once (the test clock moves; the bot runs in
process against the Slack stand-in)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.cli.__main__ import main
from bot.composition import build_alerts, build_job_scheduler
from bot.i18n import translator
from bot.jobs.alerts import Alerts, Pacer
from bot.jobs.scheduler import CATCH_UP_JOB, DAILY_JOB, OUTBOX_JOB, build_scheduler
from bot.run_outcome import read
from bot.settings import Settings
from bot.slack.app import build_client
from bot.slack.blocks.home import home_view
from bot.slack.standin import Call, SlackStandIn
from ledger.domain import Actor, POStatus, Role
from ledger.orm import Notice
from ledger.services import Ledger, purchases
from ledger.services.dashboard import dashboard
from ledger.services.health import OUTBOX_RUN, SCHEDULED_RUN, health
from ledger.services.projects import add_project
from tests.alerts.test_purchase_announcements import (
    announcements,
    bought_at_a_terminal_without_slack,
    terminal,
)
from tests.slack.inprocess import bot_in_process, plain
from tests.support import ADMIN, FINANCE, MEMBER, FakeClock, eur, make_ledger

ADMINS = frozenset({Role.MEMBER, Role.ADMIN})


def reminders(standin: SlackStandIn) -> list[Call]:
    return [
        c
        for c in standin.of("chat.postMessage")
        if c.result.get("ok") and str(c.params.get("text", "")).startswith(":alarm_clock:")
    ]


def notices_by_status(ledger: Ledger) -> list[tuple[str, str]]:
    with ledger.db.read() as session:
        rows = session.execute(select(Notice.key, Notice.status).order_by(Notice.key)).all()
    return [(key, status) for key, status in rows]


def test_the_scheduler_runs_the_quick_job_every_outbox_minutes_after_the_catch_up_run(
    settings: Settings, real_clock_ledger: Ledger
) -> None:
    chosen = settings.model_copy(update={"outbox_minutes": 5})
    scheduler = build_scheduler(chosen, lambda: None, outbox_job=lambda: None)
    scheduler.start(paused=True)
    try:
        assert sorted(job.id for job in scheduler.get_jobs()) == sorted(
            [DAILY_JOB, CATCH_UP_JOB, OUTBOX_JOB]
        )
        quick = scheduler.get_job(OUTBOX_JOB)
        assert quick.trigger.interval == timedelta(minutes=5)
        # The catch-up run delivers at start-up; the first quick run comes one interval on.
        wait = quick.next_run_time - datetime.now(UTC)
        assert timedelta(minutes=4) < wait <= timedelta(minutes=5)
    finally:
        scheduler.shutdown(wait=False)
    built = build_job_scheduler(settings, real_clock_ledger)
    built.start(paused=True)
    try:
        job = built.get_job(OUTBOX_JOB)
        assert job.func.__name__ == "run_outbox" and isinstance(job.func.__self__, Alerts)
        assert job.trigger.interval == timedelta(minutes=15)
    finally:
        built.shutdown(wait=False)


def test_an_order_bought_at_the_terminal_is_announced_by_the_quick_job_within_outbox_minutes(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bought_at_a_terminal_without_slack(ledger, db_url, monkeypatch)
    with bot_in_process(ledger, "en") as bot:
        scheduler = build_scheduler(
            bot.alerts.settings, bot.alerts.run, outbox_job=bot.alerts.run_outbox
        )
        scheduler.start(paused=True)
        try:
            job = scheduler.get_job(OUTBOX_JOB)
            assert job.next_run_time - datetime.now(UTC) <= timedelta(minutes=15)
            job.func()  # what the scheduler runs then
            job.func()
        finally:
            scheduler.shutdown(wait=False)
        (card,) = announcements(bot)
    (po,) = purchases.list_purchase_orders(ledger)
    assert card.params["text"].startswith(po.number)
    assert po.announcement == f"CFINANCE:{card.result['ts']}"


def test_a_reminder_due_after_four_hours_is_posted_by_the_next_quick_run_not_next_morning(
    db_url: str, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # 11:00 in Paris, after ALERT_TIME
    ledger = make_ledger(db_url, clock, po_remind_hours=4)
    try:
        add_project(ledger, ADMIN, "prod-eu", "Prod EU")
        with bot_in_process(ledger, "en") as bot:
            bot.command("UMEMBER", "buy 500 prod-eu")
            (po,) = purchases.list_purchase_orders(ledger)
            clock.advance(hours=3, minutes=55)
            assert bot.alerts.run_outbox().posted == 0
            clock.advance(minutes=15)  # the next quick run, the same afternoon
            report = bot.alerts.run_outbox()
            bot.alerts.run_outbox()
            said = reminders(bot.standin)
    finally:
        ledger.db.dispose()
    assert report.posted == 1
    (reminder,) = said
    assert reminder.params.get("thread_ts") == (po.announcement or "").partition(":")[2]
    assert "Reminder 1 of 3: *" + po.number + "* has waited 4 hours" in plain(reminder)


def test_an_order_past_po_expire_days_is_expired_by_the_quick_run(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 500 prod-eu")
        (po,) = purchases.list_purchase_orders(ledger)
        clock.advance(days=30, seconds=-1)
        assert bot.alerts.run_outbox().orders_expired == 0
        clock.advance(seconds=1)
        report = bot.alerts.run_outbox()
        again = bot.alerts.run_outbox()
        updates = bot.standin.of("chat.update")
        told = [c for c in bot.posts("UMEMBER") if c.result.get("ok")]
    assert (report.orders_expired, again.orders_expired) == (1, 0)
    assert purchases.get_purchase_order(ledger, po.number).status is POStatus.EXPIRED
    (update,) = updates
    assert update.params["ts"] == (po.announcement or "").partition(":")[2]
    assert len(told) == 1


def test_the_quick_run_leaves_lots_warnings_and_digests_to_the_daily_run(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    bought = purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("100"))
    purchases.approve_purchase(ledger, FINANCE, bought.number)
    purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("200"))  # to expire
    clock.advance(days=367)
    purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("300"))  # to be a digest's
    clock.advance(days=3)  # the lot expires within 30 days: its first warning is due
    with bot_in_process(ledger, "en") as bot:
        quick = bot.alerts.run_outbox()
        kinds = {key.split(":")[0] for key, _ in notices_by_status(ledger)}
        assert (quick.orders_expired, quick.expired) == (1, 0)
        assert "reminder" in kinds and not kinds & {"warning", "digest"}
        bot.alerts.run()
        kinds = {key.split(":")[0] for key, _ in notices_by_status(ledger)}
        assert {"warning", "digest"} <= kinds
        clock.advance(days=30)
        assert bot.alerts.run_outbox().expired == 0
        assert bot.alerts.run().expired == 1
    assert "expired" not in (read(health(ledger).runs[OUTBOX_RUN].outcome or "") or {})


def pending_orders_and_reminders(ledger: Ledger, clock: FakeClock) -> int:
    """Three orders requested at the terminal, unannounced, their first reminder due:
    six notices to post."""
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    for amount in ("100", "200", "300"):
        purchases.request_purchase(ledger, MEMBER, "prod-eu", eur(amount))
    clock.advance(hours=5)
    return 6


def run_together(jobs: list[Callable[[], object]]) -> None:
    barrier = Barrier(len(jobs))

    def go(job: Callable[[], object]) -> None:
        barrier.wait()
        job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        list(pool.map(go, jobs))
    for job in jobs:  # and once more each, one after the other
        job()


def posted_once(standin: SlackStandIn, ledger: Ledger, owed: int) -> None:
    said = [c for c in standin.of("chat.postMessage") if c.result.get("ok")]
    texts = [str(c.params.get("text")) for c in said]
    assert len(texts) == owed and len(set(texts)) == owed
    assert len([t for t in texts if t.startswith(":alarm_clock:")]) == 3
    assert {status for _, status in notices_by_status(ledger)} == {"posted"}


def test_the_daily_and_quick_runs_together_post_each_notice_once(
    ledger: Ledger, clock: FakeClock, db_url: str, standin: SlackStandIn, settings: Settings
) -> None:
    owed = pending_orders_and_reminders(ledger, clock)
    one = make_ledger(db_url, clock, po_remind_hours=4)
    try:
        alerts = build_alerts(settings, one, client=build_client(settings), pacer=Pacer(0))
        run_together([alerts.run, alerts.run_outbox])
    finally:
        one.db.dispose()
    posted_once(standin, ledger, owed)


def test_two_replicas_each_running_both_jobs_post_each_notice_once(
    ledger: Ledger, clock: FakeClock, db_url: str, standin: SlackStandIn, settings: Settings
) -> None:
    owed = pending_orders_and_reminders(ledger, clock)
    replicas = [make_ledger(db_url, clock, po_remind_hours=4) for _ in range(2)]
    try:
        runs = [
            build_alerts(settings, replica, client=build_client(settings), pacer=Pacer(0))
            for replica in replicas
        ]
        run_together([job for alerts in runs for job in (alerts.run, alerts.run_outbox)])
    finally:
        for replica in replicas:
            replica.db.dispose()
    posted_once(standin, ledger, owed)


def test_the_quick_run_is_recorded_in_the_health_view_and_shown_on_the_admin_home(
    ledger: Ledger,
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("100"))
    with bot_in_process(ledger, "en") as bot:
        bot.alerts.run_outbox()
    runs = health(ledger).runs
    assert SCHEDULED_RUN not in runs
    assert runs[OUTBOX_RUN].finished_at is not None
    assert runs[OUTBOX_RUN].outcome == "claimed=0;posted=1;retry_later=0;undeliverable=0"
    t = translator("en", ZoneInfo("Europe/Paris"))
    text = str(home_view(ADMINS, dashboard(ledger, Actor("UADMIN", ADMINS)), t))
    assert "Last alert run*: never" in text
    assert "Last outbox delivery*: " in text and "posted 1 message" in text


@pytest.mark.parametrize("value", ["0", "1441", "-5", "soon"])
def test_an_outbox_minutes_outside_one_to_1440_stops_the_command_line_with_one_line(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OUTBOX_MINUTES", value)
    assert main(["alerts", "status"]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "OUTBOX_MINUTES" in err.upper()


def test_outbox_minutes_is_fifteen_by_default_and_takes_one_to_1440() -> None:
    def minutes(**values: object) -> int:
        return Settings(_env_file=None, **values).outbox_minutes  # type: ignore[call-arg, arg-type]

    assert (minutes(), minutes(outbox_minutes=1), minutes(outbox_minutes=1440)) == (15, 1, 1440)


def test_the_dry_run_lists_the_notices_waiting_in_the_outbox_and_changes_nothing(
    ledger: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    with bot_in_process(ledger, "en") as bot:
        terminal(monkeypatch, db_url, bot)
        assert main(["buy", "1 500", "--project", "prod-eu", "--as", "UMEMBER"]) == 0
        decided = purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("700"))
        purchases.approve_purchase(ledger, FINANCE, decided.number)  # its announcement: moot
        before = notices_by_status(ledger)
        capsys.readouterr()
        assert main(["alerts", "run", "--dry-run"]) == 0
        out = capsys.readouterr().out
        assert bot.standin.of("chat.postMessage") == []
    waiting = next(
        po for po in purchases.list_purchase_orders(ledger) if po.number != decided.number
    )
    assert "nothing to post" not in out
    assert "CFINANCE" in out and waiting.number in out and decided.number not in out
    assert notices_by_status(ledger) == before
    assert ("purchase:" + decided.number, "pending") in before


def test_the_dry_run_leaves_out_what_waits_for_an_order_the_run_would_expire_first(
    ledger: Ledger, clock: FakeClock
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    kept = purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("100"))
    clock.advance(days=29, hours=12)
    fresh = purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("200"))
    clock.advance(hours=12)  # the first order is due to expire, the second to be announced
    before = notices_by_status(ledger)
    with bot_in_process(ledger, "en") as bot:
        report = bot.alerts.run(dry_run=True)
    said = [draft.text for _, draft in report.planned]
    assert report.orders_expired == 1
    assert any(text.startswith(fresh.number) for text in said)
    assert not any(kept.number in text for text in said)
    assert notices_by_status(ledger) == before
