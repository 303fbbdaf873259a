"""The weekly digest: one message per project channel and ISO week, across restarts and replicas."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from bot.composition import build_alerts
from bot.i18n import translator
from bot.jobs.alerts import Alerts, Pacer
from bot.settings import Settings
from bot.slack.standin import SlackStandIn
from ledger.domain import AUTOPILOT, POStatus
from ledger.services import Ledger
from ledger.services.autopilot import turn_on
from ledger.services.billing import charge
from ledger.services.health import SCHEDULED_RUN, health
from ledger.services.notices import counts
from ledger.services.projects import add_project, link_channel
from ledger.services.purchases import approve_purchase, list_purchase_orders, request_purchase
from tests.alerts.test_delivery import ADMIN, FIN, bot_environment, expiring_lots
from tests.alerts.test_warnings import FREEZE_IGNORE, paris
from tests.support import FINANCE as SERVICE_FINANCE
from tests.support import MEMBER, eur


def weekly(standin: SlackStandIn) -> list[str]:
    return [
        str(c.params["channel"])
        for c in standin.of("chat.postMessage")
        if "this week" in str(c.params.get("text"))
        or "spent in the last 7 days" in str(c.params.get("text"))
    ]


def funded(ledger: Ledger) -> None:
    add_project(ledger, ADMIN, "p", "Prod")
    link_channel(ledger, ADMIN, "p", "CPROD")
    link_channel(ledger, ADMIN, "p", "CPROD2")
    add_project(ledger, ADMIN, "quiet", "Quiet")  # no channel: no digest
    po = request_purchase(ledger, MEMBER, "p", eur("1000"))
    approve_purchase(ledger, SERVICE_FINANCE, po.number)


def test_each_project_channel_gets_one_digest_on_monday_at_alert_time(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 16, 10, 0), ignore=FREEZE_IGNORE) as frozen:  # a Monday
        funded(real_clock_ledger)
        charge(real_clock_ledger, FIN, "p", eur("70"), "last-week")
        frozen.move_to(paris(2026, 11, 23, 8, 59))  # the next Monday, before ALERT_TIME
        assert alerts(digest_day="monday").run().posted == 0
        frozen.move_to(paris(2026, 11, 23, 9, 0))
        assert alerts(digest_day="monday").run().posted == 2
        assert sorted(weekly(standin)) == ["CPROD", "CPROD2"]
        text = next(
            str(c.params["text"])
            for c in standin.of("chat.postMessage")
            if c.params["channel"] == "CPROD"
        )
        assert "€930.00" in text and "€70.00" in text and "At the current rate" in text
        for day in range(1, 7):  # the rest of the week: nothing more
            frozen.move_to(paris(2026, 11, 23 + day, 9, 0))
            assert alerts(digest_day="monday").run().posted == 0
        frozen.move_to(paris(2026, 11, 30, 9, 0))  # a new ISO week
        assert alerts(digest_day="monday").run().posted == 2
    assert len(weekly(standin)) == 4
    assert health(real_clock_ledger).runs[SCHEDULED_RUN].outcome is not None


def test_a_digest_missed_on_its_day_follows_later_that_week_and_off_turns_it_off(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 25, 12, 0), ignore=FREEZE_IGNORE):  # Wednesday
        funded(real_clock_ledger)
        assert alerts(digest_day="off").run().posted == 0
        assert alerts(digest_day="thursday").run().posted == 0
        assert alerts(digest_day="tuesday").run().posted == 2  # the bot was down on Tuesday
        assert alerts(digest_day="monday").run().posted == 0  # same ISO week, same channels
    assert sorted(weekly(standin)) == ["CPROD", "CPROD2"]


def test_replicas_running_together_post_each_digest_exactly_once(
    real_clock_ledger: Ledger, standin: SlackStandIn, db_url: str
) -> None:
    expiring_lots(real_clock_ledger, projects=6, until=date(2030, 1, 1))
    env = {**bot_environment(db_url, standin), "DIGEST_DAY": "monday", "ALERT_TIME": "00:00"}
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
    again = subprocess.run(
        [sys.executable, "-m", "bot.cli", "alerts", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert sorted(weekly(standin)) == sorted(f"CPROJ{i}" for i in range(6))
    assert counts(real_clock_ledger) == {"posted": 6}


def test_a_dry_run_shows_the_digests_still_due_and_claims_nothing(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 23, 9, 30), ignore=FREEZE_IGNORE):
        funded(real_clock_ledger)
        before = counts(real_clock_ledger)  # the order's announcement, claimed with it
        planned = alerts(digest_day="monday").run(dry_run=True).planned
        assert sorted(channel for channel, _ in planned) == ["CPROD", "CPROD2"]
        assert counts(real_clock_ledger) == before
        alerts(digest_day="monday").run()
        assert alerts(digest_day="monday").run(dry_run=True).planned == []


def test_the_health_view_shows_a_run_that_started_and_did_not_finish(
    real_clock_ledger: Ledger, settings: Settings
) -> None:
    class Dies:
        def chat_postMessage(self, **kwargs: object) -> object:
            raise RuntimeError("the process dies while Slack answers")

    weekly_on = settings.model_copy(update={"digest_day": "monday"})
    with freeze_time(paris(2026, 11, 23, 9, 30), ignore=FREEZE_IGNORE):
        funded(real_clock_ledger)
        dying = build_alerts(weekly_on, real_clock_ledger, client=Dies(), pacer=Pacer(interval=0))  # type: ignore[arg-type]
        with pytest.raises(RuntimeError):
            dying.run()
        run = health(real_clock_ledger).runs[SCHEDULED_RUN]
        assert run.started_at == paris(2026, 11, 23, 9, 30) and run.finished_at is None


def digest_text(standin: SlackStandIn, channel: str) -> str:
    return next(
        str(c.params["text"])
        for c in reversed(standin.of("chat.postMessage"))
        if c.params["channel"] == channel
    )


def test_the_digest_counts_a_bill_charged_minutes_before_it(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 16, 10, 0), ignore=FREEZE_IGNORE) as frozen:
        funded(real_clock_ledger)
        frozen.move_to(paris(2026, 11, 23, 8, 55))  # the digest's own morning
        charge(real_clock_ledger, FIN, "p", eur("70"), "this-morning")
        frozen.move_to(paris(2026, 11, 23, 9, 0))
        assert alerts(digest_day="monday").run().posted == 2
    assert "€70.00 spent in the last 7 days" in digest_text(standin, "CPROD")


def test_the_digest_leaves_out_a_bill_older_than_seven_days(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 16, 8, 0), ignore=FREEZE_IGNORE) as frozen:
        funded(real_clock_ledger)
        charge(real_clock_ledger, FIN, "p", eur("70"), "eight-days-ago")
        frozen.move_to(paris(2026, 11, 23, 9, 0))
        alerts(digest_day="monday").run()
    assert "€0.00 spent in the last 7 days" in digest_text(standin, "CPROD")


def test_a_digest_says_a_purchase_is_late_when_buy_by_has_passed(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 16, 10, 0), ignore=FREEZE_IGNORE) as frozen:
        funded(real_clock_ledger)
        charge(real_clock_ledger, FIN, "p", eur("900"), "a-heavy-week")
        frozen.move_to(paris(2026, 11, 23, 9, 0))
        alerts(digest_day="monday").run()
    assert "Buy by 18 Nov 2026 (late)" in digest_text(standin, "CPROD")


def test_a_digest_of_a_project_with_no_credit_does_not_say_it_lasts(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 23, 9, 0), ignore=FREEZE_IGNORE):
        add_project(real_clock_ledger, ADMIN, "empty", "Empty")
        link_channel(real_clock_ledger, ADMIN, "empty", "CEMPTY")
        alerts(digest_day="monday").run()
    text = digest_text(standin, "CEMPTY")
    assert "No credit available." in text and "lasts beyond" not in text


def test_the_digest_names_the_order_the_autopilot_drafted_in_the_same_run_not_counted(
    real_clock_ledger: Ledger, alerts: Callable[..., Alerts], standin: SlackStandIn
) -> None:
    with freeze_time(paris(2026, 11, 16, 10, 0), ignore=FREEZE_IGNORE) as frozen:  # a Monday
        funded(real_clock_ledger)
        charge(real_clock_ledger, FIN, "p", eur("990"), "last-week")
        turn_on(real_clock_ledger, SERVICE_FINANCE, "p")
        frozen.move_to(paris(2026, 11, 23, 9, 0))  # the next Monday: credit runs out today
        report = alerts(digest_day="monday", creditbot_locale="fr_FR").run()
    (draft,) = list_purchase_orders(real_clock_ledger, POStatus.PENDING)
    assert report.drafted == 1 and draft.requested_by == AUTOPILOT
    (text,) = [  # the digest; the autopilot's news is the other post there
        str(c.params["text"])
        for c in standin.of("chat.postMessage")
        if c.params["channel"] == "CPROD" and "Acheter avant le" in str(c.params["text"])
    ]
    amount = translator("fr_FR", ZoneInfo("Europe/Paris")).money(draft.amount_excl_tax)
    assert f"{draft.number} de {amount} attend son approbation (non compté ci-dessus)." in text
