"""APScheduler: the scheduled run daily at ALERT_TIME, and once at start-up to catch up;
the quick run (expired orders, due reminders, the outbox) every OUTBOX_MINUTES after
start-up; the OVHcloud sync every OVH_SYNC_MINUTES from start-up, when OVHcloud is
configured.

Jobs live in memory under fixed ids with replace_existing, so a restart never adds a
second copy; what must survive a restart (what was already posted) is in the database.
A run that raises is logged by APScheduler with its traceback and runs again next time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.settings import Settings

DAILY_JOB = "credit-daily-run"
CATCH_UP_JOB = "credit-catch-up-run"
OVH_SYNC_JOB = "ovh-sync-run"
OUTBOX_JOB = "credit-outbox-run"


def build_scheduler(
    settings: Settings,
    job: Callable[[], object],
    *,
    blocking: bool = False,
    sync_job: Callable[[], object] | None = None,
    outbox_job: Callable[[], object] | None = None,
) -> BaseScheduler:
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler: BaseScheduler = kind(
        timezone=settings.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
    )
    at = settings.alert_at
    scheduler.add_job(
        job,
        CronTrigger(hour=at.hour, minute=at.minute, timezone=settings.timezone),
        id=DAILY_JOB,
        name="expire, warn, announce and remind",
        replace_existing=True,
    )
    scheduler.add_job(
        job,
        DateTrigger(timezone=settings.timezone),
        id=CATCH_UP_JOB,
        name="catch up at start-up",
        replace_existing=True,
    )
    if outbox_job is not None:  # the catch-up run delivers at start-up: first one later
        scheduler.add_job(
            outbox_job,
            IntervalTrigger(minutes=settings.outbox_minutes, timezone=settings.timezone),
            id=OUTBOX_JOB,
            name="expire orders, remind and deliver the outbox",
            replace_existing=True,
        )
    if sync_job is not None:
        scheduler.add_job(
            sync_job,
            IntervalTrigger(minutes=settings.ovh_sync_minutes, timezone=settings.timezone),
            id=OVH_SYNC_JOB,
            name="sync OVHcloud credits, consumption and orders",
            replace_existing=True,
            next_run_time=datetime.now(settings.timezone),
        )
    return scheduler
