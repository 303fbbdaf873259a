"""Block Kit for the forecast: `/credit forecast`, the balance's extra line, the chart's reply."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.forecast_words import (
    MAX_OPEN_ORDERS_SHOWN,
    basis,
    lasts_until,
    never_runs_out,
    on_its_way,
)
from bot.i18n import Translator
from bot.slack.blocks.common import MAX_BLOCKS, Message, _dicts, _sections, text_message
from bot.slack.formatting import escape
from ledger.services.forecasting import Forecast

MAX_EXPIRING_SHOWN = 15


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def _day(value: date | None, t: Translator, none: str) -> str:
    return t.date(value) if value else none


def advice_lines(seen: Forecast, t: Translator) -> list[str]:
    """The forecast in a few short lines (App Home, weekly digest), then the open orders
    it does not count."""
    projection = seen.projection
    advice = projection.advice
    lines = [lasts_until(seen, t)]
    if advice.buy_by is not None:
        lines.append(
            t.say(
                "Buy by {day}: at least {least}, at most {most}.",
                day=t.deadline(advice.buy_by, projection.today),
                least=t.money(advice.buy_at_least),
                most=t.money(advice.useful_at_most),
            )
        )
    return lines + on_its_way(seen, t, MAX_OPEN_ORDERS_SHOWN)


def forecast_message(seen: Forecast, t: Translator, budget: str | None = None) -> Message:
    """`budget`: the purchase budget's use line, for a project with a budget."""
    projection = seen.projection
    advice = projection.advice
    title = t.say("Forecast for {project}", project=seen.project.name)
    buy_by = t.deadline(advice.buy_by, projection.today) if advice.buy_by else t.gettext("none")
    runs_out = _day(projection.runs_out_on, t, never_runs_out(t))
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=title[:150])),
        SectionBlock(
            fields=[
                _md(t.say("*Available*\n{amount}", amount=t.money(seen.available))),
                _md(t.say("*Spent a day*\n{amount}", amount=t.money(projection.daily_burn))),
                _md(t.say("*Runs out on*\n{day}", day=runs_out)),
                _md(t.say("*Buy by*\n{day}", day=buy_by)),
                _md(t.say("*Buy at least*\n{amount}", amount=t.money(advice.buy_at_least))),
                _md(t.say("*Useful at most*\n{amount}", amount=t.money(advice.useful_at_most))),
            ]
        ),
    ]
    opened = "\n".join(on_its_way(seen, t, MAX_OPEN_ORDERS_SHOWN))
    if opened:  # right below the advice it is not counted in
        blocks.append(ContextBlock(elements=[_md(opened)]))
    if budget:  # near the top: a long list of lots never pushes it out
        blocks.append(ContextBlock(elements=[_md(budget)]))
    lines = [
        "• "
        + t.say(
            "{lot}: {amount} on {day}",
            lot=escape(t.lot(e.source)),
            amount=t.money(e.amount),
            day=t.date(e.expires_on),
        )
        for e in projection.expiring_unused[:MAX_EXPIRING_SHOWN]
    ]
    hidden = len(projection.expiring_unused) - MAX_EXPIRING_SHOWN
    if hidden > 0:
        lines.append(t.say_n("…and {n} more lot.", "…and {n} more lots.", hidden))
    if lines:
        blocks.append(SectionBlock(text=_md(t.gettext("*Will expire unused*"))))
        blocks.extend(_sections(lines))
    blocks.append(ContextBlock(elements=[_md(basis(seen, t, escape))]))
    text = t.say(
        "{title}: {available} available, {burn} a day; runs out on {runs_out}; "
        "buy at least {least} by {buy_by}, at most {most}",
        title=t.say("Forecast for {project}", project=escape(seen.project.name)),
        available=t.money(seen.available),
        burn=t.money(projection.daily_burn),
        runs_out=runs_out,
        least=t.money(advice.buy_at_least),
        buy_by=buy_by,
        most=t.money(advice.useful_at_most),
    )
    if opened:
        text += f"\n{opened}"
    if budget:
        text += f"\n{budget}"
    return Message(text, _dicts(blocks[:MAX_BLOCKS]))


def chart_sent(project_name: str, t: Translator) -> Message:
    return text_message(
        t.say(
            "The credit chart of *{project}* is in your direct messages with me.",
            project=escape(project_name),
        )
    )
