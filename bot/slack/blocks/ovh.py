"""What people see of the OVHcloud link: the state of an order in a few words (for the
purchase order's line and card), the order on the finance message, the sync state under a
balance, and the notices to finance."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.i18n import Translator
from bot.slack.formatting import escape
from ledger.domain import PurchaseOrderView
from ledger.services.linked import LinkView, SyncReport

STALE_AFTER_INTERVALS = 3

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


def _state(state: str, t: Translator) -> str:
    said = {
        "ordering": ":hourglass_flowing_sand: " + t.gettext("Ordering at OVHcloud…"),
        "ordered": ":receipt: " + t.gettext("Ordered at OVHcloud"),
        "delivered": ":white_check_mark: " + t.gettext("Delivered by OVHcloud"),
        "cancelled": ":heavy_minus_sign: " + t.gettext("Cancelled at OVHcloud"),
        "closed": ":heavy_minus_sign: " + t.gettext("Closed: no credit will come"),
    }
    return said.get(state, state)


def provider_order_line(po: PurchaseOrderView, t: Translator) -> str | None:
    """OVHcloud's order under the finance message: its number, own prices and link."""
    order = po.provider
    if order is None:
        return None
    line = _state(order.state, t)
    if order.order_id is not None:
        line += " — " + t.say("order {order}", order=order.order_id)
    if order.excl_tax is not None and order.tax is not None and order.incl_tax is not None:
        line = t.say("{label}:", label=line) + " "
        line += t.say(
            "{excl} excl. tax + {tax} tax = {incl}",
            excl=t.money(order.excl_tax),
            tax=t.money(order.tax),
            incl=t.money(order.incl_tax),
        )
    if order.url and order.state == "ordered":
        pay = t.gettext("pay it on OVHcloud")
        line += f" · <{order.url}|{pay}>"
    if order.error:
        line += f"\n:warning: {escape(t.recorded(order.error) or '')}"
    state = order_state(po, t)
    if state:
        line += f"\n:warning: {state}"
    if order.replaced:
        line += "\n" + t.say(
            "ordered again, replacing {orders}", orders=", ".join(map(str, order.replaced))
        )
    return line


def ordered_dm(po: PurchaseOrderView, t: Translator) -> str:
    order = po.provider
    if order is not None and order.state == "ordering":
        # Approved, but OVHcloud has not taken the order (yet): never say it was ordered.
        return t.say(
            "Your purchase order *{po}* was approved, but OVHcloud has not taken the order "
            "yet: {reason}. Finance sees it on the purchase order.",
            po=po.number,
            reason=escape(t.recorded(order.error) or t.gettext("unknown reason")),
        )
    return t.say(
        "Your purchase order *{po}* was approved and ordered at OVHcloud. "
        "The credit appears once OVHcloud delivers it.",
        po=po.number,
    )


def sync_line(link: LinkView, now: datetime, interval_minutes: int, t: Translator) -> str:
    """When the balance was last brought in from OVHcloud, and a warning when it is stale."""
    synced = t.moment(link.synced_at) if link.synced_at else t.gettext("never")
    line = t.say(
        "OVHcloud `{service}` · last synced {when}", service=escape(link.service), when=synced
    )
    stale = link.synced_at is None or now - link.synced_at > timedelta(
        minutes=STALE_AFTER_INTERVALS * interval_minutes
    )
    if link.failure_kind is not None:  # a successful sync clears it
        line += "\n:warning: " + t.say(
            "The last sync failed: {reason}",
            reason=escape(t.recorded(link.failure) or t.gettext("unknown reason")),
        )
    elif stale:
        line += "\n:warning: " + t.gettext("This balance may be out of date.")
    return line


def linked_text(report: SyncReport, t: Translator, name: str | None = None) -> str:
    """`name`: the project's name, as people call it (its id otherwise)."""
    return t.say_n(
        "Project *{project}* is now linked to OVHcloud `{service}`: "
        "{n} credit, {amount} available.",
        "Project *{project}* is now linked to OVHcloud `{service}`: "
        "{n} credits, {amount} available.",
        report.credits,
        project=escape(name or report.project),
        service=escape(report.service),
        amount=t.money(report.available),
    )


def failure_notice(link: LinkView, t: Translator, name: str | None = None) -> str:
    """`name`: the project's name, as people call it (its id otherwise)."""
    values = {
        "project": escape(name or link.project_id),
        "service": escape(link.service),
        "reason": escape(t.recorded(link.failure) or ""),
    }
    if link.failure_kind == "credentials":
        said = t.say(
            "OVHcloud refused the bot's API keys for *{project}* (`{service}`): {reason}. "
            "Its balance is not synced until this is fixed.",
            **values,
        )
    elif link.failure_kind == "gone":
        said = t.say(
            "OVHcloud no longer has this project for *{project}* (`{service}`): {reason}. "
            "Its balance is not synced until this is fixed.",
            **values,
        )
    else:
        said = t.say(
            "OVHcloud failed for *{project}* (`{service}`): {reason}. "
            "Its balance is not synced until this is fixed.",
            **values,
        )
    return f":warning: {said}"
