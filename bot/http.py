"""HTTP transport: `/slack/events` as a WSGI app, served by gunicorn.

The signature is checked before the body is parsed, so an unsigned request is a 401
and a signed but malformed one a 400, never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger("creditbot.http")

MAX_BODY = 256 * 1024
EVENTS_PATH = "/slack/events"
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
}


class SlackEndpoint:
    def __init__(self, app: App, signing_secret: str) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = self._handle(environ)
        reason = _REASONS.get(status, "Status")
        flat = [
            (k, v)
            for k, values in headers.items()
            for v in ([values] if isinstance(values, str) else values)
        ]
        start_response(f"{status} {reason}", flat)
        return [body.encode()]

    def _handle(self, environ: WSGIEnvironment) -> tuple[int, dict[str, Any], str]:
        text = {"content-type": "text/plain; charset=utf-8"}
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/healthz":
            return 200, text, "ok"
        if path != EVENTS_PATH:
            return 404, text, "not found"
        if method != "POST":
            return 405, text, "POST only"
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 400, text, "bad content length"
        if length > MAX_BODY:
            return 413, text, "too large"
        request = WsgiHttpRequest(environ)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return 400, text, "not utf-8"
        flat = {
            k: v if isinstance(v, str) else ",".join(v) for k, v in request.get_headers().items()
        }
        headers: dict[str, str | Sequence[str]] = dict(flat)
        if not self.verifier.is_valid_request(body, flat):
            return 401, text, "invalid signature"
        try:
            bolt_request = BoltRequest(body=body, query=request.query_string, headers=headers)
            response = self.app.dispatch(bolt_request)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            log.warning("malformed Slack payload refused", exc_info=True)
            return 400, text, "malformed payload"
        return response.status, response.headers, response.body


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code, building the WSGI app in each worker."""

    def __init__(self, factory: Callable[[], SlackEndpoint], options: dict[str, Any]) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> SlackEndpoint:
        return self.factory()


def serve(
    factory: Callable[[], SlackEndpoint], host: str, port: int, workers: int, threads: int
) -> None:
    Server(
        factory,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "timeout": 30,
            "graceful_timeout": 10,
            "accesslog": None,
            "loglevel": "warning",
        },
    ).run()
