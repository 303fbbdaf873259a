"""The asyncio front on its own: one process, a loop in a thread, raw sockets on loopback."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest

from bot.server import Front, Limits, Request, Response, listen


class Echo:
    """Answers with what it was given; `/boom` raises, as a handler bug would."""

    def __init__(self) -> None:
        self.seen: list[Request] = []

    def __call__(self, request: Request) -> Response:
        self.seen.append(request)
        if request.path == "/boom":
            raise RuntimeError("a bug")
        return Response.text(200, f"{request.method} {request.path} {len(request.body)}")

    def close(self) -> None:
        pass


@pytest.fixture
def served() -> Iterator[tuple[int, Echo]]:
    handler = Echo()
    front = Front(handler, Limits(read_deadline=5, max_body=1000, max_head=2000, threads=2))
    sock = listen("127.0.0.1", 0)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    stop = asyncio.Event()

    async def main() -> None:
        server = await asyncio.start_server(front.connection, sock=sock)
        started.set()
        await stop.wait()
        server.close()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    started.wait(5)
    yield sock.getsockname()[1], handler
    loop.call_soon_threadsafe(stop.set)
    thread.join(5)
    loop.close()
    front.pool.shutdown()


def exchange(port: int, data: bytes, answers: int = 1) -> list[bytes]:
    """Send `data` and read until `answers` responses have arrived or the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        received = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
            if received.count(b"HTTP/1.1 ") >= answers and _complete(received, answers):
                break
    return [b"HTTP/1.1 " + part for part in received.split(b"HTTP/1.1 ")[1:]]


def _complete(received: bytes, answers: int) -> bool:
    last = received.split(b"HTTP/1.1 ")[answers]
    head, _, body = last.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        ),
        0,
    )
    return len(body) >= length


def status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_one_connection_carries_several_requests_in_turn(served: tuple[int, Echo]) -> None:
    port, handler = served
    two = (
        b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
        b"POST /b?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
    )
    answers = exchange(port, two, answers=2)
    assert [status(a) for a in answers] == [200, 200]
    assert answers[1].endswith(b"POST /b 3")
    assert handler.seen[1].query == "q=1" and handler.seen[1].body == b"abc"


def test_a_repeated_header_reaches_the_handler_twice(served: tuple[int, Echo]) -> None:
    port, handler = served
    exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nX-A: 2\r\n\r\n")
    assert [v for k, v in handler.seen[0].headers if k == "x-a"] == ["1", "2"]


def test_a_body_over_the_limit_is_refused_before_it_is_sent(served: tuple[int, Echo]) -> None:
    port, handler = served
    (answer,) = exchange(port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n")
    assert status(answer) == 413 and not handler.seen


def test_a_chunked_body_over_the_limit_is_refused(served: tuple[int, Echo]) -> None:
    port, handler = served
    chunk = b"3e8\r\n" + b"a" * 1000 + b"\r\n"
    head = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    (answer,) = exchange(port, head + chunk + chunk)
    assert status(answer) == 413 and not handler.seen


def test_headers_over_the_limit_are_refused(served: tuple[int, Echo]) -> None:
    port, handler = served
    (answer,) = exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 3000 + b"\r\n\r\n")
    assert status(answer) == 431 and not handler.seen


def test_a_request_that_is_not_http_is_a_400(served: tuple[int, Echo]) -> None:
    port, handler = served
    (answer,) = exchange(port, b"\x16\x03\x01 not http at all\r\n\r\n")
    assert status(answer) == 400 and not handler.seen


def test_a_client_that_expects_100_continue_is_told_to_go_on(served: tuple[int, Echo]) -> None:
    port, _ = served
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"
        )
        assert sock.recv(1000).startswith(b"HTTP/1.1 100 ")
        sock.sendall(b"ok")
        assert sock.recv(1000).startswith(b"HTTP/1.1 200 ")


def test_a_handler_that_raises_is_a_500_and_the_server_serves_on(
    served: tuple[int, Echo], caplog: pytest.LogCaptureFixture
) -> None:
    port, _ = served
    (answer,) = exchange(port, b"GET /boom HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status(answer) == 500
    assert "request to /boom failed" in caplog.text
    (answer,) = exchange(port, b"GET /fine HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status(answer) == 200
