"""The jobs' notifier port (bot/jobs/notifier.py) on Slack: drafts are Block Kit messages,
posted with the Web API. Slack's refusals become a `Delivery`; a channel Slack says is gone
is told apart from a refusal worth retrying."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import Translator
from bot.jobs.notifier import Delivery, Draft, OrderNews
from bot.slack import notify
from bot.slack.blocks import (
    autopilot,
    budgets,
    notices,
    order_reminders,
    ovh_orders,
    ovh_reconcile,
    purchase_orders,
)
from bot.slack.blocks import ovh as ovh_blocks
from bot.slack.blocks.common import Message, text_message
from bot.slack.deps import Deps
from ledger.domain import LotView, PurchaseOrderView
from ledger.money import Money
from ledger.services.autopilot import AutopilotState
from ledger.services.budget_notices import BudgetNews
from ledger.services.forecasting import Forecast
from ledger.services.linked import LinkView
from ledger.services.order_reminders import Waiting
from ledger.services.reconcile import StrayOrder
from ledger.services.removals import RemovedCredit

# Slack's errors for a place the bot can no longer post to: its notices are dropped.
GONE = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "invalid_channel", "user_not_found"}
)


def _message(draft: Draft) -> Message:
    if not isinstance(draft, Message):
        raise TypeError(f"not a draft of the Slack notifier: {type(draft).__name__}")
    return draft


# Slack's errors for a message that cannot be updated any more: it is posted anew.
NOT_UPDATABLE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})


class SlackNotifier:
    """What the daily run posts, in the workspace's language `t`; a message to a person is
    in theirs (`reader`), when it is known."""

    def __init__(
        self,
        client: WebClient,
        t: Translator,
        reader: Callable[[str], Translator] | None = None,
        homes: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.t = t
        self.reader = reader or (lambda _user: t)
        self.homes = homes

    def expiry_warning(self, project_name: str, items: Sequence[tuple[LotView, int]]) -> Message:
        return notices.expiry_warning(project_name, items, self.t)

    def forfeiture(self, project_name: str, lost: Sequence[tuple[LotView, Money]]) -> Message:
        return notices.forfeiture(project_name, lost, self.t)

    def weekly_digest(self, seen: Forecast, spent: Money, expiring: Sequence[LotView]) -> Message:
        return notices.weekly_digest(seen, spent, expiring, self.t)

    def order_digest(
        self, orders: Sequence[PurchaseOrderView], days: int, now: datetime | None = None
    ) -> Message:
        return notices.po_digest(orders, days, self.t, now)

    def all_decided(self) -> Message:
        return notices.all_decided(self.t)

    def purchase_order(self, po: PurchaseOrderView) -> Message:
        return purchase_orders.po_for_approval(po, self.t)

    def channel_unreachable(self, channel: str, error: str) -> Message:
        return notices.channel_unreachable(channel, error, self.t)

    def order_reminder(self, waiting: Waiting) -> Message:
        return order_reminders.reminder(waiting, self.t)

    def order_expired_dm(self, po: PurchaseOrderView) -> Message:
        return order_reminders.expired_dm(po, self.reader(po.requested_by))

    def order_decided_dm(self, po: PurchaseOrderView) -> Message:
        return notify.decision_dm(po, self.reader(po.requested_by))

    def credit_arrived(self, po: PurchaseOrderView) -> Message:
        return purchase_orders.credit_arrived(po, self.t)

    def orders_changed(self) -> None:
        if self.homes is not None:
            self.homes()

    def budget_news(self, news: BudgetNews) -> Message:
        return budgets.budget_news(news, self.t)

    def autopilot_drafted(self, po: PurchaseOrderView) -> Message:
        return autopilot.drafted_news(po, self.t)

    def autopilot_due(self, state: AutopilotState) -> Message:
        return autopilot.draft_due_news(state, self.t)

    def post(self, channel: str, draft: Draft, thread: str | None = None) -> Delivery:
        try:
            answer = self.client.chat_postMessage(
                channel=channel, thread_ts=thread, **_message(draft).as_kwargs()
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            return Delivery(error, gone=error in GONE)
        return Delivery(reference=f"{channel}:{answer['ts']}")

    def reply(self, reference: str, draft: Draft) -> Delivery:
        channel, _, ts = reference.partition(":")
        return self.post(channel, draft, thread=ts)

    def replace(self, reference: str, draft: Draft) -> Delivery:
        channel, _, ts = reference.partition(":")
        try:
            self.client.chat_update(channel=channel, ts=ts, **_message(draft).as_kwargs())
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if error in NOT_UPDATABLE:
                return self.post(channel, draft)
            return Delivery(error, gone=error in GONE)
        return Delivery(reference=reference)


class SlackOvhNotifier(SlackNotifier):
    """What the OVHcloud sync posts: to finance, requesters and project channels."""

    def __init__(self, deps: Deps, client: WebClient) -> None:
        super().__init__(client, deps.workspace, deps.locales.of)
        self.deps = deps

    def credit_removed(self, removed: RemovedCredit, project_name: str) -> Message:
        return ovh_orders.credit_removed(removed, project_name, self.t)

    def order_news(self, po: PurchaseOrderView) -> OrderNews | None:
        kind = ovh_orders.news_kind(po, ovh_blocks.NOT_PAID_NEWS_DAYS)
        if kind is None:
            return None
        requester = self.deps.locales.of(po.requested_by)
        return OrderNews(
            kind,
            ovh_orders.order_news(po, kind, self.t),
            ovh_orders.order_news_dm(po, kind, requester),
        )

    def stray_order(self, stray: StrayOrder, names: Mapping[str, str]) -> Message:
        return ovh_reconcile.stray_notice(stray, names, self.t)

    def tell_finance_of_sync_failure(self, link: LinkView, project_name: str) -> None:
        notice = ovh_blocks.failure_notice(link, self.t, project_name)
        notify.to_finance(self.deps, self.client, text_message(notice))

    def announce_delivery(self, po: PurchaseOrderView) -> None:
        notify.announce_delivery(self.deps, self.client, po)
