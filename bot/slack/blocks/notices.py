"""What the scheduler posts: expiry warnings, forfeited credit, finance's digest of waiting
purchase orders, and each project's weekly digest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block, ContextBlock, SectionBlock

from bot.i18n import Translator
from bot.slack.blocks.common import (
    MAX_BLOCKS,
    MAX_LOTS_SHOWN,
    WARNING,
    Message,
    _dicts,
    _md,
    _sections,
    text_message,
)
from bot.slack.blocks.forecast import advice_lines
from bot.slack.blocks.purchase_orders import DIGEST_ROW, pending_list
from bot.slack.formatting import channel, escape
from ledger.domain import LotView, POStatus, PurchaseOrderView
from ledger.money import Money
from ledger.services.forecasting import Forecast

MAX_DIGEST_LOTS_SHOWN = 15


def expiry_warning(
    project_name: str, items: Sequence[tuple[LotView, int]], t: Translator
) -> Message:
    """One message per project and run, listing every lot that crossed a threshold."""
    lines = [
        f"{WARNING} "
        + t.say(
            "*{lot}* — {remaining} left, usable until {until} ({days})",
            lot=escape(t.lot(lot.source)),
            remaining=t.money(lot.remaining),
            until=t.last_day(lot.expires_at),
            days=t.days_left(left),
        )
        for lot, left in items[:MAX_LOTS_SHOWN]
    ]
    if len(items) > MAX_LOTS_SHOWN:
        lines.append(
            t.say_n(
                "…and {n} more lot expiring soon.",
                "…and {n} more lots expiring soon.",
                len(items) - MAX_LOTS_SHOWN,
            )
        )
    head = t.say(
        "Credit on *{project}* expires soon. Spend it, or it is lost:",
        project=escape(project_name),
    )
    blocks: list[Block] = [SectionBlock(text=_md(head)), *_sections(lines)]
    fallback = t.say("Credit on {project} expires soon:", project=escape(project_name))
    return Message(fallback + "\n" + "\n".join(lines), _dicts(blocks[:MAX_BLOCKS]))


def forfeiture(project_name: str, items: Sequence[tuple[LotView, Money]], t: Translator) -> Message:
    lines = [
        "• "
        + t.say(
            "{lot}: {amount} expired unused on {when}",
            lot=escape(t.lot(lot.source)),
            amount=t.money(amount),
            when=_expired_at(lot.expires_at, t),
        )
        for lot, amount in items[:MAX_LOTS_SHOWN]
    ]
    if len(items) > MAX_LOTS_SHOWN:
        lines.append(
            t.say_n("…and {n} more lot.", "…and {n} more lots.", len(items) - MAX_LOTS_SHOWN)
        )
    head = ":hourglass: " + t.say(
        "Credit on *{project}* has expired and is lost:", project=escape(project_name)
    )
    blocks: list[Block] = [SectionBlock(text=_md(head)), *_sections(lines)]
    fallback = t.say("Credit on {project} has expired:", project=escape(project_name))
    return Message(fallback + "\n" + "\n".join(lines), _dicts(blocks[:MAX_BLOCKS]))


def _expired_at(expires_at: datetime, t: Translator) -> str:
    """The day it expired: a voucher valid until D expires at 00:00 of D+1, so D+1."""
    local = expires_at.astimezone(t.tz)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return t.day(local)
    return t.moment(local)


def po_digest(
    orders: Sequence[PurchaseOrderView],
    days: int,
    t: Translator,
    drawn_at: datetime | None = None,
) -> Message:
    listing = pending_list(orders, t, DIGEST_ROW, drawn_at)
    waiting = sum(po.status is POStatus.PENDING for po in orders)
    for_days = t.say_n("{n} day", "{n} days", days)
    waited = t.say_n(
        "{n} purchase order has waited more than {days}:",
        "{n} purchase orders have waited more than {days}:",
        waiting,
        days=for_days,
    )
    head = SectionBlock(text=_md(f":alarm_clock: {waited}"))
    return Message(waited.rstrip(":").rstrip(), [head.to_dict(), *listing.blocks[1:]][:MAX_BLOCKS])


def all_decided(t: Translator) -> Message:
    return text_message(t.gettext("All purchase orders are decided."))


def channel_unreachable(channel_id: str, error: str, t: Translator) -> Message:
    return text_message(
        ":warning: "
        + t.say(
            "I could not post to {channel} (`{error}`). Invite me there or link another channel.",
            channel=channel(channel_id),
            error=error,
        )
    )


def weekly_digest(
    seen: Forecast, spent: Money, expiring: Sequence[LotView], t: Translator
) -> Message:
    values = {"left": t.money(seen.available), "spent": t.money(spent)}
    head = ":bar_chart: " + t.say(
        "*{project}* this week: {left} left; {spent} spent in the last 7 days.",
        project=escape(seen.project.name),
        **values,
    )
    lines = [
        "• "
        + t.say(
            "{lot}: {amount} until {until}",
            lot=escape(t.lot(lot.source)),
            amount=t.money(lot.remaining),
            until=t.last_day(lot.expires_at),
        )
        for lot in expiring[:MAX_DIGEST_LOTS_SHOWN]
    ]
    if len(expiring) > MAX_DIGEST_LOTS_SHOWN:
        lines.append(
            t.say_n(
                "…and {n} more lot.", "…and {n} more lots.", len(expiring) - MAX_DIGEST_LOTS_SHOWN
            )
        )
    blocks: list[Block] = [SectionBlock(text=_md(head))]
    if lines:
        blocks.append(SectionBlock(text=_md(t.gettext("*Expires in the next 30 days*"))))
        blocks.extend(_sections(lines))
    outlook = " ".join(advice_lines(seen, t))
    blocks.append(ContextBlock(elements=[_md(outlook)]))
    text = t.say(
        "{project}: {left} left, {spent} spent in the last 7 days. {outlook}",
        project=escape(seen.project.name),
        outlook=outlook,
        **values,
    )
    return Message(text, _dicts(blocks[:MAX_BLOCKS]))
