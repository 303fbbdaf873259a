"""What each notice of the outbox says, and where it goes: one message per (channel,
project) for warnings and forfeitures, digests, announcements, reminders and the news of
purchase orders, budgets and the autopilot alone. The runs in `alerts` deliver them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from bot.jobs.notifier import Draft, Notifier
from bot.settings import Settings
from ledger.clock import days_left
from ledger.domain import LotView, POStatus, PurchaseOrderView
from ledger.money import Money
from ledger.services import (
    Ledger,
    announcements,
    autopilot,
    budget_notices,
    decision_news,
    forecasting,
    notices,
    order_expiry,
    order_reminders,
    purchases,
)
from ledger.services.notices import NoticeView

WEEKLY_EXPIRY_DAYS = 30


@dataclass(frozen=True)
class Outgoing:
    """One message to post: to `channel`, or in the thread of `reply_to`, or in place of
    `replace` (both "channel:ts"); `ids` are the notices it delivers."""

    channel: str
    ids: list[int]
    draft: Draft
    reply_to: str | None = None
    replace: str | None = None


class Messages:
    def __init__(self, ledger: Ledger, settings: Settings, notifier: Notifier) -> None:
        self.ledger = ledger
        self.settings = settings
        self.notifier = notifier

    def stale_orders(self) -> list[PurchaseOrderView]:
        """The orders pending longer than PO_REMINDER_DAYS, for the morning digest."""
        cutoff = self.ledger.now() - timedelta(days=self.settings.po_reminder_days)
        return [
            po
            for po in purchases.list_purchase_orders(self.ledger, POStatus.PENDING)
            if po.created_at <= cutoff
        ]

    def weekly(self, project_id: str) -> Draft:
        """A project channel's weekly digest: the forecast, the week's bills, what expires."""
        seen = forecasting.forecast(self.ledger, project_id)
        # The week up to the digest's own instant: a bill of this morning is in it.
        spent = forecasting.billed(self.ledger, project_id, seen.at - timedelta(days=7), seen.at)
        soon = seen.at + timedelta(days=WEEKLY_EXPIRY_DAYS)
        expiring = sorted(
            (lot for lot in seen.lots if lot.expires_at <= soon), key=lambda lot: lot.expires_at
        )
        return self.notifier.weekly_digest(seen, spent, expiring)

    def of(self, taken: list[NoticeView]) -> list[Outgoing]:
        """One message per (channel, project) for warnings and forfeitures; digests, reports
        and the news of purchase orders alone."""
        now = self.ledger.now()
        tz = self.settings.timezone
        warnings: dict[tuple[str, str], list[NoticeView]] = defaultdict(list)
        forfeits: dict[tuple[str, str], list[NoticeView]] = defaultdict(list)
        out: list[Outgoing] = []
        for notice in taken:
            where = (notice.channel, notice.project_name or notice.project_id or "")
            if notice.kind == "warning":
                warnings[where].append(notice)
            elif notice.kind == "forfeit":
                forfeits[where].append(notice)
            elif notice.kind == "digest" and notice.key.startswith("weekly:"):
                out.append(
                    Outgoing(notice.channel, [notice.id], self.weekly(notice.project_id or ""))
                )
            elif notice.kind == "digest":
                orders = self.stale_orders()
                if orders:
                    digest = self.notifier.order_digest(
                        orders, self.settings.po_reminder_days, self.ledger.now()
                    )
                    out.append(Outgoing(notice.channel, [notice.id], digest))
                else:
                    out.append(Outgoing(notice.channel, [notice.id], self.notifier.all_decided()))
            elif notice.kind == announcements.KIND and self.settings.finance_channel:
                number = announcements.number_of(notice.key)
                card = self.notifier.purchase_order(
                    purchases.get_purchase_order(self.ledger, number)
                )
                out.append(Outgoing(self.settings.finance_channel, [notice.id], card))
            elif notice.kind in (order_reminders.KIND, order_expiry.KIND):
                out += self._order_news(notice)
            elif notice.kind == decision_news.KIND:
                out += self._decision_news(notice)
            elif notice.kind == budget_notices.KIND and self.settings.finance_channel:
                news = self.notifier.budget_news(budget_notices.news_of(notice))
                out.append(Outgoing(self.settings.finance_channel, [notice.id], news))
            elif notice.kind == autopilot.KIND:
                number = str(notice.detail.get("number"))
                news = self.notifier.autopilot_drafted(
                    purchases.get_purchase_order(self.ledger, number)
                )
                out.append(Outgoing(notice.channel, [notice.id], news))
            elif notice.kind == "unreachable":
                message = self.notifier.channel_unreachable(
                    str(notice.detail.get("channel")), str(notice.detail.get("error"))
                )
                out.append(Outgoing(notice.channel, [notice.id], message))
        for (channel, name), group in warnings.items():
            items: list[tuple[LotView, int]] = [
                (n.lot, days_left(now, n.lot.expires_at, tz)) for n in group if n.lot
            ]
            warning = self.notifier.expiry_warning(name, items)
            out.append(Outgoing(channel, [n.id for n in group], warning))
        for (channel, name), group in forfeits.items():
            lost: list[tuple[LotView, Money]] = [
                (n.lot, amount)
                for n in group
                if n.lot and (amount := notices.forfeited_amount(n)) is not None
            ]
            out.append(
                Outgoing(channel, [n.id for n in group], self.notifier.forfeiture(name, lost))
            )
        return out

    def _order_news(self, notice: NoticeView) -> list[Outgoing]:
        """A reminder in the order's finance thread; an expired order's finance message
        redrawn in place, and its requester told. Nothing yet (the notice waits) when there
        is no place to post it, or when a reminder's order was decided meanwhile."""
        number = str(notice.detail.get("number"))
        finance = self.settings.finance_channel
        if notice.kind == order_reminders.KIND:
            waiting = order_reminders.waiting(self.ledger, number, int(notice.detail.get("n", 1)))
            thread = waiting.po.announcement
            if waiting.po.status is not POStatus.PENDING or not (thread or finance):
                return []
            draft = self.notifier.order_reminder(waiting)
            if thread:
                return [Outgoing(thread.partition(":")[0], [notice.id], draft, reply_to=thread)]
            return [Outgoing(finance or "", [notice.id], draft)]
        po = purchases.get_purchase_order(self.ledger, number)
        if notice.detail.get("to") == order_expiry.REQUESTER:
            return [Outgoing(notice.channel, [notice.id], self.notifier.order_expired_dm(po))]
        return self._finance_card(notice, po)

    def _decision_news(self, notice: NoticeView) -> list[Outgoing]:
        """A decision taken at the terminal: finance's message redrawn, the requester told,
        each of the project's channels told of the credit."""
        po = purchases.get_purchase_order(self.ledger, str(notice.detail.get("number")))
        to = notice.detail.get("to")
        if to == decision_news.REQUESTER:
            return [Outgoing(notice.channel, [notice.id], self.notifier.order_decided_dm(po))]
        if to == decision_news.PROJECT:
            return [Outgoing(notice.channel, [notice.id], self.notifier.credit_arrived(po))]
        if not po.announcement and decision_news.announcement_owed(self.ledger, po.number):
            return []  # the announcement, still to be posted, shows the decision itself
        return self._finance_card(notice, po)

    def _finance_card(self, notice: NoticeView, po: PurchaseOrderView) -> list[Outgoing]:
        """The order's finance message drawn as it stands: in place of the one posted,
        or anew in the finance channel when it was never posted."""
        card = self.notifier.purchase_order(po)
        if po.announcement:
            channel = po.announcement.partition(":")[0]
            return [Outgoing(channel, [notice.id], card, replace=po.announcement)]
        finance = self.settings.finance_channel
        return [Outgoing(finance, [notice.id], card)] if finance else []
