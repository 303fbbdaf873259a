"""Block Kit for the forecast: `/credit forecast`, the balance's extra line, the chart's reply."""

from __future__ import annotations

from datetime import date, timedelta

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.slack import wording
from bot.slack.blocks import MAX_BLOCKS, Message, _dicts, _sections, text_message
from bot.slack.formatting import Formatter, escape
from ledger.domain import LotKind
from ledger.forecast import Projection
from ledger.services.forecasting import Forecast

MAX_EXPIRING_SHOWN = 15


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def lasts_until(projection: Projection, fmt: Formatter) -> str:
    """The balance's line: the last day the credit pays for at the current rate."""
    out = projection.runs_out_on
    if out is None:
        return wording.LASTS_BEYOND.format(day=fmt.date(projection.last_day))
    if out <= projection.today:
        return wording.RUNS_OUT_TODAY
    return wording.LASTS_UNTIL.format(day=fmt.date(out - timedelta(days=1)))


def _day(value: date | None, fmt: Formatter, none: str = "none") -> str:
    return fmt.date(value) if value else none


def advice_lines(seen: Forecast, fmt: Formatter) -> list[str]:
    """The forecast in a few short lines (App Home, weekly digest)."""
    projection = seen.projection
    advice = projection.advice
    lines = [lasts_until(projection, fmt)]
    if advice.buy_by is not None:
        lines.append(
            wording.BUY_ADVICE.format(
                day=fmt.date(advice.buy_by),
                least=fmt.money(advice.buy_at_least),
                most=fmt.money(advice.useful_at_most),
            )
        )
    return lines


def forecast_message(seen: Forecast, fmt: Formatter) -> Message:
    projection = seen.projection
    advice = projection.advice
    title = f"Forecast for {seen.project.name}"
    late = advice.buy_by is not None and advice.buy_by < projection.today
    buy_by = _day(advice.buy_by, fmt) + (" (late)" if late else "")
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=title[:150])),
        SectionBlock(
            fields=[
                _md(f"*Available*\n{fmt.money(seen.available)}"),
                _md(f"*Spent a day*\n{fmt.money(projection.daily_burn)}"),
                _md(f"*Runs out on*\n{_day(projection.runs_out_on, fmt, 'not within 13 months')}"),
                _md(f"*Buy by*\n{buy_by}"),
                _md(f"*Buy at least*\n{fmt.money(advice.buy_at_least)}"),
                _md(f"*Useful at most*\n{fmt.money(advice.useful_at_most)}"),
            ]
        ),
    ]
    lines = [
        f"• {'Voucher' if e.kind is LotKind.VOUCHER else 'Credit'} {escape(e.source)}: "
        f"{fmt.money(e.amount)} on {fmt.date(e.expires_on)}"
        for e in projection.expiring_unused[:MAX_EXPIRING_SHOWN]
    ]
    hidden = len(projection.expiring_unused) - MAX_EXPIRING_SHOWN
    if hidden > 0:
        lines.append(f"…and {hidden} more lots.")
    if lines:
        blocks.append(SectionBlock(text=_md("*Will expire unused*")))
        blocks.extend(_sections(lines))
    blocks.append(ContextBlock(elements=[_md(wording.FORECAST_BASIS.format(basis=seen.basis))]))
    text = (
        f"{title}: {fmt.money(seen.available)} available, {fmt.money(projection.daily_burn)} a day; "
        f"runs out on {_day(projection.runs_out_on, fmt, 'no day within 13 months')}; "
        f"buy at least {fmt.money(advice.buy_at_least)} by {buy_by}, "
        f"at most {fmt.money(advice.useful_at_most)}"
    )
    return Message(text, _dicts(blocks[:MAX_BLOCKS]))


def chart_sent(project_name: str) -> Message:
    return text_message(wording.CHART_SENT.format(project=escape(project_name)))
