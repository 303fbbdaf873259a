"""What people see of the OVHcloud link: the order on the finance message, the sync state
under a balance, and the notices to finance."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.slack.formatting import Formatter, escape
from ledger.domain import PurchaseOrderView
from ledger.services.linked import LinkView, SyncReport

STALE_AFTER_INTERVALS = 3

_STATE = {
    "ordering": ":hourglass_flowing_sand: Ordering at OVHcloud…",
    "ordered": ":receipt: Ordered at OVHcloud",
    "delivered": ":white_check_mark: Delivered by OVHcloud",
    "cancelled": ":heavy_minus_sign: Cancelled at OVHcloud",
}


def provider_order_line(po: PurchaseOrderView, fmt: Formatter) -> str | None:
    """OVHcloud's order under the finance message: its number, own prices and link."""
    order = po.provider
    if order is None:
        return None
    line = _STATE.get(order.state, order.state)
    if order.order_id is not None:
        line += f" — order {order.order_id}"
    if order.excl_tax is not None and order.tax is not None and order.incl_tax is not None:
        line += (
            f": {fmt.money(order.excl_tax)} excl. tax + {fmt.money(order.tax)} tax"
            f" = {fmt.money(order.incl_tax)}"
        )
    if order.url and order.state == "ordered":
        line += f" · <{order.url}|pay it on OVHcloud>"
    if order.error:
        line += f"\n:warning: {escape(order.error)}"
    return line


def ordered_dm(po: PurchaseOrderView) -> str:
    return (
        f"Your purchase order *{po.number}* was approved and ordered at OVHcloud."
        " The credit appears once OVHcloud delivers it."
    )


def sync_line(link: LinkView, now: datetime, interval_minutes: int, fmt: Formatter) -> str:
    """When the balance was last brought in from OVHcloud, and a warning when it is stale."""
    synced = fmt.moment(link.synced_at) if link.synced_at else "never"
    line = f"OVHcloud `{escape(link.service)}` · last synced {synced}"
    stale = link.synced_at is None or now - link.synced_at > timedelta(
        minutes=STALE_AFTER_INTERVALS * interval_minutes
    )
    if link.failure_kind is not None:  # a successful sync clears it
        line += f"\n:warning: The last sync failed: {escape(link.failure or 'unknown reason')}"
    elif stale:
        line += "\n:warning: This balance may be out of date."
    return line


def linked_text(report: SyncReport, fmt: Formatter) -> str:
    return (
        f"Project *{escape(report.project)}* is now linked to OVHcloud `{escape(report.service)}`:"
        f" {report.credits} credits, {fmt.money(report.available)} available."
    )


def failure_notice(link: LinkView) -> str:
    what = {
        "credentials": "OVHcloud refused the bot's API keys",
        "gone": "OVHcloud no longer has this project",
    }.get(link.failure_kind or "", "OVHcloud failed")
    return (
        f":warning: {what} for *{escape(link.project_id)}* (`{escape(link.service)}`):"
        f" {escape(link.failure or '')}. Its balance is not synced until this is fixed."
    )
