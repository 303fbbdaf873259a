"""The local console: try every command and button in a terminal, with no workspace.

Each line is turned into the payload Slack would send and dispatched to the same Bolt
app and listeners; what the app sends to Slack lands in a local stand-in and is shown
here as text. Buttons are numbered; modals are filled in field by field.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot.i18n import Translator, translator
from bot.slack.standin import Call, SlackStandIn

TEAM = "TLOCAL"
APP_ID = "ALOCAL"
HIDDEN = {
    "auth.test",
    "usergroups.users.list",
    "users.info",
    "conversations.open",
    "files.getUploadURLExternal",
    "upload",
}
QUIT = (":quit", ":q", "exit")
CANCEL = ":cancel"
SLACK_LOCALES = {"fr": "fr-FR", "en": "en-US"}


def help_text(t: Translator, finance: str, channel: str) -> str:
    """What the console understands, naming a finance approver and channel of these settings."""
    rows = [
        (t.gettext("Type a slash command as in Slack:"), "/credit help"),
        (t.gettext("Click a button by its number:"), "1"),
        (t.gettext("Act as someone else:"), f":as {finance}"),
        (t.gettext("Move to another channel:"), f":channel {channel}"),
        (t.gettext("Run the daily jobs (expiry warnings):"), ":alerts"),
        (t.gettext("Open your App Home:"), ":home"),
        (t.gettext("OVHcloud stand-in: deliver orders, consume credit, sync:"), ":ovh"),
        (
            t.gettext("Leave a form without submitting it:"),
            t.gettext(":cancel (or Ctrl-D, which also ends the console)"),
        ),
        (t.gettext("Read the bot in French or English:"), ":lang fr   :lang en"),
        (t.gettext("This help, and leaving:"), ":help   :quit"),
    ]
    width = max(len(label) for label, _ in rows) + 1
    return "\n".join(f"{label:<{width}} {example}" for label, example in rows)


class FormLeft(Exception):
    """The person left a form without submitting it; `quit` if they also left the console."""

    def __init__(self, quit: bool) -> None:
        super().__init__("form left")
        self.quit = quit


class TrackingExecutor(ThreadPoolExecutor):
    """Runs the app's listeners and lets the console wait until all of them are done."""

    def __init__(self) -> None:
        super().__init__(max_workers=4, thread_name_prefix="console-listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _: Future[Any]) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 30.0) -> None:
        with self._idle:
            self._idle.wait_for(lambda: self._pending == 0, timeout)


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
    return html.unescape(text).replace("\u00a0", " ")


class Console:
    def __init__(
        self,
        app: App,
        standin: SlackStandIn,
        executor: TrackingExecutor,
        user: str,
        channel: str,
        out: TextIO,
        alerts: Callable[[Translator], object] | None = None,
        ovh: Callable[[Translator], object] | None = None,
        t: Translator | None = None,
        finance: tuple[str, str] = ("UFINANCE", "CFINANCE"),
    ) -> None:
        """`t`: the console's own language at start; `finance`: an approver and the finance
        channel, as the help suggests them."""
        self.alerts = alerts
        self.ovh = ovh
        self.t = t or translator("en", ZoneInfo("UTC"))
        self.finance = finance
        self.app = app
        self.standin = standin
        self.executor = executor
        self.user = user
        self.channel = channel
        self.out = out
        self.buttons: list[Button] = []
        self._seen = 0
        self._ids = itertools.count(1)
        # Request ids are stored as dedup keys: a new session on the same database must
        # never reuse the last one's.
        self._session = secrets.token_hex(6)

    # --- the loop ------------------------------------------------------------------------------

    @property
    def help(self) -> str:
        return help_text(self.t, *self.finance)

    def run(self, lines: Iterator[str]) -> None:
        self.write(self.help)
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            if line in QUIT:
                return
            try:
                self.handle(line, lines)
            except FormLeft as left:
                self.write("└ " + self.t.gettext("cancelled"))
                if left.quit:
                    return

    def handle(self, line: str, lines: Iterator[str]) -> None:
        if line.startswith("/credit"):
            self.command(line[len("/credit") :].strip(), lines)
        elif line.isdigit() or line.startswith(":click"):
            self.click(int(line.split()[-1]) if line.split()[-1].isdigit() else 0, lines)
        elif line.startswith(":as "):
            self.user = line.split(maxsplit=1)[1].strip().upper()
            self.write("(" + self.t.say("you are now {user}", user=self.user) + ")")
        elif line.startswith(":channel "):
            self.channel = line.split(maxsplit=1)[1].strip().lstrip("#").upper()
            self.write("(" + self.t.say("you are now in #{channel}", channel=self.channel) + ")")
        elif line.startswith(":lang"):
            self.language(line[len(":lang") :].strip())
        elif line == ":alerts" and self.alerts is not None:
            self.write(f"({self.alerts(self.t)})")
            self.show(lines)
        elif line == ":home":
            self.open_home(lines)
        elif line == ":ovh" and self.ovh is not None:
            self.write(f"({self.ovh(self.t)})")
            self.show(lines)
        elif line == ":help":
            self.write(self.help)
        else:
            self.write("(" + self.t.gettext("type /credit …, a button number, or :help") + ")")

    def language(self, code: str) -> None:
        """Everyone's Slack language in the console; channels keep CREDITBOT_LOCALE."""
        slack_locale = SLACK_LOCALES.get(code.casefold())
        if slack_locale is None:
            self.write("(" + self.t.gettext("languages: :lang fr or :lang en") + ")")
            return
        self.standin.default_locale = slack_locale
        self.standin.locales.clear()
        self.t = translator(slack_locale, self.t.tz)
        self.write("(" + self.t.gettext("the bot now answers you in English") + ")")

    def write(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    # --- what a person does ----------------------------------------------------------------------

    def _dispatch(self, body: dict[str, Any]) -> dict[str, Any]:
        response = self.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        self.executor.wait_idle()
        try:
            answer = json.loads(response.body) if response.body else {}
        except json.JSONDecodeError:
            answer = {"text": response.body}
        return answer if isinstance(answer, dict) else {}

    def command(self, text: str, lines: Iterator[str]) -> None:
        n = next(self._ids)
        body = {
            "token": "console",
            "team_id": TEAM,
            "api_app_id": APP_ID,
            "channel_id": self.channel,
            "channel_name": self.channel.lower(),
            "user_id": self.user,
            "user_name": self.user.lower(),
            "command": "/credit",
            "text": text,
            "response_url": self.standin.response_url(f"command-{self._session}.{n}"),
            "trigger_id": f"console.{self._session}.{n}",
        }
        acked = self._dispatch(body)
        self.show(lines)
        if acked.get("text") or acked.get("blocks"):  # answered in the ack: a refusal at the edge
            self._render(Call("response", acked))

    def open_home(self, lines: Iterator[str]) -> None:
        body = {
            "token": "console",
            "team_id": TEAM,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": f"Ev{self._session}{next(self._ids):08d}",
            "event": {"type": "app_home_opened", "user": self.user, "tab": "home"},
        }
        self._dispatch(body)
        self.show(lines)

    def click(self, number: int, lines: Iterator[str]) -> None:
        if not 1 <= number <= len(self.buttons):
            shown = self.t.say_n(
                "no button {number}; the last message shows {n}",
                "no button {number}; the last message shows {n}",
                len(self.buttons),
                number=number,
            )
            self.write(f"({shown})")
            return
        button = self.buttons[number - 1]
        body = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "api_app_id": APP_ID,
            "user": {"id": self.user},
            "trigger_id": f"console.{self._session}.{next(self._ids)}",
            "response_url": button.response_url,
            "container": {
                "type": "message",
                "message_ts": button.ts,
                "channel_id": button.channel,
                "is_ephemeral": button.ephemeral,
            },
            "channel": {"id": button.channel},
            "message": {"ts": button.ts},
            "actions": [
                {
                    "type": "button",
                    "action_id": button.action_id,
                    "block_id": button.block_id,
                    "value": button.value,
                }
            ],
        }
        self._dispatch(body)
        self.show(lines)

    def fill(self, view: dict[str, Any], lines: Iterator[str]) -> None:
        """Ask for each field, submit, and ask again while a field is refused."""
        leave = self.t.say("{cancel} leaves the form", cancel=CANCEL)
        self.write(f"┌ {plain(_text(view.get('title')))}   ({leave})")
        while True:
            outcome = self._dispatch(self._submission(view, self._answers(view, lines)))
            if outcome.get("response_action") != "errors":
                break
            for field, error in outcome.get("errors", {}).items():
                self.write(
                    "│ " + plain(self.t.say("{label}:", label=f"! {field}")) + " " + plain(error)
                )
        self.write("└ " + self.t.gettext("submitted"))
        self.show(lines)

    def _answers(self, view: dict[str, Any], lines: Iterator[str]) -> dict[str, dict[str, Any]]:
        values: dict[str, dict[str, Any]] = {}
        for block in view.get("blocks", []):
            if block.get("type") == "section":
                self.write(f"│ {plain(_text(block.get('text')))}")
            if block.get("type") != "input":
                continue
            element = block["element"]
            label = plain(_text(block.get("label")))
            if element.get("type") == "external_select":
                chosen = self._choose(view, block, label, lines)
                values[block["block_id"]] = {
                    element["action_id"]: {
                        "type": "external_select",
                        "selected_option": {"value": chosen} if chosen else None,
                    }
                }
            elif element.get("type") == "static_select":
                options = element.get("options", [])
                for i, option in enumerate(options, 1):
                    self.write(f"│   {i}. {plain(_text(option.get('text')))}")
                initial = (element.get("initial_option") or {}).get("value")
                asked = label + (f" [{initial}]" if initial else "")
                answer = self._ask("│ " + plain(self.t.say("{label}:", label=asked)) + " ", lines)
                chosen = initial
                if answer.isdigit() and 1 <= int(answer) <= len(options):
                    chosen = options[int(answer) - 1]["value"]
                elif answer:
                    chosen = answer
                values[block["block_id"]] = {
                    element["action_id"]: {
                        "type": "static_select",
                        "selected_option": {"value": chosen} if chosen else None,
                    }
                }
            else:
                answer = self._ask("│ " + plain(self.t.say("{label}:", label=label)) + " ", lines)
                values[block["block_id"]] = {
                    element["action_id"]: {"type": "plain_text_input", "value": answer or None}
                }
        return values

    def _choose(
        self, view: dict[str, Any], block: dict[str, Any], label: str, lines: Iterator[str]
    ) -> str | None:
        """A menu whose options the app gives as one types (Slack's external_select): a
        number picks a listed option, a word narrows the list, nothing keeps the initial one."""
        initial = (block["element"].get("initial_option") or {}).get("value")
        options = self._suggest(view, block, "")
        while True:
            for i, option in enumerate(options, 1):
                self.write(f"│   {i}. {plain(_text(option.get('text')))}")
            answer = self._ask(f"│ {label}" + (f" [{initial}]" if initial else "") + ": ", lines)
            if not answer:
                return str(initial) if initial else None
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                return str(options[int(answer) - 1]["value"])
            found = self._suggest(view, block, answer)
            exact = [o for o in found if o.get("value") == answer.casefold()]
            if exact or len(found) == 1:
                return str((exact or found)[0]["value"])
            if not found:
                return answer  # the app refuses it next to the field
            options = found

    def _suggest(self, view: dict[str, Any], block: dict[str, Any], typed: str) -> list[Any]:
        answer = self._dispatch(
            {
                "type": "block_suggestion",
                "team": {"id": TEAM},
                "api_app_id": APP_ID,
                "user": {"id": self.user},
                "action_id": block["element"].get("action_id", ""),
                "block_id": block.get("block_id", ""),
                "value": typed,
                "view": {
                    "id": view.get("id") or f"V{self._session}",
                    "callback_id": view.get("callback_id"),
                    "type": "modal",
                },
            }
        )
        options = answer.get("options")
        return options if isinstance(options, list) else []

    def _submission(
        self, view: dict[str, Any], values: dict[str, dict[str, Any]]
    ) -> dict[str, Any]:
        return {
            "type": "view_submission",
            "team": {"id": TEAM},
            "api_app_id": APP_ID,
            "user": {"id": self.user},
            "view": {
                "id": view.get("id") or f"V{self._session}",
                "callback_id": view.get("callback_id"),
                "private_metadata": view.get("private_metadata", ""),
                "state": {"values": values},
                "type": "modal",
            },
        }

    def _ask(self, prompt: str, lines: Iterator[str]) -> str:
        print(prompt, end="", file=self.out, flush=True)
        raw = next(lines, None)
        if raw is None:  # end of input (Ctrl-D): leave the form and the console
            print(file=self.out)
            raise FormLeft(quit=True)
        answer = raw.strip()
        if not self.out.isatty():
            print(answer, file=self.out)
        if answer == CANCEL or answer in QUIT:
            raise FormLeft(quit=answer in QUIT)
        return answer

    # --- what the app sent ---------------------------------------------------------------------

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
