"""What is due by other means (`/credit due`), with a Settle button for finance, the modal
that asks the settlement's reference, and the replies to `/credit export MONTH`."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.i18n import Translator
from bot.slack.blocks.common import Message, _dicts, _md, text_message
from bot.slack.formatting import cut, escape
from ledger.domain import ProjectView
from ledger.services.settlements import MAX_REFERENCE, DuePart, SettlementView

MAX_DUE_SHOWN = 20
SETTLE = "due_settle"
SETTLE_MODAL = "due_settle_modal"
# A row's block_id: `due:PART:` then the project the list is of (empty: every project), so a
# settlement redraws the same list.
ROW = ":list:"


def _line(part: DuePart, t: Translator) -> str:
    memo = f" · _{escape(cut(part.memo, 200))}_" if part.memo else ""
    return (
        t.say(
            "*{part}* · {project} · {when} · *{amount}*",
            part=part.ref,
            project=escape(part.project_name),
            when=t.moment(part.at),
            amount=t.money(part.amount),
        )
        + memo
    )


def due_list(
    parts: Sequence[DuePart], t: Translator, *, finance: bool, project: ProjectView | None = None
) -> Message:
    """The parts not settled, oldest first, each with Settle for finance: of one project, or
    of every project without `project` (an empty list says which)."""
    if not parts and project is not None:
        return text_message(
            t.say(
                "Nothing is due by other payment means for {project}.",
                project=escape(project.name),
            )
        )
    if not parts:
        return text_message(t.gettext("Nothing is due by other payment means."))
    title = t.say_n(
        "{n} part due by other payment means", "{n} parts due by other payment means", len(parts)
    )
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=title))]
    for part in parts[:MAX_DUE_SHOWN]:
        blocks.append(SectionBlock(text=_md(_line(part, t))))
        if finance:
            button = ButtonElement(text=t.gettext("Settle…"), action_id=SETTLE, value=part.ref)
            blocks.append(
                ActionsBlock(
                    block_id=f"due:{part.ref}{ROW}{project.id if project else ''}",
                    elements=[button],
                )
            )
    if len(parts) > MAX_DUE_SHOWN:
        more = len(parts) - MAX_DUE_SHOWN
        blocks.append(
            ContextBlock(
                elements=[
                    _md(
                        t.say_n(
                            "…and {n} more: `creditbot due list` shows them all.",
                            "…and {n} more: `creditbot due list` shows them all.",
                            more,
                        )
                    )
                ]
            )
        )
    text = "\n".join(f"{p.ref} {p.project_id} {t.money(p.amount)}" for p in parts)
    return Message(t.say("{label}:", label=title) + "\n" + text, _dicts(blocks))


def settle_modal(part: DuePart, source: dict[str, str], t: Translator) -> dict[str, object]:
    view = View(
        type="modal",
        callback_id=SETTLE_MODAL,
        title=t.gettext("Settle what is due"),
        submit=t.gettext("Settle"),
        close=t.gettext("Back"),
        private_metadata=json.dumps({"part": part.ref, **source}),
        blocks=[
            SectionBlock(
                text=_md(
                    t.say(
                        "*{part}* of *{project}*: {amount} due by other payment means.",
                        part=part.ref,
                        project=escape(part.project_name),
                        amount=t.money(part.amount),
                    )
                )
            ),
            InputBlock(
                block_id="reference",
                label=t.gettext("Paid under which reference?"),
                hint=t.gettext("The invoice or transfer that paid it, e.g. INV-2026-0042."),
                element=PlainTextInputElement(action_id="value", max_length=MAX_REFERENCE),
            ),
        ],
    )
    return view.to_dict()


def settled(done: Sequence[SettlementView], t: Translator) -> Message:
    lines = [
        t.say(
            "*{part}* settled: {amount} paid, reference {reference} (`{settlement}`).",
            part=view.part,
            amount=t.money(view.amount),
            reference=escape(view.reference),
            settlement=view.ref,
        )
        for view in done
    ]
    return text_message("\n".join(lines))


def export_sent(month: str, count: int, t: Translator) -> Message:
    return text_message(
        t.say_n(
            "The purchase orders decided in {month} ({n} order) are in your direct messages"
            " with me, as CSV.",
            "The purchase orders decided in {month} ({n} orders) are in your direct messages"
            " with me, as CSV.",
            count,
            month=month,
        )
    )
