"""Projects: added, linked to a channel, listed."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, HeaderBlock, PlainTextObject

from bot.i18n import Translator
from bot.slack.blocks.common import MAX_BLOCKS, Message, _dicts, _listing, text_message
from bot.slack.formatting import channel, escape
from ledger.domain import LinkedChannel, ProjectView


def project_added(view: ProjectView, t: Translator) -> Message:
    return text_message(
        t.say(
            "Project *{name}* (`{id}`) added, in {currency}, VAT {vat}.",
            name=escape(view.name),
            id=view.id,
            currency=view.currency,
            vat=t.rate(view.vat_rate_bp),
        )
    )


def channel_linked(linked: LinkedChannel, t: Translator) -> Message:
    text = t.say(
        "This channel now belongs to project *{project}*.", project=escape(linked.project.name)
    )
    if linked.previous:
        text += " " + t.say(
            "It no longer belongs to project `{previous}`.", previous=escape(linked.previous)
        )
    return text_message(text)


def project_list(projects: Sequence[ProjectView], t: Translator) -> Message:
    if not projects:
        return no_project(t)
    lines = [
        t.say(
            "`{id}` *{name}* · {currency} · VAT {vat} · {channels}",
            id=p.id,
            name=escape(p.name),
            currency=p.currency,
            vat=t.rate(p.vat_rate_bp),
            channels=", ".join(channel(c) for c in p.channels[:20]) or t.gettext("no channel"),
        )
        for p in projects
    ]
    title = t.gettext("Projects")
    listing = _listing(
        lines,
        MAX_BLOCKS - 1,
        lambda n: t.say_n("…and {n} more project.", "…and {n} more projects.", n),
    )
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=title)), *listing]
    return Message(t.say("{label}:", label=title) + "\n" + "\n".join(lines), _dicts(blocks))


def no_project(t: Translator) -> Message:
    return text_message(
        t.gettext("No project yet. An admin adds one with `/credit project add ID NAME`.")
    )
