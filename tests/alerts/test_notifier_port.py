"""The daily run read and tested without Slack: it drafts and posts through the notifier
port, so a notifier that keeps plain words is enough to watch what it tells and whom."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from freezegun import freeze_time

from bot.jobs.alerts import Alerts, Pacer
from bot.jobs.notifier import Delivery, Draft
from bot.settings import Settings
from ledger.domain import LotView, PurchaseOrderView
from ledger.money import Money
from ledger.services import Ledger
from ledger.services.forecasting import Forecast
from ledger.services.notices import counts
from tests.alerts.test_delivery import expiring_lots
from tests.alerts.test_warnings import FREEZE_IGNORE, paris


@dataclass(frozen=True)
class Words:
    text: str


@dataclass
class Notebook:
    """A notifier writing plain words; `refuse` maps a channel to the reason it refuses."""

    refuse: Mapping[str, Delivery] = field(default_factory=dict)
    posted: list[tuple[str, str]] = field(default_factory=list)

    def expiry_warning(self, project_name: str, items: Sequence[tuple[LotView, int]]) -> Draft:
        return Words(f"{project_name}: " + ", ".join(f"{days} days" for _, days in items))

    def forfeiture(self, project_name: str, lost: Sequence[tuple[LotView, Money]]) -> Draft:
        return Words(f"{project_name} lost " + ", ".join(str(amount) for _, amount in lost))

    def weekly_digest(self, seen: Forecast, spent: Money, expiring: Sequence[LotView]) -> Draft:
        return Words(f"week: {spent} spent")

    def order_digest(
        self, orders: Sequence[PurchaseOrderView], days: int, now: datetime | None = None
    ) -> Draft:
        return Words(f"{len(orders)} orders waiting")

    def all_decided(self) -> Draft:
        return Words("all decided")

    def channel_unreachable(self, channel: str, error: str) -> Draft:
        return Words(f"{channel} unreachable: {error}")

    def post(self, channel: str, draft: Draft) -> Delivery:
        refused = self.refuse.get(channel)
        if refused is not None:
            return refused
        self.posted.append((channel, draft.text))
        return Delivery()


def _settings() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        finance_channel="CFINANCE",
        creditbot_timezone="Europe/Paris",
        digest_day="off",
    )


def test_the_daily_run_warns_a_project_channel_through_any_notifier_without_slack(
    real_clock_ledger: Ledger,
) -> None:
    notebook = Notebook()
    with freeze_time(paris(2026, 11, 13, 9, 0), ignore=FREEZE_IGNORE):
        expiring_lots(real_clock_ledger)
        report = Alerts(real_clock_ledger, _settings(), notebook, Pacer(interval=0)).run()
    assert notebook.posted == [("CPROJ0", "Project 0: 7 days")]
    assert report.posted == 1 and report.retry_later == 0


def test_a_channel_the_notifier_reports_gone_drops_its_notices_and_tells_finance_next_run(
    real_clock_ledger: Ledger,
) -> None:
    notebook = Notebook(refuse={"CPROJ0": Delivery("channel_not_found", gone=True)})
    with freeze_time(paris(2026, 11, 13, 9, 0), ignore=FREEZE_IGNORE):
        expiring_lots(real_clock_ledger)
        alerts = Alerts(real_clock_ledger, _settings(), notebook, Pacer(interval=0))
        first = alerts.run()
        second = alerts.run()
    assert first.undeliverable == 1 and first.posted == 0
    assert notebook.posted == [("CFINANCE", "CPROJ0 unreachable: channel_not_found")]
    assert second.posted == 1 and counts(real_clock_ledger).get("undeliverable") == 1


def test_a_refusal_that_is_not_gone_keeps_the_notice_for_the_next_run(
    real_clock_ledger: Ledger,
) -> None:
    notebook = Notebook(refuse={"CPROJ0": Delivery("ratelimited")})
    with freeze_time(paris(2026, 11, 13, 9, 0), ignore=FREEZE_IGNORE):
        expiring_lots(real_clock_ledger)
        report = Alerts(real_clock_ledger, _settings(), notebook, Pacer(interval=0)).run()
        notebook.refuse = {}
        again = Alerts(real_clock_ledger, _settings(), notebook, Pacer(interval=0)).run()
    assert report.retry_later == 1 and notebook.posted == [("CPROJ0", "Project 0: 7 days")]
    assert again.posted == 1
