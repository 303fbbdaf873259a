"""The state of an OVHcloud order in a few words, for the purchase order's line and card."""

from __future__ import annotations

from bot.i18n import Translator
from bot.slack.formatting import escape
from ledger.domain import PurchaseOrderView

# An order OVHcloud still waits to be paid for is news for finance after this many days.
NOT_PAID_NEWS_DAYS = 7


def unpaid_days(po: PurchaseOrderView) -> int:
    """How long the order had waited to be paid when OVHcloud's status was last read."""
    order = po.provider
    if order is None or order.status != "notPaid" or not order.ordered_at or not order.checked_at:
        return 0
    return max(0, (order.checked_at - order.ordered_at).days)


def order_state(po: PurchaseOrderView, t: Translator) -> str | None:
    """The state of the OVHcloud order where it matters to finance, in a few words: closed,
    cancelled by OVHcloud, documents requested, not paid for N days; None otherwise."""
    order = po.provider
    if order is None:
        return None
    if order.state == "closed":
        said = t.say(
            "closed by {who} on {when}",
            who=t.person(order.closed_by or ""),
            when=t.day(order.closed_at) if order.closed_at else "",
        )
        if order.close_reason:
            reason = escape(order.close_reason) if t.mentions else order.close_reason
            said += f" ({reason})"
        return said
    if order.state == "cancelled":
        return t.gettext("order cancelled by OVHcloud")
    if order.state != "ordered":
        return None
    if order.status == "documentsRequested":
        return t.gettext("documents requested by OVHcloud")
    days = unpaid_days(po)
    if days >= 1:
        return t.say_n("not paid for {n} day", "not paid for {n} days", days)
    return None
