"""The HTTP edge under hostile or broken clients: the real server on loopback, raw sockets."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from bot.standin import SlackStandIn
from tests.slack.workspace import (
    SECRET,
    Workspace,
    free_port,
    metric,
    running_server,
    sign,
    text_of,
    wait_until_healthy,
)
from tests.support import TEST_SECRET

pytestmark = pytest.mark.slow


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


def address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return str(parts.hostname), int(parts.port or 80)


def raw_status(base: str, request: bytes) -> int:
    """Send bytes as they are (headers urllib would refuse included); read the status code."""
    with socket.create_connection(address(base), timeout=5) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def events_request(headers: list[bytes], body: bytes = b"x=1") -> bytes:
    lines = [
        b"POST /slack/events HTTP/1.1",
        b"Host: localhost",
        b"Content-Type: application/x-www-form-urlencoded",
        b"Content-Length: " + str(len(body)).encode(),
        *headers,
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def test_unsigned_garbage_is_a_401_and_leaves_no_traceback_in_the_log(
    db_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    now = str(int(time.time())).encode()
    good_signature = sign(b"x=1", int(now)).encode()
    garbage = [
        [b"X-Slack-Request-Timestamp: abc", b"X-Slack-Signature: v0=00"],
        [b"X-Slack-Request-Timestamp: 1.5", b"X-Slack-Signature: v0=00"],
        [b"X-Slack-Request-Timestamp: ", b"X-Slack-Signature: v0=00"],
        [b"X-Slack-Request-Timestamp: " + b"9" * 400, b"X-Slack-Signature: " + good_signature],
        [b"X-Slack-Request-Timestamp: -" + b"9" * 30, b"X-Slack-Signature: " + good_signature],
        [
            b"X-Slack-Request-Timestamp: " + now,
            b"X-Slack-Request-Timestamp: " + now,
            b"X-Slack-Signature: " + good_signature,
        ],
        [
            b"X-Slack-Request-Timestamp: " + now,
            b"X-Slack-Signature: " + good_signature,
            b"X-Slack-Signature: " + good_signature,
        ],
        [b"X-Slack-Request-Timestamp: " + now, "X-Slack-Signature: v0=é".encode()],
        [b"X-Slack-Request-Timestamp: " + now, "X-Slack-Signature: v0=é".encode("latin-1")],
        [b"X-Slack-Request-Timestamp: \xd9\xa1\xd9\xa2", b"X-Slack-Signature: v0=00"],
        [b"X-Slack-Signature: " + good_signature],
        [b"X-Slack-Request-Timestamp: " + now],
        [],
    ]
    with running_server(db_url, standin, log=log) as base:
        statuses = [raw_status(base, events_request(headers)) for headers in garbage]
        # The same body, properly signed, is let through: the refusals were the signature's.
        assert raw_status(base, events_request(garbage[5][1:])) != 401
    assert statuses == [401] * len(garbage)
    written = log.read_text()
    assert "Traceback" not in written and "ERROR" not in written, written


def test_a_signed_payload_nested_a_thousand_deep_is_a_400(
    db_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with running_server(db_url, standin, log=log) as base:
        slack = Workspace(base, standin)
        nested = b"payload=" + b"[" * 1000 + b"]" * 1000
        assert slack.post(nested, "application/x-www-form-urlencoded").status == 400
        assert slack.post(b"x" * 10, "text/plain").status < 500  # still serving
    written = log.read_text()
    assert "Traceback" not in written and "ERROR" not in written, written


def test_a_signed_command_without_a_response_url_is_a_warning_and_changes_nothing(
    db_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    form = {
        "command": "/credit",
        "text": "project add ghost Ghost",
        "user_id": "UADMIN",
        "channel_id": "C1",
    }
    with running_server(db_url, standin, log=log) as base:
        slack = Workspace(base, standin)
        assert (
            slack.post(urlencode(form).encode(), "application/x-www-form-urlencoded").status == 200
        )
        deadline = time.monotonic() + 10
        while "nowhere to answer" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "ghost" not in text_of(slack.command("UADMIN", "project list")).lower()
    written = log.read_text()
    assert "WARNING creditbot.slack: a command came without a response_url" in written, written
    assert "Traceback" not in written and "ERROR" not in written, written


class Trickler(threading.Thread):
    """A client sending one byte a second, until the server hangs up on it."""

    def __init__(self, base: str, data: bytes, give_up: float) -> None:
        super().__init__(daemon=True)
        self.sock = socket.create_connection(address(base), timeout=5)
        self.data = data
        self.give_up = give_up
        self.closed_after: float | None = None

    def run(self) -> None:
        start = time.monotonic()
        with self.sock:
            for byte in self.data:
                try:
                    self.sock.send(bytes([byte]))
                    readable, _, _ = select.select([self.sock], [], [], 1.0)
                    if readable and not self.sock.recv(4096):
                        break
                    if readable:
                        continue  # an answer (408) before the close
                except OSError:
                    break
                if time.monotonic() - start > self.give_up:
                    return
            self.closed_after = time.monotonic() - start


def test_sixty_four_clients_trickling_a_byte_a_second_neither_block_the_server_nor_stay_open(
    db_url: str, standin: SlackStandIn
) -> None:
    read_timeout = 3.0
    with running_server(
        db_url, standin, HTTP_READ_TIMEOUT=str(read_timeout), ADMINS="UADMIN"
    ) as base:
        slack = Workspace(base, standin)
        assert "added" in text_of(slack.command("UADMIN", "project add prod-eu Prod EU"))
        head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Slack-Signature: v0=" + b"0" * 64
        body = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n" + b"a" * 500
        # A body trickler sends its headers at once, then the body a byte a second.
        body_slow = []
        for _ in range(32):
            trickler = Trickler(base, b"a" * 500, 20)
            trickler.sock.sendall(body[: body.index(b"\r\n\r\n") + 4])
            body_slow.append(trickler)
        slow = [Trickler(base, head, 20) for _ in range(32)] + body_slow
        for trickler in slow:
            trickler.start()
        time.sleep(1)  # every trickler is connected and under way

        started = time.monotonic()
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
            assert answer.read() == b"ok"
        healthz = time.monotonic() - started
        started = time.monotonic()
        balance = slack.command("UMEM", "balance prod-eu")
        reply = time.monotonic() - started
        assert "prod" in text_of(balance).lower()
        assert healthz < 1.0 and reply < 1.0, (healthz, reply)

        for trickler in slow:
            trickler.join(15)
    closed = [t.closed_after for t in slow]
    assert all(c is not None for c in closed), closed
    # Closed by the deadline, not before: every one was connected and under way until then.
    assert all(read_timeout - 1 < c < read_timeout + 2 for c in closed if c is not None), closed


def test_metrics_report_the_traffic_of_every_worker_and_the_pending_orders(
    db_url: str, standin: SlackStandIn
) -> None:
    metrics_port = free_port()
    with running_server(
        db_url,
        standin,
        workers=2,
        METRICS_ADDRESS=f"127.0.0.1:{metrics_port}",
        ADMINS="UADMIN",
        FINANCE_APPROVERS="UFIN",
    ) as base:
        slack = Workspace(base, standin)
        assert "added" in text_of(slack.command("UADMIN", "project add prod-eu Prod EU"))
        for amount in (10, 20, 30):
            assert "PO-" in text_of(slack.command("UMEM", f"buy {amount} prod-eu"))
        assert "only finance" in text_of(slack.command("UMEM", "charge 5 prod-eu")).lower()
        for _ in range(6):
            assert "prod" in text_of(slack.command("UMEM", "balance prod-eu")).lower()
        assert slack.post(b"x=1", "text/plain", signature="v0=00").status == 401
        # The last reply's figures are recorded just after the reply reaches Slack.
        deadline = time.monotonic() + 10
        while True:
            url = f"http://127.0.0.1:{metrics_port}/metrics"
            with urllib.request.urlopen(url, timeout=5) as got:
                scraped = got.read().decode()
            if "creditbot_reply_seconds_count 11.0" in scraped or time.monotonic() > deadline:
                break
            time.sleep(0.05)

    assert metric(scraped, "creditbot_requests_total", kind="command", outcome="ok") == 10
    assert metric(scraped, "creditbot_requests_total", kind="command", outcome="refused") == 1
    assert metric(scraped, "creditbot_refusals_total", reason="Forbidden") == 1
    assert metric(scraped, "creditbot_ledger_writes_total", kind="purchase_orders") == 3
    assert metric(scraped, "creditbot_ledger_writes_total", kind="projects") == 1
    assert metric(scraped, "creditbot_http_responses_total", status="200") == 11
    assert metric(scraped, "creditbot_http_responses_total", status="401") == 1
    assert metric(scraped, "creditbot_ack_seconds_count") == 12
    assert metric(scraped, "creditbot_reply_seconds_count") == 11
    assert metric(scraped, "creditbot_reply_seconds_bucket", le="+Inf") == 11
    assert metric(scraped, "creditbot_pending_purchase_orders") == 3


def test_creditbot_run_reports_its_scheduler_last_success_on_the_same_metrics(
    db_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    port, metrics_port = free_port(), free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "CREDITBOT_SECRET": TEST_SECRET,
        "SLACK_API_URL": standin.api_url,
        "FINANCE_CHANNEL": "CFINANCE",
        "METRICS_ADDRESS": f"127.0.0.1:{metrics_port}",
    }
    environment.pop("SLACK_APP_TOKEN", None)
    with (tmp_path / "run.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--port", str(port)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", process)
            deadline = time.monotonic() + 30
            last_success = 0.0
            while not last_success and time.monotonic() < deadline:
                url = f"http://127.0.0.1:{metrics_port}/metrics"
                with urllib.request.urlopen(url, timeout=5) as got:
                    scraped = got.read().decode()
                last_success = metric(scraped, "creditbot_scheduled_run_last_success_seconds")
                time.sleep(0.1)
        finally:
            process.terminate()
            process.wait(30)
    assert abs(last_success - time.time()) < 60, (tmp_path / "run.log").read_text()
    assert metric(scraped, "creditbot_notices_total", outcome="posted") == 0


def children_of(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_worker_that_dies_is_replaced_and_the_port_keeps_answering(
    db_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with running_server(db_url, standin, workers=2, log=log) as base:
        port = str(address(base)[1])
        (server,) = [
            pid
            for pid in children_of(os.getpid())
            if port in Path(f"/proc/{pid}/cmdline").read_text()
        ]
        before = children_of(server)
        assert len(before) == 2
        serving = [f"worker {pid} serving" for pid in before]
        deadline = time.monotonic() + 10
        while not all(s in log.read_text() for s in serving) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(before[0], signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            after = children_of(server)
            if len(after) == 2 and before[0] not in after:
                break
            time.sleep(0.05)
        assert len(after) == 2 and before[1] in after and before[0] not in after
        for _ in range(10):
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
                assert answer.read() == b"ok"
    assert f"worker {before[0]} exited (-9): starting another" in log.read_text()
