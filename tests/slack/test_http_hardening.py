"""The HTTP edge under hostile or broken clients: the shipped nginx configuration run by
Debian's nginx on loopback, in front of `creditbot serve` under gunicorn (deploy/), raw
sockets over TLS. gunicorn's own workers, metrics and reloads: test_http_workers.py."""

from __future__ import annotations

import select
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.slack.standin import SlackStandIn
from tests.slack.proxy import GUNICORN_CONF, Proxy, directive, running_proxy, seconds
from tests.slack.workspace import (
    Workspace,
    running_server,
    sign,
    text_of,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


@dataclass(frozen=True)
class Stack:
    proxy: Proxy
    app: str  # gunicorn's own address, behind the proxy
    log: Path  # creditbot's and gunicorn's log

    def workspace(self, standin: SlackStandIn) -> Workspace:
        return Workspace(self.proxy.base, standin, self.proxy.context)

    def app_requests(self) -> list[str]:
        """The requests gunicorn's access log shows for /slack/events, once the log has been
        still for a moment (a request is logged just after its answer is sent)."""
        seen: list[str] | None = None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            lines = [
                line for line in self.log.read_text().splitlines() if '"POST /slack/events' in line
            ]
            if lines == seen:
                break
            seen = lines
            time.sleep(0.3)
        return seen or []


@pytest.fixture
def stack(db_url: str, standin: SlackStandIn, tmp_path: Path) -> Iterator[Stack]:
    log = tmp_path / "server.log"
    with (
        running_server(db_url, standin, log=log, config=GUNICORN_CONF) as app,
        running_proxy(tmp_path / "nginx", address(app)[1]) as proxy,
    ):
        yield Stack(proxy, app, log)


def address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return str(parts.hostname), int(parts.port or 80)


def read_status(sock: socket.socket, request: bytes) -> int:
    """Send bytes as they are (headers urllib would refuse included); read the status code."""
    with sock:
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


def chunked_request(body: bytes) -> bytes:
    head = b"POST /slack/events HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(part), part)
        for part in (body[i : i + 65536] for i in range(0, len(body), 65536))
    )
    return head + chunks + b"0\r\n\r\n"


def logged_without_fault(log: Path) -> str:
    written = log.read_text()
    assert "Traceback" not in written and "ERROR" not in written, written
    return written


def test_unsigned_garbage_is_a_401_through_the_proxy_and_the_log_keeps_no_signature(
    stack: Stack,
) -> None:
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
    statuses = [read_status(stack.proxy.connect(), events_request(h)) for h in garbage]
    # The same body, properly signed, is let through: the refusals were the signature's.
    assert read_status(stack.proxy.connect(), events_request(garbage[5][1:])) != 401
    assert statuses == [401] * len(garbage)
    assert len(stack.app_requests()) == len(garbage) + 1  # every one was Bolt's to refuse
    written = logged_without_fault(stack.log)
    assert "no valid Slack signature" in written
    assert good_signature.decode()[3:] not in written + stack.proxy.access_log()


def test_a_signed_payload_nested_a_thousand_deep_is_a_400_through_the_proxy(
    stack: Stack, standin: SlackStandIn
) -> None:
    slack = stack.workspace(standin)
    nested = b"payload=" + b"[" * 1000 + b"]" * 1000
    assert slack.post(nested, "application/x-www-form-urlencoded").status == 400
    assert slack.post(b"\xff\xfe", "application/x-www-form-urlencoded").status == 400
    assert slack.post(b"x" * 10, "text/plain").status < 500  # still serving
    logged_without_fault(stack.log)


def test_a_body_over_256_kib_is_a_413_from_the_proxy_and_never_reaches_gunicorn(
    stack: Stack, standin: SlackStandIn
) -> None:
    assert directive("client_max_body_size") == "256k"
    slack = stack.workspace(standin)
    cap = 256 * 1024
    assert 400 <= slack.post(b"a=" + b"x" * (cap - 2), "text/plain").status < 500
    assert stack.app_requests(), "a body of exactly 256 KiB is let through"
    before = len(stack.app_requests())
    assert slack.post(b"a=" + b"x" * (cap - 1), "text/plain").status == 413
    assert read_status(stack.proxy.connect(), chunked_request(b"x" * (cap + 1))) == 413
    assert len(stack.app_requests()) == before
    logged_without_fault(stack.log)


