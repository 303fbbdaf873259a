"""Socket Mode end to end: `creditbot run` with an app token connects to a local Socket Mode
endpoint, acknowledges a slash command envelope and answers at its response_url."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.server import ServerConnection, serve

from bot.slack.standin import SlackStandIn
from tests.slack.workspace import free_port, metric, text_of
from tests.support import TEST_SECRET, environment_without_slack

pytestmark = pytest.mark.slow


class SocketModeEndpoint:
    """Plays Slack's side of Socket Mode for one connection: hello, one envelope, the ack."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.acks: list[dict[str, Any]] = []
        self.acked = threading.Event()
        self.server = serve(self._session, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link"

    def _session(self, connection: ServerConnection) -> None:
        connection.send(
            json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        )
        envelope = {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "payload": self.payload,
            "accepts_response_payload": True,
        }
        connection.send(json.dumps(envelope))
        for message in connection:
            data = json.loads(message)
            if data.get("envelope_id"):
                self.acks.append(data)
                self.acked.set()

    def __enter__(self) -> SocketModeEndpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


def test_with_an_app_token_the_bot_answers_slash_commands_over_socket_mode(
    db_url: str, standin: SlackStandIn
) -> None:
    payload = {
        "token": "x",
        "team_id": "T1",
        "channel_id": "C1",
        "user_id": "U1",
        "command": "/credit",
        "text": "help",
        "api_app_id": "A1",
        "response_url": standin.response_url("socket"),
        "trigger_id": "t.socket",
    }
    metrics_port = free_port()
    with SocketModeEndpoint(payload) as endpoint:
        standin.socket_url = endpoint.url
        env = environment_without_slack(
            DATABASE_URL=db_url,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_APP_TOKEN="xapp-test",
            CREDITBOT_SECRET=TEST_SECRET,
            SLACK_API_URL=standin.api_url,
            METRICS_ADDRESS=f"127.0.0.1:{metrics_port}",
        )
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert endpoint.acked.wait(30), "no ack over the socket"
            answer = standin.wait_calls("response", timeout=30)[0]
            counted = scraped_until(metrics_port, 'kind="command",outcome="ok"')
        finally:
            bot.terminate()
            output, _ = bot.communicate(timeout=30)
    assert endpoint.acks[0]["envelope_id"] == "env-1"
    assert (
        "/credit balance [PROJECT]" in text_of(answer)
        and answer.params["response_type"] == "ephemeral"
    )
    assert [c.params.get("_url") for c in standin.of("response")] == ["/response/socket"], output
    assert "xapp-test" not in output and "xoxb-test" not in output  # secrets never reach the log
    assert metric(counted, "creditbot_requests_total", kind="command", outcome="ok") == 1


def scraped_until(port: int, seen: str, timeout: float = 10) -> str:
    """/metrics once it shows `seen` (a reply's figures are recorded just after the reply)."""
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as got:
            scraped = got.read().decode()
        if seen in scraped or time.monotonic() > deadline:
            return scraped
        time.sleep(0.05)
