"""Plays Slack in the end-to-end tests: signs requests like Slack, posts them to the real
server on loopback, and reads what the bot sent back through the stand-in."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bot.slack.standin import Call, SlackStandIn
from tests.support import TEST_SECRET

SECRET = "test-signing-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_command(port: int, workers: int = 1, config: Path | None = None) -> list[str]:
    """`creditbot serve` on loopback, as the tests and the benchmarks start it: with a
    gunicorn config file (its workers and threads), or with 8 threads per worker."""
    cli = [sys.executable, "-m", "bot.cli", "serve"]
    if config is not None:
        return [*cli, "--config", str(config), "--bind", f"127.0.0.1:{port}"]
    return [
        *cli,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        "8",
    ]


def sign(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Reply:
    status: int
    body: str


@contextmanager
def running_server(
    db_url: str,
    standin: SlackStandIn,
    *,
    workers: int = 1,
    log: Path | None = None,
    config: Path | None = None,
    **env: str,
) -> Iterator[str]:
    """`creditbot serve` on a free loopback port; its log goes to `log` when given."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "CREDITBOT_SECRET": TEST_SECRET,
        "SLACK_API_URL": standin.api_url,
        "FINANCE_CHANNEL": "CFINANCE",
        "ADMINS": "UADMIN",
        "FINANCE_APPROVERS": "UFIN,SFINANCE",
        "USERGROUP_CACHE_SECONDS": "300",
        **env,
    }
    environment.pop("SLACK_APP_TOKEN", None)
    with ExitStack() as stack:
        # A file, not a pipe: gunicorn's access log would fill a pipe nobody reads.
        if log is not None:
            output = stack.enter_context(log.open("w"))
        else:
            output = stack.enter_context(tempfile.TemporaryFile("w+"))
        process = subprocess.Popen(
            serve_command(port, workers, config),
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base, process)
            yield base
        finally:
            process.terminate()
            try:
                process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


def wait_until_healthy(base: str, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else "(see its log file)"
                raise RuntimeError(f"server did not start: {output}") from None
            time.sleep(0.1)


class Workspace:
    def __init__(
        self, base: str, standin: SlackStandIn, context: ssl.SSLContext | None = None
    ) -> None:
        self.base = base
        self.standin = standin
        self.context = context  # trusts the proxy's certificate, for an https:// base
        self._ids = itertools.count(1)

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        stamp = int(time.time()) if timestamp is None else timestamp
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": signature if signature is not None else sign(body, stamp),
        }
        sent.update(headers or {})
        sent = {k: v for k, v in sent.items() if v != ""}
        request = urllib.request.Request(
            f"{self.base}/slack/events", data=body, headers=sent, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10, context=self.context) as answer:
                return Reply(answer.status, answer.read().decode())
        except urllib.error.HTTPError as failed:
            return Reply(failed.code, failed.read().decode())

    def command(self, user: str, text: str, channel: str = "CGENERAL") -> Call:
        """Run `/credit text` and return the bot's answer at the command's response_url."""
        name = f"command-{next(self._ids)}"
        form = {
            "token": "x",
            "team_id": "T1",
            "team_domain": "t",
            "channel_id": channel,
            "channel_name": "c",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/credit",
            "text": text,
            "api_app_id": "A1",
            "response_url": self.standin.response_url(name),
            "trigger_id": f"trigger.{name}",
        }
        reply = self.post(urlencode(form).encode(), "application/x-www-form-urlencoded")
        assert reply.status == 200, reply
        return self.response(name)

    def response(self, name: str, timeout: float = 15) -> Call:
        url = f"/response/{name}"
        self.standin.wait_for(
            lambda calls: any(
                c.method == "response" and c.params.get("_url") == url for c in calls
            ),
            timeout,
        )
        return next(
            c for c in self.standin.calls if c.method == "response" and c.params.get("_url") == url
        )

    def click(
        self,
        user: str,
        action_id: str,
        value: str,
        *,
        channel: str = "CFINANCE",
        ts: str = "",
        response: str | None = None,
        ephemeral: bool = False,
    ) -> tuple[Reply, str]:
        name = response or f"click-{next(self._ids)}"
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "user": {"id": user},
            "trigger_id": f"trigger.{name}",
            "response_url": self.standin.response_url(name),
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "channel": {"id": channel},
            "message": {"ts": ts},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": f"po:{value}",
                    "value": value,
                }
            ],
        }
        return self.post(
            urlencode({"payload": json.dumps(payload)}).encode(),
            "application/x-www-form-urlencoded",
        ), name

    def event(self, event: dict[str, Any]) -> Reply:
        """Deliver an Events API callback, as Slack does, with the event inside."""
        body = {
            "token": "x",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "event": event,
        }
        return self.post(json.dumps(body).encode(), "application/json")

    def click_home(self, user: str, action_id: str, value: str) -> Reply:
        """A button in the Home tab: no message, no response_url, the view as container."""
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "user": {"id": user},
            "trigger_id": f"trigger.home-{next(self._ids)}",
            "container": {"type": "view", "view_id": "VHOME"},
            "view": {"id": "VHOME", "type": "home"},
            "actions": [{"type": "button", "action_id": action_id, "value": value}],
        }
        return self.post(
            urlencode({"payload": json.dumps(payload)}).encode(),
            "application/x-www-form-urlencoded",
        )

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> Reply:
        state = {block: {"value": value} for block, value in values.items()}
        payload = {
            "type": "view_submission",
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "user": {"id": user},
            "view": {
                "id": f"V{next(self._ids)}",  # Slack gives each modal its own id
                "type": "modal",
                "callback_id": view["callback_id"],
                "private_metadata": view.get("private_metadata", ""),
                "state": {"values": state},
            },
        }
        return self.post(
            urlencode({"payload": json.dumps(payload)}).encode(),
            "application/x-www-form-urlencoded",
        )


def text_of(call: Call) -> str:
    parts = [str(call.params.get("text", ""))]
    parts += [json.dumps(b, ensure_ascii=False) for b in call.params.get("blocks") or []]
    return "\n".join(parts).replace("\u00a0", " ")


def metric(scraped: str, name: str, **labels: str) -> float:
    """The value of one sample of a Prometheus text exposition."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in scraped.splitlines():
        if line.startswith("#") or " " not in line:
            continue
        sample, value = line.rsplit(" ", 1)
        metric_name, _, rest = sample.partition("{")
        got = ",".join(sorted(rest.rstrip("}").split(","))) if rest else ""
        if metric_name == name and got == wanted:
            return float(value)
    raise AssertionError(f"no sample {name}{labels} in:\n{scraped}")
