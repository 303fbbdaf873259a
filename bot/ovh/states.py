"""The OVHcloud run's news for finance beyond failures: credits gone from OVHcloud's list,
orders OVHcloud cancelled or holds, orders no purchase order accounts for. Each is told
once (see `tell`)."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk import WebClient

from bot.ovh.tell import tell_once
from bot.slack.blocks import ovh as ovh_words
from bot.slack.blocks import ovh_orders as ovh_states
from bot.slack.blocks import ovh_reconcile
from bot.slack.deps import Deps
from ledger.errors import LedgerError
from ledger.provider import CreditProvider
from ledger.services import projects, reconcile, reordering
from ledger.services.linked import SyncReport


def _name(deps: Deps, project_id: str) -> str:
    try:
        return projects.get_project(deps.ledger, project_id).name
    except LedgerError:
        return project_id


def tell_removals(deps: Deps, client: WebClient, report: SyncReport) -> int:
    """One notice per credit gone from OVHcloud's list (per removal), to finance."""
    told = 0
    for removed in report.removed:
        message = ovh_states.credit_removed(
            removed, _name(deps, removed.project_id), deps.workspace
        )
        told += tell_once(
            deps.ledger,
            client,
            deps.settings.finance_channel,
            f"ovh-removed:{removed.lot_id}:{removed.amount.minor}",
            "provider",
            message,
            removed.project_id,
        )
    return told


def tell_order_news(deps: Deps, client: WebClient) -> int:
    """Finance (with Order again / Close) and the requester, once per order and kind, of
    an order OVHcloud cancelled, asks documents for, or that waits to be paid."""
    told = 0
    for po in reordering.orders_to_watch(deps.ledger):
        kind = ovh_states.news_kind(po, ovh_words.NOT_PAID_NEWS_DAYS)
        if kind is None or po.provider is None:
            continue
        key = f"ovh-order:{po.provider.order_id}:{kind}"
        if tell_once(
            deps.ledger,
            client,
            deps.settings.finance_channel,
            key,
            "provider",
            ovh_states.order_news(po, kind, deps.workspace),
            po.project.id,
        ):
            told += 1
        if tell_once(
            deps.ledger,
            client,
            po.requested_by,
            f"{key}:requester",
            "provider",
            ovh_states.order_news_dm(po, kind, deps.locales.of(po.requested_by)),
            po.project.id,
        ):
            told += 1
    return told


# How far back the scheduled run looks for orders no purchase order accounts for.
STRAY_LOOK_BACK = timedelta(days=30)


def tell_strays(deps: Deps, client: WebClient, provider: CreditProvider) -> int:
    """Finance, once per order, of a credit order at OVHcloud no purchase order has."""
    ledger = deps.ledger
    strays = reconcile.stray_orders(ledger, provider, ledger.now() - STRAY_LOOK_BACK)
    if not strays:
        return 0
    names = reconcile.project_names(ledger)
    return sum(
        tell_once(
            ledger,
            client,
            deps.settings.finance_channel,
            f"ovh-stray:{stray.order_id}",
            "provider",
            ovh_reconcile.stray_notice(stray, names, deps.workspace),
        )
        for stray in strays
    )
