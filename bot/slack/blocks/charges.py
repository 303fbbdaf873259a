"""Charges: the reply to whoever charged, and the news in the project's channel."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, SectionBlock

from bot.i18n import Translator
from bot.slack.blocks.common import MAX_SECTION, Message, _dicts, _md, _sections, text_message
from bot.slack.formatting import cut, escape, mention
from ledger.domain import ChargeResult


def charge_result(result: ChargeResult, t: Translator) -> Message:
    lines = [f"• {escape(t.lot_from(a.source, a.amount))}" for a in result.allocations]
    values = {"amount": t.money(result.amount), "project": escape(result.project.name)}
    if result.repeated:
        head = t.say(
            "Charged {amount} to *{project}* (already recorded: nothing more was spent)", **values
        )
    else:
        head = t.say("Charged {amount} to *{project}*", **values)
    if not lines:
        lines.append("• " + t.gettext("nothing from credit: there was none left"))
    tail = (
        t.say("Due by other payment means: *{amount}*", amount=t.money(result.due_other))
        if result.due_other
        else t.gettext("Fully paid from credit.")
    )
    blocks: list[Block] = [
        SectionBlock(text=_md(head)),
        *_sections(lines[:40]),
        ContextBlock(elements=[_md(tail)]),
    ]
    return Message(f"{head}. {tail}", _dicts(blocks))


def charge_news(result: ChargeResult, who: str, t: Translator) -> Message:
    values = {
        "who": mention(who),
        "amount": t.money(result.amount),
        "project": escape(result.project.name),
    }
    due = (
        " " + t.say("{amount} is due by other payment means.", amount=t.money(result.due_other))
        if result.due_other
        else ""
    )
    if result.memo:

        def news(memo: str) -> str:
            return t.say("{who} charged {amount} to *{project}* ({memo}).", memo=memo, **values)

        # The memo gives way, so that the message fits one section whole.
        room = MAX_SECTION - len(news("")) - len(due)
        text = news(cut(escape(result.memo), room))
    else:
        text = t.say("{who} charged {amount} to *{project}*.", **values)
    return text_message(text + due)
