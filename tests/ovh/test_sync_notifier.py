"""The OVHcloud sync read and tested without Slack: what it tells finance goes through the
notifier port, so a notifier keeping plain words shows whom it told, and how often."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.jobs.notifier import Delivery, Draft, OrderNews
from bot.jobs.ovh_news import tell_once
from bot.jobs.ovh_sync import OvhSync
from bot.ovh.standin import OvhStandIn
from bot.settings import Settings
from ledger.domain import PurchaseOrderView
from ledger.services import Ledger
from ledger.services.linked import LinkView
from ledger.services.reconcile import StrayOrder
from ledger.services.removals import RemovedCredit
from tests.alerts.test_notifier_port import Notebook, Words
from tests.ovh.conftest import provider_for


@dataclass
class OvhNotebook(Notebook):
    failures: list[tuple[str, str]] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)

    def credit_removed(self, removed: RemovedCredit, project_name: str) -> Draft:
        return Words(f"{project_name}: credit {removed.lot_id} removed")

    def order_news(self, po: PurchaseOrderView) -> OrderNews | None:
        return None

    def stray_order(self, stray: StrayOrder, names: Mapping[str, str]) -> Draft:
        return Words(f"stray order {stray.order_id}")

    def tell_finance_of_sync_failure(self, link: LinkView, project_name: str) -> None:
        self.failures.append((project_name, link.failure_kind or ""))

    def announce_delivery(self, po: PurchaseOrderView) -> None:
        self.delivered.append(po.number)


def test_a_refused_sync_is_told_to_finance_once_through_any_notifier_without_slack(
    ledger: Ledger, linked: str, ovh: OvhStandIn
) -> None:
    settings = Settings(_env_file=None, finance_channel="CFINANCE")  # type: ignore[call-arg]
    notebook = OvhNotebook()
    sync = OvhSync(ledger, settings, provider_for(ovh, consumer_key="revoked"), notebook)
    runs = [sync.run() for _ in range(3)]
    assert notebook.failures == [("Prod EU", "credentials")]
    assert [run.notices for run in runs] == [1, 0, 0]
    assert notebook.posted == [] and notebook.delivered == []


def test_a_notice_the_notifier_cannot_deliver_is_not_told_again(
    ledger: Ledger, linked: str, ovh: OvhStandIn
) -> None:
    notebook = OvhNotebook(refuse={"CFINANCE": Delivery("is_archived", gone=True)})
    first = tell_once(ledger, notebook, "CFINANCE", "ovh-test:1", "provider", Words("news"))
    notebook.refuse = {}
    second = tell_once(ledger, notebook, "CFINANCE", "ovh-test:1", "provider", Words("news"))
    assert (first, second) == (False, False) and notebook.posted == []
