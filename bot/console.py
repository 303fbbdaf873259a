"""The local console: try every command and button in a terminal, with no workspace.

Each line is turned into the payload Slack would send and dispatched to the same Bolt
app and listeners; what the app sends to Slack lands in a local stand-in and is shown
here as text. Buttons are numbered; modals are filled in field by field.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot.console_forms import APP_ID, QUIT, TEAM, FormFilling, FormLeft
from bot.console_render import Button, Rendering
from bot.i18n import Translator, translator
from bot.slack.standin import Call, SlackStandIn

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


class Console(Rendering, FormFilling):
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
