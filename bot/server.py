"""The HTTP server: an asyncio front reads each request whole, under one deadline, before a
worker thread sees it; several such processes share one listening socket.

A slow client costs a socket and a few bytes of buffer, never a thread: the threads only
run complete requests. A request not fully read within the deadline (headers and body
together, not per read) is dropped, however steadily its bytes trickle in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from types import FrameType
from typing import Protocol

import h11

log = logging.getLogger("creditbot.server")

_KNOWN = frozenset(status.value for status in HTTPStatus)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]  # lower-case names, in arrival order, repeats kept
    body: bytes
    received_at: float = 0.0  # time.monotonic() when its last byte arrived


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (("content-type", "text/plain; charset=utf-8"),)

    @classmethod
    def text(cls, status: int, text: str) -> Response:
        return cls(status, text.encode())


class Handler(Protocol):
    """What a worker process serves: complete requests in, responses out, from any thread."""

    def __call__(self, request: Request) -> Response: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Limits:
    read_deadline: float = 10.0  # seconds to receive one whole request, headers and body
    max_body: int = 256 * 1024
    max_head: int = 16 * 1024
    threads: int = 8
    graceful: float = 10.0  # seconds a stopping worker gives the requests it is running


class _Refused(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def _plain(status: int) -> bytes:
    """A complete response for a request that could not be read: sent as is, then closed."""
    phrase = HTTPStatus(status).phrase
    body = phrase.lower().encode()
    return (
        f"HTTP/1.1 {status} {phrase}\r\ncontent-type: text/plain\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


class Front:
    """One worker process's connections: read whole requests, run them on a thread pool."""

    def __init__(self, handler: Handler, limits: Limits) -> None:
        self.handler = handler
        self.limits = limits
        self.pool = ThreadPoolExecutor(limits.threads, thread_name_prefix="request")
        self.running = 0

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=self.limits.max_head)
        try:
            while True:
                try:
                    async with asyncio.timeout(self.limits.read_deadline):
                        request = await self._read(conn, reader, writer)
                except TimeoutError:
                    if conn.their_state is not h11.IDLE or conn.trailing_data[0]:
                        writer.write(_plain(408))  # cut off mid-request; an idle one just closes
                    return
                except _Refused as refused:
                    writer.write(_plain(refused.status))
                    return
                except h11.RemoteProtocolError as error:
                    writer.write(_plain(error.error_status_hint))
                    return
                if request is None:
                    return
                await self._answer(conn, writer, await self._run(request))
                if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                    return
                conn.start_next_cycle()
        except (ConnectionError, TimeoutError, h11.ProtocolError):
            return  # the client went away or stopped reading; nothing to tell it
        finally:
            writer.close()

    async def _read(
        self, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> Request | None:
        head: h11.Request | None = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                if conn.they_are_waiting_for_100_continue:
                    writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])))
                conn.receive_data(await reader.read(64 * 1024))
            elif isinstance(event, h11.Request):
                head = event
                # h11 bounds only a head still arriving; one that came whole is measured here.
                if (
                    sum(len(name) + len(value) for name, value in event.headers)
                    > self.limits.max_head
                ):
                    raise _Refused(431)
                declared = dict(event.headers).get(b"content-length", b"0")
                if int(declared) > self.limits.max_body:
                    raise _Refused(413)
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > self.limits.max_body:
                    raise _Refused(413)
            elif isinstance(event, h11.EndOfMessage) and head is not None:
                target = head.target.decode("latin-1")
                path, _, query = target.partition("?")
                return Request(
                    method=head.method.decode("latin-1"),
                    path=path,
                    query=query,
                    headers=tuple(
                        (name.decode("latin-1"), value.decode("latin-1"))
                        for name, value in head.headers
                    ),
                    body=bytes(body),
                    received_at=time.monotonic(),
                )
            else:
                return None  # the client closed the connection between requests

    async def _run(self, request: Request) -> Response:
        self.running += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self.pool, self._guarded, request
            )
        finally:
            self.running -= 1

    def _guarded(self, request: Request) -> Response:
        try:
            return self.handler(request)
        except Exception:  # the handler owns its errors; this is the server's last resort
            log.exception("request to %s failed", request.path)
            return Response.text(500, "internal error")

    async def _answer(
        self, conn: h11.Connection, writer: asyncio.StreamWriter, response: Response
    ) -> None:
        headers = [*response.headers, ("content-length", str(len(response.body)))]
        reason = HTTPStatus(response.status).phrase if response.status in _KNOWN else ""
        writer.write(
            conn.send(h11.Response(status_code=response.status, headers=headers, reason=reason))
        )
        writer.write(conn.send(h11.Data(data=response.body)))
        writer.write(conn.send(h11.EndOfMessage()))
        async with asyncio.timeout(self.limits.read_deadline):
            await writer.drain()

    async def serve(self, sock: socket.socket, ready: Callable[[], None] = lambda: None) -> None:
        """Until SIGTERM or SIGINT; then stop accepting and let running requests finish."""
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        server = await asyncio.start_server(self.connection, sock=sock)
        ready()
        await stop.wait()
        server.close()
        deadline = loop.time() + self.limits.graceful
        while self.running and loop.time() < deadline:
            await asyncio.sleep(0.05)
        self.pool.shutdown(wait=False, cancel_futures=True)


