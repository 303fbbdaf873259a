"""Forecast and App Home benchmarks, each against a baseline measured in the same run."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr

from bench.common import FINANCE, T0, add_project, bulk_voucher_lots, fresh_database, timed
from bot.settings import Settings
from bot.slack.app import build_client
from bot.slack.deps import Deps
from bot.slack.home import publish_home
from bot.slack.locales import Locales
from bot.slack.roles import Roles
from bot.slack.standin import SlackStandIn
from ledger.database import Database
from ledger.domain import Actor, LedgerConfig
from ledger.money import Money
from ledger.services import Ledger
from ledger.services.billing import charge
from ledger.services.forecasting import forecast
from ledger.services.purchases import request_purchase
from ledger.services.reading import balance

MEMBER = Actor("UMEM")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def paired(
    work: Callable[[], object], baseline: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Median seconds of each, run in turns so that both see the same machine load."""
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(timed(work))
        theirs.append(timed(baseline))
    return statistics.median(ours), statistics.median(theirs)


def _ledger(url: str, clock: Clock) -> Ledger:
    from zoneinfo import ZoneInfo

    return Ledger(Database(url), LedgerConfig(timezone=ZoneInfo("Europe/Paris")), clock)


def _a_year_of_daily_charges(ledger: Ledger, clock: Clock, project: str, days: int) -> None:
    for day in range(days):
        clock.now = T0 + timedelta(days=day, hours=2)
        charge(ledger, FINANCE, project, Money(1_234 + day, "EUR"), f"{project}-day-{day}")


def forecast_vs_balance(
    kind: str, lots: int = 500, days: int = 365, repeat: int = 30
) -> dict[str, Any]:
    """The forecast of a project with `lots` lots and a year of daily charges, against the
    balance read of the same project."""
    with fresh_database(kind) as url:
        clock = Clock(T0)
        ledger = _ledger(url, clock)
        add_project(ledger.db, "p")
        # Lots expiring over the 13 months to come, large enough to outlast the year of charges.
        bulk_voucher_lots(
            ledger.db,
            "p",
            lots,
            lambda i: T0 + timedelta(days=days + (i * 37) % 390 + 1),
            remaining=5_000_000,
        )
        _a_year_of_daily_charges(ledger, clock, "p", days)
        clock.now = T0 + timedelta(days=days, hours=3)
        forecast(ledger, "p")  # warm up both
        balance(ledger, "p")
        seconds_forecast, seconds_balance = paired(
            lambda: forecast(ledger, "p"), lambda: balance(ledger, "p"), repeat
        )
        ledger.db.dispose()
    return {
        "lots": lots,
        "charges": days,
        "forecast_ms": seconds_forecast * 1000,
        "balance_ms": seconds_balance * 1000,
        "ratio": seconds_forecast / seconds_balance,
    }


def home_publish(
    kind: str, projects: int = 50, orders: int = 40, repeat: int = 20
) -> dict[str, Any]:
    """A finance user's App Home (projects with lots and charges, pending orders) built and
    published, against a bare views.publish of the same view, both to the local stand-in."""
    standin = SlackStandIn().start()
    try:
        with fresh_database(kind) as url:
            clock = Clock(T0)
            ledger = _ledger(url, clock)
            for n in range(projects):
                add_project(ledger.db, f"p{n:02d}")
            bulk_voucher_lots(
                ledger.db,
                "",
                projects * 5,
                lambda i: T0 + timedelta(days=60 + (i * 11) % 300),
                remaining=200_000,
                project_of=lambda i: f"p{i % projects:02d}",
            )
            for day in range(10):
                clock.now = T0 + timedelta(days=day, hours=2)
                for n in range(projects):
                    charge(ledger, FINANCE, f"p{n:02d}", Money(900 + n, "EUR"), f"c{n}-{day}")
            for n in range(orders):
                request_purchase(ledger, MEMBER, f"p{n % projects:02d}", Money(50_000, "EUR"))
            clock.now = T0 + timedelta(days=10, hours=3)
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                slack_bot_token=SecretStr("xoxb-bench"),
                slack_api_url=standin.api_url,
                finance_approvers=("UFIN",),
            )
            client = build_client(settings)
            deps = Deps(ledger, settings, Roles(settings, client), Locales(settings, client))
            publish_home(deps, client, "UFIN")  # warm up
            view = standin.homes["UFIN"]

            def bare() -> None:
                client.views_publish(user_id="UFIN", view=view)

            bare()
            seconds_home, seconds_bare = paired(
                lambda: publish_home(deps, client, "UFIN"), bare, repeat
            )
            ledger.db.dispose()
    finally:
        standin.stop()
    return {
        "projects": projects,
        "orders": orders,
        "blocks": len(view["blocks"]),
        "home_ms": seconds_home * 1000,
        "bare_publish_ms": seconds_bare * 1000,
        "ratio": seconds_home / seconds_bare,
    }
