"""A project's balance, its lots by expiry, and its history."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    PlainTextObject,
    SectionBlock,
)

from bot import labels
from bot.i18n import Translator
from bot.slack.blocks.common import (
    MAX_BLOCKS,
    MAX_LOTS_SHOWN,
    WARNING,
    Message,
    _dicts,
    _md,
    _sections,
)
from bot.slack.formatting import cut, escape
from ledger.clock import days_left
from ledger.domain import Balance, HistoryLine, ProjectView

WARN_DAYS = 30


def balance_message(
    view: Balance,
    t: Translator,
    outlook: str | None = None,
    synced: str | None = None,
    budget: str | None = None,
) -> Message:
    """`budget`: the purchase budget's use line, for a project with a budget."""
    project = view.project
    title = t.say(
        "{project}: {amount} available", project=project.name, amount=t.money(view.available)
    )
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=title[:150])),
        SectionBlock(
            fields=[
                _md(t.say("*Vouchers*\n{amount}", amount=t.money(view.vouchers))),
                _md(t.say("*Credit*\n{amount}", amount=t.money(view.credit))),
            ]
        ),
    ]
    if outlook:
        blocks.append(ContextBlock(elements=[_md(outlook)]))
    if budget:
        blocks.append(ContextBlock(elements=[_md(budget)]))
    lines = []
    for lot in view.lots[:MAX_LOTS_SHOWN]:
        left = days_left(view.at, lot.expires_at, t.tz)
        mark = f"{WARNING} " if left < WARN_DAYS else ""
        lines.append(
            mark
            + t.say(
                "*{lot}* — {remaining} left of {initial} · until {until} ({days})",
                lot=escape(t.lot(lot.source)),
                remaining=t.money(lot.remaining),
                initial=t.money(lot.initial),
                until=t.last_day(lot.expires_at),
                days=t.days_left(left),
            )
        )
    if lines:
        blocks.append(DividerBlock())
        blocks.extend(_sections(lines))
    else:
        blocks.append(
            SectionBlock(
                text=_md(
                    t.gettext("No credit or voucher left. `/credit buy` asks finance for more.")
                )
            )
        )
    hidden = view.lots[MAX_LOTS_SHOWN:]
    if hidden:
        total = hidden[0].remaining
        for lot in hidden[1:]:
            total = total + lot.remaining
        blocks.append(
            ContextBlock(
                elements=[
                    _md(
                        t.say_n(
                            "…and {n} more lot holding {amount}, spent after those above.",
                            "…and {n} more lots holding {amount}, spent after those above.",
                            len(hidden),
                            amount=t.money(total),
                        )
                    )
                ]
            )
        )
    text = (
        t.say(
            "{project}: {amount} available",
            project=escape(project.name),
            amount=t.money(view.available),
        )
        + " "
        + t.say_n(
            "(vouchers {vouchers}, credit {credit}; {n} lot)",
            "(vouchers {vouchers}, credit {credit}; {n} lots)",
            len(view.lots),
            vouchers=t.money(view.vouchers),
            credit=t.money(view.credit),
        )
    )
    if outlook:
        text += f" {outlook}"
    if budget:
        text += f" {budget}"
    if synced:
        blocks = [*blocks[: MAX_BLOCKS - 1], ContextBlock(elements=[_md(synced)])]
        text += "\n" + synced
    return Message(text, _dicts(blocks[:MAX_BLOCKS]))


def _shown_key(key: str | None) -> str | None:
    """Keys the bot made up itself (a Slack request, a CLI run) mean nothing to a reader."""
    if not key or key.startswith(("slack:", "cli-")):
        return None
    return key


def history_message(project: ProjectView, lines: Sequence[HistoryLine], t: Translator) -> Message:
    rows = []
    for line in lines:
        note = labels.entry_note(line, t)
        shows_note = line.kind in ("debit", "due", "refund", "settled", "unsettled")
        memo = f" — {escape(note)}" if note and shows_note else ""
        key = _shown_key(line.charge_key)
        lot = escape(t.lot(line.lot_source)) if line.lot_source else ""
        source = " ".join(part for part in (lot, f"`{escape(key)}`" if key else "") if part)
        rows.append(
            f"{t.moment(line.at)} · *{labels.entry_kind(line.kind, t)}* {t.money(line.amount)}"
            f" · {source}{memo}"
        )
    title = t.say("{project}: latest ledger entries", project=project.name)
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=cut(title, 150)))]
    blocks.extend(
        _sections(rows)
        if rows
        else [SectionBlock(text=_md(t.gettext("Nothing has happened on this project yet.")))]
    )
    fallback = t.say("{project}: latest ledger entries", project=escape(project.name))
    return Message(fallback + "\n" + "\n".join(rows), _dicts(blocks[:MAX_BLOCKS]))
