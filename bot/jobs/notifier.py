"""How the jobs tell people, in the domain's words. A job claims each notice in the ledger,
drafts it here from domain values and posts the draft; bot/slack/notifier.py renders the
drafts as Block Kit and posts them with Slack's Web API. The jobs know nothing else of Slack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ledger.domain import LotView, PurchaseOrderView
from ledger.money import Money
from ledger.services.autopilot import AutopilotState
from ledger.services.budget_notices import BudgetNews
from ledger.services.forecasting import Forecast
from ledger.services.linked import LinkView
from ledger.services.order_reminders import Waiting
from ledger.services.reconcile import StrayOrder
from ledger.services.removals import RemovedCredit


class Draft(Protocol):
    """A message ready to post; its text is what a person (or a dry run) reads."""

    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class Delivery:
    """What became of a post: posted, or refused with the reason; `gone` when the place
    cannot be reached any more (its notices are dropped rather than retried)."""

    error: str | None = None
    gone: bool = False
    # Where the post landed (`channel:ts`), kept on a purchase order to redraw its card.
    reference: str | None = None

    @property
    def posted(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class OrderNews:
    """What OVHcloud did with an order (`kind`), drafted for finance and for the requester."""

    kind: str
    for_finance: Draft
    for_requester: Draft


class Notifier(Protocol):
    """What the daily run drafts, and posting a draft."""

    def expiry_warning(self, project_name: str, items: Sequence[tuple[LotView, int]]) -> Draft:
        """Credit of a project about to expire, with the days left of each lot."""

    def forfeiture(self, project_name: str, lost: Sequence[tuple[LotView, Money]]) -> Draft:
        """Credit of a project that expired unspent."""

    def weekly_digest(self, seen: Forecast, spent: Money, expiring: Sequence[LotView]) -> Draft:
        """A project channel's week: what is left, what was spent, what expires soon."""

    def order_digest(
        self, orders: Sequence[PurchaseOrderView], days: int, now: datetime | None = None
    ) -> Draft:
        """Finance's reminder of purchase orders waiting for a decision `days` or more."""

    def all_decided(self) -> Draft:
        """Finance's digest once every purchase order is decided."""

    def purchase_order(self, po: PurchaseOrderView) -> Draft:
        """A new purchase order for finance to approve or reject."""

    def channel_unreachable(self, channel: str, error: str) -> Draft:
        """Finance told that a channel's notices cannot be delivered."""

    def order_reminder(self, waiting: Waiting) -> Draft:
        """Finance reminded of an order still pending: how long, what it still needs."""

    def order_expired_dm(self, po: PurchaseOrderView) -> Draft:
        """The requester told, in their language, that their order expired unapproved."""

    def order_decided_dm(self, po: PurchaseOrderView) -> Draft:
        """The requester told, in their language, of the decision on their order (for a
        linked project's approval: that it was ordered at the provider)."""

    def credit_arrived(self, po: PurchaseOrderView) -> Draft:
        """A project's channel told of the credit an approved order brought."""

    def orders_changed(self) -> None:
        """Orders were decided or expired outside the chat: finance's views of the pending
        orders (their App Home) are drawn again."""

    def budget_news(self, news: BudgetNews) -> Draft:
        """Finance told that a project's use passed 80 % or 100 % of its budget, or who set
        or cleared a budget."""

    def autopilot_drafted(self, po: PurchaseOrderView) -> Draft:
        """A project's channel told that the autopilot drafted `po` for finance to decide."""

    def autopilot_due(self, state: AutopilotState) -> Draft:
        """What a dry run says the autopilot would draft for a project."""

    def post(self, channel: str, draft: Draft) -> Delivery:
        """Post a draft to a channel (or a person); OSError when the service is unreachable."""

    def reply(self, reference: str, draft: Draft) -> Delivery:
        """Post a draft in the thread of the message at `reference` ("channel:ts")."""

    def replace(self, reference: str, draft: Draft) -> Delivery:
        """Redraw the message at `reference` ("channel:ts") in place; when that message is
        gone, post the draft anew in its channel."""


class OvhNotifier(Notifier, Protocol):
    """What the OVHcloud sync tells, besides posting drafts."""

    def credit_removed(self, removed: RemovedCredit, project_name: str) -> Draft:
        """Finance told of a credit gone from OVHcloud's list."""

    def order_news(self, po: PurchaseOrderView) -> OrderNews | None:
        """The news of an order OVHcloud cancelled, holds or waits to be paid for, if any."""

    def stray_order(self, stray: StrayOrder, names: Mapping[str, str]) -> Draft:
        """Finance told of a credit order at OVHcloud no purchase order accounts for."""

    def tell_finance_of_sync_failure(self, link: LinkView, project_name: str) -> None:
        """Finance told that a project's sync with OVHcloud fails."""

    def announce_delivery(self, po: PurchaseOrderView) -> None:
        """OVHcloud delivered (or cancelled) an order: finance's message shows it; on
        delivery the requester and the project's channels are told."""
