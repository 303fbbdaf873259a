"""The autopilot in Slack: `/credit autopilot` (its state per project), and the news of a
draft for the project's channel. The finance card of a drafted order is the purchase
order's own (`purchase_orders.po_for_approval`)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, PlainTextObject, SectionBlock

from bot import autopilot_words
from bot.i18n import Translator
from bot.slack.blocks.common import MAX_BLOCKS, Message, _dicts, _md, text_message
from bot.slack.formatting import escape
from ledger.domain import PurchaseOrderView
from ledger.services.autopilot import AutopilotState

# Each project takes a section and a context: a header and the "more" line stay inside 50.
MAX_PROJECTS_SHOWN = 23


def state_lines(state: AutopilotState, t: Translator) -> list[str]:
    return [
        f"*{escape(state.project.name)}* (`{state.project.id}`) · "
        + autopilot_words.setting(state, t),
        autopilot_words.outlook(state, t),
    ]


def autopilot_message(states: Sequence[AutopilotState], t: Translator) -> Message:
    """Each project's autopilot: on or off, cover and cap, the next draft, who changed it."""
    title = t.gettext("Autopilot")
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=title))]
    fallback = [title]
    for state in states[:MAX_PROJECTS_SHOWN]:
        lines = state_lines(state, t)
        fallback += lines
        blocks.append(SectionBlock(text=_md("\n".join(lines))))
        notes = [
            note
            for note in (autopilot_words.last_draft(state, t), autopilot_words.changed(state, t))
            if note
        ]
        if notes:
            blocks.append(ContextBlock(elements=[_md(" ".join(notes))]))
    if len(states) > MAX_PROJECTS_SHOWN:
        more = t.say_n(
            "…and {n} more project; `/credit autopilot PROJECT` shows one.",
            "…and {n} more projects; `/credit autopilot PROJECT` shows one.",
            len(states) - MAX_PROJECTS_SHOWN,
        )
        blocks.append(ContextBlock(elements=[_md(more)]))
    if not states:
        return text_message(t.gettext("No project yet."))
    return Message("\n".join(fallback), _dicts(blocks[:MAX_BLOCKS]))


def drafted_news(po: PurchaseOrderView, t: Translator) -> Message:
    """The project's channel told of a draft: finance decides, nobody needs to act."""
    head = ":robot_face: " + t.say(
        "The autopilot drafted purchase order *{po}* for {amount} excl. tax of credit on "
        "*{project}*; finance will approve or reject it.",
        po=po.number,
        amount=t.money(po.amount_excl_tax),
        project=escape(po.project.name),
    )
    lines = [head]
    if po.drafted is not None:
        lines.append(autopilot_words.drafted(po, t))
    return text_message("\n".join(lines))


def changed_news(state: AutopilotState, t: Translator) -> Message:
    """Finance told who turned a project's autopilot on or off, and how it is set."""
    who = t.person(state.changed_by or "")
    project = escape(state.project.name)
    if state.enabled:
        head = t.say("{who} turned the autopilot on for *{project}*.", who=who, project=project)
    else:
        head = t.say("{who} turned the autopilot off for *{project}*.", who=who, project=project)
    lines = [":robot_face: " + head]
    if state.enabled:
        lines.append(autopilot_words.setting(state, t))
        lines.append(autopilot_words.outlook(state, t))
    return text_message("\n".join(lines))


def draft_due_news(state: AutopilotState, t: Translator) -> Message:
    """A dry run's line: the purchase order the autopilot would draft for the project now."""
    draft = state.outlook.draft
    amount = t.money(draft.amount) if draft else "?"
    head = ":robot_face: " + t.say(
        "The autopilot would draft {amount} for *{project}*.",
        amount=amount,
        project=escape(state.project.name),
    )
    return text_message(head + ("\n" + autopilot_words.due(draft, t) if draft else ""))
