"""The scheduled runs. Daily: expire due lots, warn before expiry, announce forfeitures,
digest old purchase orders, draft the autopilot's orders. Quick (every OUTBOX_MINUTES):
expire old purchase orders, claim due reminders and deliver the outbox; the daily run
ends with the same part. Every message is claimed in the database first, so a run can be
repeated, interrupted or raced by the other run or by replicas without posting twice."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot import metrics, run_outcome
from bot.i18n import Translator, translator
from bot.jobs.messages import Messages, Outgoing
from bot.jobs.notifier import Delivery, Draft, Notifier
from bot.settings import Settings
from ledger.clock import local_date
from ledger.domain import LotView
from ledger.services import (
    Ledger,
    announcements,
    autopilot,
    decision_news,
    expiry,
    health,
    notices,
    order_expiry,
    order_reminders,
    projects,
)
from ledger.services.autopilot import AutopilotState
from ledger.services.notices import NoticeView

log = logging.getLogger("creditbot.alerts")

RUN_LOCK = "creditbot:scheduled-run"
OUTBOX_LOCK = "creditbot:outbox-run"
# The notices after which finance's Homes list the pending orders again.
ORDER_NEWS = frozenset({decision_news.KIND, order_expiry.KIND})


class Pacer:
    """At most one message per `interval` seconds in each channel."""

    def __init__(
        self,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}

    def wait(self, channel: str) -> None:
        last = self._last.get(channel)
        if last is not None:
            pause = last + self.interval - self._clock()
            if pause > 0:
                self._sleep(pause)
        self._last[channel] = self._clock()


@dataclass
class Report:
    ran: bool = True
    quick: bool = False  # the quick run: no lots expired there
    expired: int = 0
    orders_expired: int = 0
    claimed: int = 0
    posted: int = 0
    retry_later: int = 0
    undeliverable: int = 0
    drafted: int = 0
    planned: list[tuple[str, Draft]] = field(default_factory=list)
    # A dry run's: each project whose autopilot would draft an order now.
    would_draft: list[AutopilotState] = field(default_factory=list)

    def summary(self, t: Translator | None = None) -> str:
        """What the run did, for an operator (in English unless a translator is given)."""
        t = t or translator("en", ZoneInfo("UTC"))
        if not self.ran:
            return t.gettext("another replica is running the scheduled jobs; nothing done here")
        return run_outcome.words(self.figures(), t)

    def figures(self) -> str:
        """What the run did as figures, as the health view stores it; expired purchase
        orders and the autopilot's drafts only when there were some."""
        counts = {} if self.quick else {"expired": self.expired}
        counts |= {
            "claimed": self.claimed,
            "posted": self.posted,
            "retry_later": self.retry_later,
            "undeliverable": self.undeliverable,
        }
        if self.orders_expired:
            counts["orders_expired"] = self.orders_expired
        if self.drafted:  # only where the autopilot is at work
            counts["drafted"] = self.drafted
        return run_outcome.figures(counts)


