"""What the app sent Slack, as a terminal shows it: where it went, its blocks as lines,
its buttons numbered to be clicked."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.slack.standin import Call, SlackStandIn

if TYPE_CHECKING:
    from bot.i18n import Translator

HIDDEN = {
    "auth.test",
    "usergroups.users.list",
    "users.info",
    "conversations.open",
    "files.getUploadURLExternal",
    "upload",
}


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str
    value: str
    block_id: str
    channel: str
    ts: str
    ephemeral: bool
    response_url: str


def plain(text: str) -> str:
    """mrkdwn as a terminal shows it."""
    text = re.sub(r"<@([A-Z0-9]+)>", r"@\1", text)
    text = re.sub(r"<#([A-Z0-9]+)(\|[^>]*)?>", r"#\1", text)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    # French typography's no-break spaces are kept: a terminal shows them as spaces that
    # never break a line before ":" or "?".
    return html.unescape(text)


class Rendering:
    """The console's screen; the console gives the stand-in, the language and the channel."""

    if TYPE_CHECKING:
        t: Translator
        standin: SlackStandIn
        channel: str
        buttons: list[Button]
        _seen: int
        write: Callable[[str], None]
        fill: Callable[[dict[str, Any], Iterator[str]], None]

    def show(self, lines: Iterator[str]) -> None:
        calls = self.standin.calls[self._seen :]
        self._seen += len(calls)
        modal = None
        for call in calls:
            if call.method in HIDDEN:
                continue
            if call.method == "views.open":
                modal = {**(call.params.get("view") or {}), **(call.result.get("view") or {})}
                continue
            self._render(call)
        if modal is not None:
            self.fill(modal, lines)

    def _render(self, call: Call) -> None:
        p = call.params
        channel = str(p.get("channel", ""))
        where = {
            "response": self.t.gettext("only you"),
            "chat.postEphemeral": self.t.say("only you, in #{channel}", channel=channel),
            "chat.postMessage": self.t.say("DM to @{user}", user=channel)
            if channel.startswith("U")
            else f"#{channel}",
            "chat.update": self.t.say("#{channel}, message updated", channel=channel),
            "views.publish": self.t.say("App Home of @{user}", user=p.get("user_id", "")),
            "files.completeUploadExternal": self.t.say(
                "file in DM {channel}", channel=p.get("channel_id", "")
            ),
        }.get(call.method, call.method)
        ts = str(call.result.get("ts") or p.get("ts") or "")
        ephemeral = call.method in ("response", "chat.postEphemeral")
        response_url = (
            self.standin.url + str(p.get("_url", "")) if call.method == "response" else ""
        )
        self.write(f"── {where} " + "─" * max(0, 60 - len(where)))
        view = p.get("view")
        blocks = p.get("blocks") or (view.get("blocks") if isinstance(view, dict) else None) or []
        if call.method == "files.completeUploadExternal":
            shared = call.result.get("files") or [{}]
            self.write(
                self.t.say(
                    "{title} ({size} bytes)",
                    title=shared[0].get("title", ""),
                    size=shared[0].get("size", 0),
                )
            )
        elif not blocks:
            self.write(plain(str(p.get("text", ""))))
        if call.method in ("response", "chat.update") and p.get("replace_original"):
            self.buttons = [b for b in self.buttons if b.response_url != response_url]
        for block in blocks:
            for line in self._block_lines(block, channel, ts, ephemeral, response_url):
                self.write(line)

    def _block_lines(
        self, block: dict[str, Any], channel: str, ts: str, ephemeral: bool, response_url: str
    ) -> list[str]:
        kind = block.get("type")
        if kind == "header":
            return [plain(_text(block.get("text"))).upper()]
        if kind == "divider":
            return ["-" * 40]
        if kind == "section":
            out = [plain(_text(block.get("text")))] if block.get("text") else []
            # Slack shows a field's label above its value; here they share a line, in two
            # columns, with no colon to be typeset differently in each language.
            pairs = [(*plain(_text(f)).split("\n", 1), "")[:2] for f in block.get("fields") or []]
            width = max((len(label) for label, _ in pairs), default=0)
            return out + [f"  {label:<{width}}  {value}".rstrip() for label, value in pairs]
        if kind == "context":
            return ["  " + " ".join(plain(_text(e)) for e in block.get("elements", []))]
        if kind == "actions":
            labels = []
            for element in block.get("elements", []):
                self.buttons.append(
                    Button(
                        label=_text(element.get("text")),
                        action_id=element.get("action_id", ""),
                        value=element.get("value", ""),
                        block_id=block.get("block_id", ""),
                        channel=channel or self.channel,
                        ts=ts,
                        ephemeral=ephemeral,
                        response_url=response_url or self.standin.response_url(f"message-{ts}"),
                    )
                )
                labels.append(
                    f"[{len(self.buttons)}] {_text(element.get('text'))} {element.get('value', '')}"
                )
            return ["  " + "   ".join(labels)]
        return []


def _text(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return str(obj or "")
