"""Delivering notices: failures are retried once Slack is back, unreachable channels are
reported once, channels are paced, and neither a restart nor rival processes repeat a post."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time

from bot.composition import build_alerts
from bot.jobs.alerts import Alerts, Pacer
from bot.jobs.scheduler import CATCH_UP_JOB, DAILY_JOB, build_scheduler
from bot.settings import Settings
from bot.slack.standin import Failure, SlackStandIn
from ledger.domain import Actor, Role
from ledger.services import Ledger
from ledger.services.audit import export_json
from ledger.services.notices import (
    STUCK_AFTER,
    begin,
    claim_warnings,
    counts,
    delivery_status,
    pending,
)
from ledger.services.projects import add_project, link_channel
from ledger.services.purchases import request_purchase
from ledger.services.vouchers import issue_voucher, redeem_voucher
from tests.alerts.test_warnings import FREEZE_IGNORE, paris, posts
from tests.support import environment_without_slack, eur

ADMIN = Actor("UADMIN", frozenset({Role.ADMIN}))
FIN = Actor("UFIN", frozenset({Role.FINANCE}))


def expiring_lots(ledger: Ledger, projects: int = 1, until: date = date(2026, 11, 20)) -> None:
    for i in range(projects):
        pid = f"p{i}"
        add_project(ledger, ADMIN, pid, f"Project {i}")
        link_channel(ledger, ADMIN, pid, f"CPROJ{i}")
        code = issue_voucher(ledger, FIN, eur("10"), until).code
        redeem_voucher(ledger, Actor("UMEM"), code, pid)


def test_slack_failing_with_500_then_429_posts_the_warnings_on_the_next_run_once(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 1, 9, 0), ignore=FREEZE_IGNORE) as frozen:
        expiring_lots(real_clock_ledger)
        standin.fail("chat.postMessage", Failure(status=500))
        first = alerts().run()
        assert first.retry_later == 1 and first.posted == 0
        # Next run: rate limited once with Retry-After: 1, which the client honours, then accepted.
        standin.fail("chat.postMessage", Failure(status=429, error="ratelimited", retry_after=1))
        frozen.tick(86400)
        started = (
            os.times().elapsed
        )  # freezegun holds the clocks still; Retry-After takes real time
        second = alerts().run()
        assert second.posted == 1 and os.times().elapsed - started >= 1
        third = alerts().run()
        assert third.posted == 0
    attempts = standin.of("chat.postMessage")
    assert len(attempts) == 3  # 500, 429, then the one that was accepted
    assert [c.result.get("ok") for c in attempts] == [False, False, True]


def test_a_channel_the_bot_was_removed_from_is_reported_to_finance_once_and_not_retried(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 1, 9, 0), ignore=FREEZE_IGNORE) as frozen:
        expiring_lots(real_clock_ledger)
        standin.fail("chat.postMessage", Failure(error="not_in_channel"))
        report = alerts().run()
        assert report.undeliverable == 1
        for _ in range(3):
            frozen.tick(86400)
            alerts().run()
    reports = posts(standin, "CFINANCE", "could not post")
    assert len(reports) == 1 and "not_in_channel" in reports[0]
    assert (
        len([c for c in standin.of("chat.postMessage") if c.params.get("channel") == "CPROJ0"]) == 1
    )
    assert counts(real_clock_ledger).get("undeliverable") == 1


def test_at_most_one_message_per_second_goes_to_a_channel() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(interval=1.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait("C1")
    pacer.wait("C2")
    now[0] += 0.25
    pacer.wait("C1")
    pacer.wait("C1")
    assert slept == [0.75, 1.0]


def test_a_dry_run_prints_what_would_be_posted_and_changes_nothing(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 1, 9, 0), ignore=FREEZE_IGNORE) as frozen:
        expiring_lots(real_clock_ledger, until=date(2026, 11, 3))
        frozen.move_to(paris(2026, 11, 2, 9, 0))
        before = export_json(real_clock_ledger), counts(real_clock_ledger)
        report = alerts().run(dry_run=True)
        assert report.planned and "1 day left" in report.planned[0][1].text
        assert (export_json(real_clock_ledger), counts(real_clock_ledger)) == before
    assert standin.of("chat.postMessage") == []


def test_finance_gets_one_morning_digest_a_day_of_old_pending_orders_with_buttons(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 1, 9, 0), ignore=FREEZE_IGNORE) as frozen:
        add_project(real_clock_ledger, ADMIN, "p", "P")
        request_purchase(real_clock_ledger, Actor("UMEM"), "p", eur("10"))
        alerts().run()
        frozen.move_to(paris(2026, 11, 3, 9, 30))
        alerts().run()
        alerts().run()
        frozen.move_to(paris(2026, 11, 4, 9, 0))
        alerts().run()
    finance = [
        c
        for c in standin.of("chat.postMessage")
        if c.params.get("channel") == "CFINANCE" and not c.params.get("thread_ts")
    ]  # the order's reminders go in its thread (tests/alerts/test_order_reminders.py)
    announcement, *digests = finance  # the order's own announcement, then the digests
    assert announcement.params["text"].startswith("PO-2026-000001")
    assert len(digests) == 2
    assert any(b["type"] == "actions" for b in digests[0].params["blocks"])


def test_the_scheduler_has_one_daily_job_and_one_catch_up_job_however_often_it_is_built(
    settings: Settings,
) -> None:
    for _ in range(2):
        scheduler = build_scheduler(settings, lambda: None)
        scheduler.start(paused=True)
        assert sorted(job.id for job in scheduler.get_jobs()) == sorted([DAILY_JOB, CATCH_UP_JOB])
        daily = scheduler.get_job(DAILY_JOB)
        assert daily.next_run_time.hour == 9 and str(daily.next_run_time.tzinfo) == "Europe/Paris"
        scheduler.shutdown(wait=False)


def bot_environment(db_url: str, standin: SlackStandIn) -> dict[str, str]:
    """What a bot process of these tests sees: this database, the stand-in for Slack."""
    return environment_without_slack(
        DATABASE_URL=db_url,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_API_URL=standin.api_url,
        FINANCE_CHANNEL="CFINANCE",
        DIGEST_DAY="off",
    )


def _scheduler_process(db_url: str, standin: SlackStandIn) -> subprocess.Popen[str]:
    env = bot_environment(db_url, standin)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_run(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        if "claimed" in line and "notices" in line:
            return line
    raise AssertionError("".join(seen))


@pytest.mark.slow
def test_restarting_the_scheduler_process_repeats_nothing(
    real_clock_ledger: Ledger, standin: SlackStandIn, db_url: str
) -> None:
    today = date.today()
    expiring_lots(real_clock_ledger, projects=2, until=date.fromordinal(today.toordinal() + 5))
    for attempt in range(2):
        process = _scheduler_process(db_url, standin)
        try:
            line = _wait_for_run(process)
        finally:
            process.terminate()
            process.wait(30)
        assert ("posted 2 messages" if attempt == 0 else "posted 0 messages") in line
    assert len(standin.of("chat.postMessage")) == 2


@pytest.mark.slow
def test_three_scheduler_processes_on_one_database_post_every_warning_exactly_once(
    real_clock_ledger: Ledger, standin: SlackStandIn, db_url: str
) -> None:
    today = date.today()
    expiring_lots(real_clock_ledger, projects=12, until=date.fromordinal(today.toordinal() + 5))
    env = bot_environment(db_url, standin)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "alerts", "run"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [r.communicate(timeout=120)[0] for r in runs]
    assert all(r.returncode == 0 for r in runs), outputs
    channels = [c.params["channel"] for c in standin.of("chat.postMessage")]
    assert sorted(channels) == sorted(f"CPROJ{i}" for i in range(12))
    assert counts(real_clock_ledger) == {"posted": 12}


def test_a_run_that_dies_mid_delivery_repeats_nothing_and_the_rest_follows_next_run(
    real_clock_ledger: Ledger, settings: Settings, standin: SlackStandIn
) -> None:
    from bot.slack.app import build_client

    class DiesOnSecondPost:
        def __init__(self) -> None:
            self.real = build_client(settings)
            self.posts = 0

        def chat_postMessage(self, **kwargs: object) -> object:
            self.posts += 1
            if self.posts == 2:
                raise RuntimeError("the process dies while Slack answers")
            return self.real.chat_postMessage(**kwargs)

    with freeze_time(paris(2026, 11, 1, 9, 0), ignore=FREEZE_IGNORE) as frozen:
        expiring_lots(real_clock_ledger, projects=3)
        dying = build_alerts(
            settings,
            real_clock_ledger,
            client=DiesOnSecondPost(),  # type: ignore[arg-type]
            pacer=Pacer(interval=0),
        )
        with pytest.raises(RuntimeError):
            dying.run()
        # The message Slack accepted is settled already; only the one in flight is unknown.
        assert counts(real_clock_ledger) == {"posted": 1, "sending": 1, "pending": 1}
        frozen.tick(86400)
        again = build_alerts(
            settings, real_clock_ledger, client=build_client(settings), pacer=Pacer(interval=0)
        ).run()
        assert again.posted == 1
    posted = sorted(c.params["channel"] for c in standin.of("chat.postMessage"))
    assert posted == ["CPROJ0", "CPROJ2"]  # the one in flight at the crash is not repeated
    assert counts(real_clock_ledger) == {"posted": 2, "sending": 1}


@pytest.mark.slow
def test_a_run_killed_mid_delivery_leaves_only_the_message_in_flight_sending(
    real_clock_ledger: Ledger, standin: SlackStandIn, db_url: str
) -> None:
    today = date.today()
    expiring_lots(real_clock_ledger, projects=3, until=date.fromordinal(today.toordinal() + 5))
    in_flight = standin.hold("chat.postMessage", after=1)
    run = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "alerts", "run"],
        env=bot_environment(db_url, standin),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        calls = standin.wait_calls("chat.postMessage", 2, timeout=60)
    finally:
        os.kill(run.pid, signal.SIGKILL)
        run.wait(30)
        in_flight.set()
    lost = calls[1].params["channel"]
    assert counts(real_clock_ledger) == {"posted": 1, "sending": 1, "pending": 1}
    assert delivery_status(real_clock_ledger).stuck == []  # it may still be under way
    with freeze_time(datetime.now(UTC) + STUCK_AFTER, ignore=FREEZE_IGNORE):
        status = delivery_status(real_clock_ledger)
    assert status.counts == {
        "pending": 1,
        "sending": 1,
        "posted": 1,
        "undeliverable": 0,
        "dropped": 0,
    }
    assert [(n.kind, n.channel) for n in status.stuck] == [("warning", lost)]


def test_alerts_status_lists_the_notices_stuck_sending_for_an_operator(
    real_clock_ledger: Ledger,
    settings: Settings,
    standin: SlackStandIn,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli.__main__ import main

    with freeze_time(paris(2026, 11, 1, 9, 0), ignore=FREEZE_IGNORE):
        expiring_lots(real_clock_ledger, projects=2)
        claim_warnings(real_clock_ledger, (30, 7, 1), None)
        waiting = pending(real_clock_ledger)
        begin(real_clock_ledger, [waiting[0].id])  # a run died while posting this one
    for name, value in bot_environment(db_url, standin).items():
        monkeypatch.setenv(name, value)
    assert main(["alerts", "status"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 pending, 1 sending, 0 posted, 0 undeliverable, 0 dropped")
    assert "possibly lost" in out and f"{waiting[0].key} to CPROJ0" in out
    assert main(["--json", "alerts", "status"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["sending"] == 1 and data["stuck"][0]["channel"] == "CPROJ0"
