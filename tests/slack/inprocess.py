"""The real Bolt app and listeners in this process, over a ledger whose clock the test moves,
talking to the Slack stand-in. Requests are the payloads Slack sends, dispatched as Socket
Mode does; the test waits until every lazy listener is done."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import SecretStr
from slack_bolt.request import BoltRequest

from bot.composition import build_alerts, build_slack
from bot.console import TrackingExecutor
from bot.jobs.alerts import Pacer, Report
from bot.settings import Settings
from bot.slack.standin import Call, SlackStandIn
from ledger.services import Ledger


class Bot:
    def __init__(self, ledger: Ledger, standin: SlackStandIn, settings: Settings) -> None:
        self.standin = standin
        self.executor = TrackingExecutor()
        self.app = build_slack(settings, ledger, listener_executor=self.executor)
        self.alerts = build_alerts(settings, ledger, client=self.app.client, pacer=Pacer(0))
        self._ids = itertools.count(1)

    def dispatch(self, body: dict[str, Any]) -> dict[str, Any]:
        response = self.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        self.executor.wait_idle()
        return {"status": response.status, "body": response.body}

    def command(self, user: str, text: str, channel: str = "CGENERAL") -> Call:
        """`/credit text`, and the bot's answer at the command's response_url."""
        name = f"command-{next(self._ids)}"
        self.dispatch(
            {
                "command": "/credit",
                "text": text,
                "user_id": user,
                "channel_id": channel,
                "team_id": "T1",
                "api_app_id": "A1",
                "response_url": self.standin.response_url(name),
                "trigger_id": f"trigger.{name}",
            }
        )
        url = f"/response/{name}"
        return next(c for c in self.standin.of("response") if c.params.get("_url") == url)

    def click(self, user: str, action_id: str, value: str, channel: str, ts: str) -> None:
        name = f"click-{next(self._ids)}"
        self.dispatch(
            {
                "type": "block_actions",
                "team": {"id": "T1"},
                "api_app_id": "A1",
                "user": {"id": user},
                "trigger_id": f"trigger.{name}",
                "response_url": self.standin.response_url(name),
                "container": {"type": "message", "message_ts": ts, "channel_id": channel},
                "channel": {"id": channel},
                "message": {"ts": ts},
                "actions": [
                    {"type": "button", "action_id": action_id, "block_id": "b", "value": value}
                ],
            }
        )

    def open_home(self, user: str) -> Call:
        """`user` opens the bot's Home tab; the view the bot published for them."""
        self.dispatch(
            {
                "token": "x",
                "team_id": "T1",
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": f"Ev-home-{user}-{next(self._ids)}",
                "event_time": 1,
                "event": {"type": "app_home_opened", "user": user, "tab": "home"},
            }
        )
        return [c for c in self.standin.of("views.publish") if c.params["user_id"] == user][-1]

    def posts(self, channel: str) -> list[Call]:
        return [c for c in self.standin.of("chat.postMessage") if c.params["channel"] == channel]

    def run_alerts(self) -> Report:
        return self.alerts.run()


@contextmanager
def bot_in_process(ledger: Ledger, locale: str, **people: str) -> Iterator[Bot]:
    """`locale`: CREDITBOT_LOCALE; `people`: user id → Slack locale (others get Slack's en-US)."""
    standin = SlackStandIn().start()
    standin.locales.update(people)
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-test"),
        slack_api_url=standin.api_url,
        finance_channel="CFINANCE",
        finance_approvers=("UFIN",),
        admins=("UADMIN",),
        creditbot_locale=locale,
    )  # type: ignore[call-arg]
    bot = Bot(ledger, standin, settings)
    try:
        yield bot
    finally:
        bot.executor.shutdown(wait=True)
        standin.stop()


def plain(call: Call) -> str:
    """The message's text fallback, with Slack's no-break spaces as plain spaces."""
    return str(call.params.get("text", "")).replace("\u00a0", " ")


def block_texts(call: Call) -> list[str]:
    """Every text of the message's blocks, in order, no-break spaces as plain spaces."""
    return [str(text).replace("\u00a0", " ") for text in _block_values(call, "text")]


def action_ids(call: Call) -> set[str]:
    """The action ids of the message's buttons and menus."""
    return {str(action) for action in _block_values(call, "action_id")}


def _block_values(call: Call, key: str) -> list[Any]:
    """Every string value of `key` in the message's blocks, in order."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get(key), str):
                found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(call.params.get("blocks") or [])
    return found
