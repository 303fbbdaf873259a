"""The stand-in's HTTP side: each request's signature checked as OVHcloud checks it, the
queued failures played, the answer written and kept for the conformance test."""

from __future__ import annotations

import hashlib
import json
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from bot.ovh.standin.state import Exchange, Failure
from bot.ovh.standin.wire import error, gateway_page

if TYPE_CHECKING:
    from bot.ovh.standin.service import OvhStandIn


def refusal(
    standin: OvhStandIn, headers: Any, method: str, url: str, body: str
) -> tuple[int, Any] | None:
    application = headers.get("X-Ovh-Application", "")
    if application not in standin.applications:
        return 403, error("This application key is invalid", "INVALID_KEY")
    consumer = headers.get("X-Ovh-Consumer", "")
    timestamp = headers.get("X-Ovh-Timestamp", "")
    signature = headers.get("X-Ovh-Signature", "")
    expected = (
        "$1$"
        + hashlib.sha1(  # noqa: S324 - OVHcloud's signature is SHA-1
            "+".join(
                [standin.applications[application], consumer, method, url, body, timestamp]
            ).encode()
        ).hexdigest()
    )
    if consumer not in standin.consumers:
        return 403, error("This credential does not exist", "INVALID_CREDENTIAL")
    if signature != expected:
        return 400, error("Invalid signature", "INVALID_SIGNATURE")
    return None


def handler(standin: OvhStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            split = urlsplit(self.path)
            path = split.path.removeprefix("/1.0")
            query = dict(parse_qsl(split.query))
            method = self.command
            with standin._lock:
                standin.requests.append((method, path))
            failure = standin._injected(method, path)
            if failure is not None and not failure.after and self._fail(failure):
                return
            if path != "/auth/time":
                base = standin.url.removesuffix("/1.0")
                refused = refusal(standin, self.headers, method, base + self.path, raw)
                if refused is not None:
                    self._send(*refused)
                    return
            try:
                body = json.loads(raw, parse_float=Decimal) if raw else None
            except ValueError:
                self._send(400, error("Invalid JSON body", "BAD_PARAMETER"))
                return
            with standin._lock:
                status, answer = standin._route(method, path, query, body)
            if failure is not None and failure.after and self._fail(failure):
                return
            self._send(status, answer, query=query, body=body)

        def _fail(self, failure: Failure) -> bool:
            """Wait, then answer the failure; False when only a delay was asked for."""
            if failure.delay:
                time.sleep(failure.delay)
            if not failure.status:
                return False
            if failure.html:
                self._write(failure.status, "text/html", gateway_page(failure.status))
            else:
                self._send(failure.status, error(failure.message, failure.error_code))
            return True

        def _send(
            self,
            status: int,
            answer: Any,
            *,
            query: dict[str, str] | None = None,
            body: Any = None,
        ) -> None:
            void = status == 204  # OVHcloud's `void`: no body at all
            payload = b"" if void else json.dumps(answer).encode()
            content_type = None if void else "application/json; charset=utf-8"
            split = urlsplit(self.path)
            with standin._lock:
                standin.exchanges.append(
                    Exchange(
                        self.command,
                        split.path.removeprefix("/1.0"),
                        query or {},
                        body,
                        status,
                        content_type,
                        payload,
                    )
                )
            self._write(status, content_type, payload)

        def _write(self, status: int, content_type: str | None, payload: bytes) -> None:
            try:
                self.send_response(status)
                if content_type is not None:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up waiting: its answer is lost, as asked

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler
