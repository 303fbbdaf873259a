"""The OVHcloud run's news for finance beyond failures: credits gone from OVHcloud's list,
orders OVHcloud cancelled or holds, orders no purchase order accounts for. Each is told
exactly once: the notice is claimed in the database before it is posted, so no restart or
second replica repeats it."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.jobs.notifier import Draft, OvhNotifier
from bot.settings import Settings
from ledger.domain import AUTOPILOT
from ledger.errors import LedgerError
from ledger.provider import CreditProvider
from ledger.services import notices, projects, reconcile, reordering
from ledger.services.context import Ledger
from ledger.services.linked import SyncReport
from ledger.services.once import claim_once

log = logging.getLogger("creditbot.ovh")


def tell_once(
    ledger: Ledger,
    notifier: OvhNotifier,
    channel: str | None,
    key: str,
    kind: str,
    message: Draft,
    project_id: str | None = None,
) -> bool:
    """Post `message` to `channel` unless `key` was told before; whether it was posted now.
    A post Slack refuses is recorded as undeliverable rather than repeated."""
    if not channel:
        return False
    notice = claim_once(ledger, key, kind, channel, project_id)
    if notice is None:
        return False
    delivery = notifier.post(channel, message)
    if delivery.error is not None:
        log.warning("cannot tell %s (%s): %s", channel, key, delivery.error)
        notices.settle(ledger, [notice], "undeliverable", delivery.error)
        return False
    notices.settle(ledger, [notice], "posted")
    return True


def _name(ledger: Ledger, project_id: str) -> str:
    try:
        return projects.get_project(ledger, project_id).name
    except LedgerError:
        return project_id


def tell_removals(
    ledger: Ledger, settings: Settings, notifier: OvhNotifier, report: SyncReport
) -> int:
    """One notice per credit gone from OVHcloud's list (per removal), to finance."""
    told = 0
    for removed in report.removed:
        message = notifier.credit_removed(removed, _name(ledger, removed.project_id))
        told += tell_once(
            ledger,
            notifier,
            settings.finance_channel,
            f"ovh-removed:{removed.lot_id}:{removed.amount.minor}",
            "provider",
            message,
            removed.project_id,
        )
    return told


def tell_order_news(ledger: Ledger, settings: Settings, notifier: OvhNotifier) -> int:
    """Finance (with Order again / Close) and the requester, once per order and kind, of
    an order OVHcloud cancelled, asks documents for, or that waits to be paid."""
    told = 0
    for po in reordering.orders_to_watch(ledger):
        news = notifier.order_news(po)
        if news is None or po.provider is None:
            continue
        key = f"ovh-order:{po.provider.order_id}:{news.kind}"
        if tell_once(
            ledger,
            notifier,
            settings.finance_channel,
            key,
            "provider",
            news.for_finance,
            po.project.id,
        ):
            told += 1
        if po.requested_by != AUTOPILOT and tell_once(
            ledger,
            notifier,
            po.requested_by,
            f"{key}:requester",
            "provider",
            news.for_requester,
            po.project.id,
        ):
            told += 1
    return told


# How far back the scheduled run looks for orders no purchase order accounts for.
STRAY_LOOK_BACK = timedelta(days=30)


def tell_strays(
    ledger: Ledger, settings: Settings, notifier: OvhNotifier, provider: CreditProvider
) -> int:
    """Finance, once per order, of a credit order at OVHcloud no purchase order has."""
    strays = reconcile.stray_orders(ledger, provider, ledger.now() - STRAY_LOOK_BACK)
    if not strays:
        return 0
    names = reconcile.project_names(ledger)
    return sum(
        tell_once(
            ledger,
            notifier,
            settings.finance_channel,
            f"ovh-stray:{stray.order_id}",
            "provider",
            notifier.stray_order(stray, names),
        )
        for stray in strays
    )
