"""Block Kit for the weekly digest posted in each project's channel."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.slack.blocks import MAX_BLOCKS, Message, _dicts, _sections
from bot.slack.blocks_forecast import advice_lines
from bot.slack.formatting import Formatter, escape
from ledger.domain import LotKind, LotView
from ledger.money import Money
from ledger.services.forecasting import Forecast

MAX_LOTS_SHOWN = 15


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def weekly_digest(
    seen: Forecast, spent: Money, expiring: Sequence[LotView], fmt: Formatter
) -> Message:
    name = escape(seen.project.name)
    head = (
        f":bar_chart: *{name}* this week: {fmt.money(seen.available)} left; "
        f"{fmt.money(spent)} spent in the last 7 days."
    )
    lines = [
        f"• {'Voucher' if lot.kind is LotKind.VOUCHER else 'Credit'} {escape(lot.source)}: "
        f"{fmt.money(lot.remaining)} until {fmt.last_day(lot.expires_at)}"
        for lot in expiring[:MAX_LOTS_SHOWN]
    ]
    if len(expiring) > MAX_LOTS_SHOWN:
        lines.append(f"…and {len(expiring) - MAX_LOTS_SHOWN} more lots.")
    blocks: list[Block] = [SectionBlock(text=_md(head))]
    if lines:
        blocks.append(SectionBlock(text=_md("*Expires in the next 30 days*")))
        blocks.extend(_sections(lines))
    outlook = advice_lines(seen, fmt)
    blocks.append(ContextBlock(elements=[_md(" ".join(outlook))]))
    text = f"{seen.project.name}: {fmt.money(seen.available)} left, {fmt.money(spent)} spent last week. {' '.join(outlook)}"
    return Message(text, _dicts(blocks[:MAX_BLOCKS]))