def test_gunicorn_reached_without_the_proxy_caps_the_body_itself(stack: Stack) -> None:
    host, port = address(stack.app)
    over = b"x" * (256 * 1024 + 1)
    big = events_request([], over)
    assert read_status(socket.create_connection((host, port), timeout=5), big) == 413
    chunked = chunked_request(over)
    assert read_status(socket.create_connection((host, port), timeout=5), chunked) == 413
    with urllib.request.urlopen(f"{stack.app}/healthz", timeout=5) as answer:
        assert answer.read() == b"ok"
    logged_without_fault(stack.log)


class Trickler(threading.Thread):
    """A client over TLS sending one byte a second, then waiting until it is hung up on."""

    def __init__(self, proxy: Proxy, first: bytes, data: bytes, give_up: float) -> None:
        super().__init__(daemon=True)
        self.sock = proxy.connect()
        self.sock.sendall(first)
        self.connected = time.monotonic()
        self.data = data
        self.give_up = give_up
        self.last_sent = self.connected
        self.closed_after: float | None = None

    def run(self) -> None:
        with self.sock:
            for byte in self.data:
                try:
                    self.sock.send(bytes([byte]))
                    self.last_sent = time.monotonic()
                    if self.hung_up(1.0):
                        return
                except OSError:
                    self.closed_after = time.monotonic() - self.connected
                    return
            while time.monotonic() - self.connected < self.give_up:
                if self.hung_up(0.2):
                    return

    def hung_up(self, wait: float) -> bool:
        try:
            readable, _, _ = select.select([self.sock], [], [], wait)
            if readable and self.sock.recv(4096):
                return False  # an answer (408) before the close
            if not readable:
                return False
        except OSError:
            pass
        self.closed_after = time.monotonic() - self.connected
        return True


def test_sixty_four_clients_trickling_a_byte_a_second_hold_no_gunicorn_thread_and_are_closed_at_the_deadlines(
    stack: Stack, standin: SlackStandIn
) -> None:
    head_deadline = seconds(directive("client_header_timeout"))
    body_deadline = seconds(directive("client_body_timeout"))
    slack = stack.workspace(standin)
    assert "added" in text_of(slack.command("UADMIN", "project add prod-eu Prod EU"))
    requests_before = len(stack.app_requests())
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Slack-Signature: v0=" + b"0" * 64
    body_head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n"
    trickled = 3  # a body trickler sends 3 bytes a second apart, then falls silent
    heads = [Trickler(stack.proxy, b"", head, 30) for _ in range(32)]
    bodies = [Trickler(stack.proxy, body_head, b"a" * trickled, 30) for _ in range(32)]
    for trickler in heads + bodies:
        trickler.start()
    time.sleep(1)  # every trickler is connected and under way

    started = time.monotonic()
    with urllib.request.urlopen(
        f"{stack.proxy.base}/healthz", timeout=5, context=stack.proxy.context
    ) as answer:
        assert answer.read() == b"ok"
    healthz = time.monotonic() - started
    started = time.monotonic()
    balance = slack.command("UMEM", "balance prod-eu")
    reply = time.monotonic() - started
    assert "prod" in text_of(balance).lower()
    assert healthz < 1.0 and reply < 1.0, (healthz, reply)

    for trickler in heads + bodies:
        trickler.join(30)
    # Only the balance reached gunicorn: nginx held every trickler, whole requests only.
    assert len(stack.app_requests()) == requests_before + 1
    # A head is cut off at client_header_timeout from the connection's start, however
    # steadily it trickles; a body when it has been silent for client_body_timeout.
    head_closed = [t.closed_after for t in heads]
    assert all(c is not None and head_deadline - 1 < c < head_deadline + 2 for c in head_closed)
    body_closed = [
        None if t.closed_after is None else t.closed_after - (t.last_sent - t.connected)
        for t in bodies
    ]
    assert all(c is not None and body_deadline - 1 < c < body_deadline + 2 for c in body_closed)
    logged_without_fault(stack.log)


def test_a_client_over_its_connection_cap_is_told_to_slow_down(
    stack: Stack, standin: SlackStandIn
) -> None:
    cap = int(directive("limit_conn creditbot_per_client"))
    body_head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
    held = []
    for _ in range(cap):
        sock = stack.proxy.connect()
        sock.sendall(body_head + b"a")  # a request under way: its body is still to come
        held.append(sock)
    try:
        time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(
                f"{stack.proxy.base}/healthz", timeout=5, context=stack.proxy.context
            )
        assert refused.value.code == 429
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.2)
    with urllib.request.urlopen(
        f"{stack.proxy.base}/healthz", timeout=5, context=stack.proxy.context
    ) as answer:
        assert answer.read() == b"ok"
    assert not stack.app_requests()