class Alerts:
    def __init__(
        self, ledger: Ledger, settings: Settings, notifier: Notifier, pacer: Pacer | None = None
    ) -> None:
        self.ledger = ledger
        self.settings = settings
        self.notifier = notifier
        self.pacer = pacer or Pacer()
        self.messages = Messages(ledger, settings, notifier)

    def run(self, *, dry_run: bool = False) -> Report:
        """The daily run: expire lots, draft the autopilot's orders, claim warnings,
        forfeitures and digests, then the quick run's part."""
        if dry_run:
            return self.preview()
        with notices.run_lock(self.ledger, RUN_LOCK) as mine:
            if not mine:
                return Report(ran=False)
            return self._recorded(health.SCHEDULED_RUN, Report(), self._daily)

    def run_outbox(self) -> Report:
        """The quick run, every OUTBOX_MINUTES: expire orders, claim due reminders, deliver
        every pending notice. A replica (or the daily run) delivering already: nothing."""
        with notices.run_lock(self.ledger, OUTBOX_LOCK) as mine:
            if not mine:
                return Report(ran=False)
            return self._recorded(health.OUTBOX_RUN, Report(quick=True), self._outbox)

    def _recorded(self, name: str, report: Report, work: Callable[[Report], None]) -> Report:
        started = self.ledger.now()
        health.record_run(self.ledger, name, started)  # shown until it ends
        work(report)
        log.info("%s: %s", name, report.summary())
        metrics.ledger_writes("expiry", report.expired)  # written in bulk, not as ORM rows
        metrics.scheduled_run(report.posted, report.retry_later, report.undeliverable)
        health.record_run(self.ledger, name, started, report.figures())
        return report

    def _daily(self, report: Report) -> None:
        report.expired = len(expiry.expire_due(self.ledger))
        # The quick run's lock, waited for: its delivery is a short one.
        with notices.run_lock(self.ledger, OUTBOX_LOCK, wait=True):
            self._outbox(report, then=self._daily_claims)

    def _daily_claims(self, report: Report) -> None:
        """After orders expire (the autopilot counts no expired order as coming credit)."""
        report.drafted = sum(o.drafted for o in autopilot.draft_due(self.ledger))
        fallback = self.settings.finance_channel
        report.claimed += notices.claim_forfeitures(self.ledger, fallback)
        report.claimed += notices.claim_warnings(self.ledger, self.settings.thresholds, fallback)
        report.claimed += self._claim_digest()
        report.claimed += self._claim_weekly()

    def _outbox(self, report: Report, then: Callable[[Report], None] | None = None) -> None:
        """Both runs: expire orders past PO_EXPIRE_DAYS, (`then`), claim due reminders and
        deliver every pending notice; each step idempotent, each notice claimed first."""
        report.orders_expired = len(order_expiry.expire_orders(self.ledger))
        if then is not None:
            then(report)
        if self.settings.finance_channel:
            report.claimed += order_reminders.claim_reminders(self.ledger)
        waiting = notices.pending(self.ledger)
        self._deliver([n for n in waiting if n.kind != order_reminders.KIND], report)
        # Reminders last, once this run posted any announcement they reply under.
        self._deliver([n for n in waiting if n.kind == order_reminders.KIND], report)
        if report.orders_expired or any(n.kind in ORDER_NEWS for n in waiting):
            self._redraw_homes()

    def _redraw_homes(self) -> None:
        """Orders expired, or decided at the terminal: finance's Homes list them as they
        stand. A failure is logged; the next opening of a Home draws it anyway."""
        try:
            self.notifier.orders_changed()
        except OSError as exc:
            log.warning("redrawing finance's Homes failed (%s)", exc)

    # --- claiming ------------------------------------------------------------------------------

    def _claim_digest(self) -> int:
        channel = self.settings.finance_channel
        if not channel or not self.messages.stale_orders():
            return 0
        today = local_date(self.ledger.now(), self.settings.timezone)
        return int(notices.claim(self.ledger, f"digest:{today.isoformat()}", "digest", channel))

    def _weekly_due(self) -> list[tuple[str, str, str | None, dict[str, Any]]]:
        """Each project channel's weekly digest of this ISO week (key, channel, project), due
        on DIGEST_DAY from ALERT_TIME, or later in the same week when the bot was down then."""
        weekday = self.settings.digest_weekday
        if weekday is None:
            return []
        local = self.ledger.now().astimezone(self.settings.timezone)
        if (local.weekday(), local.time()) < (weekday, self.settings.alert_at):
            return []
        year, week, _ = local.date().isocalendar()
        return [
            (f"weekly:{channel}:{year}-W{week:02d}", channel, project.id, {})
            for project in projects.list_projects(self.ledger)
            for channel in project.channels
        ]

    def _claim_weekly(self) -> int:
        return notices.claim_each(self.ledger, "digest", self._weekly_due())

    # --- delivering ----------------------------------------------------------------------------

    def _deliver(self, waiting: list[NoticeView], report: Report) -> None:
        """Each message's notices are settled as soon as Slack answers, so a process that
        dies leaves `sending` only the message whose post was under way."""
        by_id = {notice.id: notice for notice in waiting}
        for out in self.messages.of(waiting):
            channel, ids = out.channel, out.ids
            self.pacer.wait(channel)
            taken = notices.begin(self.ledger, ids)
            if not taken:
                continue  # another replica is posting these
            if len(taken) < len(ids):
                # Another replica took part of this message: post only what is ours.
                out = self.messages.of([by_id[i] for i in sorted(taken)])[0]
                ids = out.ids
            try:
                delivery = self._send(out)
            except OSError as exc:
                log.warning("posting to %s failed (%s): retried next run", channel, exc)
                notices.settle(self.ledger, ids, "pending", str(exc))
                report.retry_later += len(ids)
                continue
            error = delivery.error
            if error is None:
                notices.settle(self.ledger, ids, "posted", reference=delivery.reference)
                report.posted += 1
            elif delivery.gone:
                log.warning("channel %s unreachable (%s): its notices are dropped", channel, error)
                notices.settle(self.ledger, ids, "undeliverable", error)
                report.undeliverable += len(ids)
                self._report_unreachable(channel, error)
            else:
                log.warning("posting to %s failed (%s): retried next run", channel, error)
                notices.settle(self.ledger, ids, "pending", error)
                report.retry_later += len(ids)

    def _send(self, out: Outgoing) -> Delivery:
        if out.replace:
            return self.notifier.replace(out.replace, out.draft)
        if out.reply_to:
            return self.notifier.reply(out.reply_to, out.draft)
        return self.notifier.post(out.channel, out.draft)

    def _report_unreachable(self, channel: str, error: str) -> None:
        finance = self.settings.finance_channel
        if finance and finance != channel:
            notices.claim(
                self.ledger,
                f"unreachable:{channel}",
                "unreachable",
                finance,
                {"channel": channel, "error": error},
            )

    @staticmethod
    def _order_of(notice: NoticeView) -> str | None:
        """The number of the order a pending announcement or reminder is about."""
        if notice.kind == announcements.KIND:
            return announcements.number_of(notice.key)
        if notice.kind == order_reminders.KIND:
            return str(notice.detail.get("number"))
        return None

    # --- previewing ----------------------------------------------------------------------------

    def preview(self) -> Report:
        """What a run would post now, changing nothing: the notices waiting in the outbox
        first, then what it would claim."""
        report = Report()
        expiring = set(order_expiry.due_orders(self.ledger))
        # The run expires these orders first: their announcements and reminders go unsaid.
        owed = [n for n in notices.waiting(self.ledger) if self._order_of(n) not in expiring]
        for out in self.messages.of(owed):
            report.planned.append((out.channel, out.draft))
        due = notices.due_warnings(
            self.ledger, self.settings.thresholds, self.settings.finance_channel
        )
        names = {p.id: p.name for p in projects.list_projects(self.ledger)} if due else {}
        by_place: dict[tuple[str, str], list[tuple[LotView, int]]] = defaultdict(list)
        for warning in due:
            where = (warning.channel, warning.project_id)
            by_place[where].append((warning.lot, warning.days_left))
        for (channel, project_id), items in by_place.items():
            name = names.get(project_id, project_id)
            report.planned.append((channel, self.notifier.expiry_warning(name, items)))
        report.expired = len(expiry.due_lots(self.ledger))
        report.orders_expired = len(expiring)
        finance = self.settings.finance_channel
        for reminder in order_reminders.due_reminders(self.ledger) if finance else []:
            if reminder.number in expiring:
                continue  # the run expires it before reminding anyone of it
            waiting = order_reminders.waiting(self.ledger, reminder.number, reminder.n)
            place = waiting.po.announcement or finance or ""
            report.planned.append((place, self.notifier.order_reminder(waiting)))
        weekly = self._weekly_due()
        claimed = notices.claimed(self.ledger, [key for key, *_ in weekly])
        for key, channel, digest_of, _ in weekly:
            if key not in claimed and digest_of:
                report.planned.append((channel, self.messages.weekly(digest_of)))
        # Every order the autopilot would draft, whatever the channels; finance's card
        # and the project channels' news where they would go.
        report.would_draft = [
            state
            for state in autopilot.status(self.ledger)
            if state.enabled and state.outlook.draft is not None
        ]
        for state in report.would_draft:
            news = self.notifier.autopilot_due(state)
            places = ([finance] if finance else []) + list(state.project.channels)
            report.planned += [(place, news) for place in places]
        stale = self.messages.stale_orders()
        if stale and self.settings.finance_channel:
            report.planned.append(
                (
                    self.settings.finance_channel,
                    self.notifier.order_digest(stale, self.settings.po_reminder_days),
                )
            )
        return report