def _worker(sock: socket.socket, factory: Callable[[], Handler], limits: Limits, ready: int) -> int:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    handler = factory()

    def serving() -> None:
        os.write(ready, b"1")
        os.close(ready)
        log.info("worker %s serving", os.getpid())

    try:
        asyncio.run(Front(handler, limits).serve(sock, serving))
    finally:
        handler.close()
    return 0


class Arbiter:
    """Starts the worker processes, replaces one that dies, stops them all on SIGTERM/SIGINT."""

    def __init__(
        self,
        sock: socket.socket,
        factory: Callable[[], Handler],
        limits: Limits,
        workers: int,
        on_worker_exit: Callable[[int], None] | None = None,
    ) -> None:
        self.sock = sock
        self.factory = factory
        self.limits = limits
        self.workers = workers
        self.on_worker_exit = on_worker_exit
        self.children: dict[int, int] = {}  # pid -> the pipe on which it says it is serving
        self.stopping = False
        self.failed = False

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(self.workers):
            self._spawn()
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            pipe = self.children.pop(pid, None)
            if pipe is None:
                continue
            served = _said_ready(pipe)
            if self.on_worker_exit is not None:
                self.on_worker_exit(pid)
            if self.stopping:
                continue
            code = os.waitstatus_to_exitcode(status)
            if not served:
                log.error("worker %s exited at start (%s): stopping", pid, code)
                self.failed = True
                self._stop()
            else:
                log.warning("worker %s exited (%s): starting another", pid, code)
                self._spawn()
        self.sock.close()
        return 1 if self.failed else 0

    def _spawn(self) -> None:
        readable, writable = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(readable)
            code = 1
            try:
                code = _worker(self.sock, self.factory, self.limits, writable)
            except Exception:
                log.exception("worker failed")
            finally:
                logging.shutdown()
                os._exit(code)
        os.close(writable)
        self.children[pid] = readable

    def _stop(self, signum: int = signal.SIGTERM, frame: FrameType | None = None) -> None:
        self.stopping = True
        for pid in self.children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


def _said_ready(pipe: int) -> bool:
    """Whether a worker that has ended had started serving (then it is replaced; one that
    never served would most likely fail again, so the server stops)."""
    try:
        return os.read(pipe, 1) == b"1"
    finally:
        os.close(pipe)


def listen(host: str, port: int) -> socket.socket:
    return socket.create_server((host, port), backlog=1024)


def serve(
    factory: Callable[[], Handler],
    sock: socket.socket,
    *,
    workers: int,
    limits: Limits,
    on_worker_exit: Callable[[int], None] | None = None,
) -> int:
    """Serve on `sock` with `workers` processes, each building its handler with `factory`."""
    return Arbiter(sock, factory, limits, workers, on_worker_exit).run()
