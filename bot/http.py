"""`/slack/events` and `/healthz` as a WSGI application, which gunicorn runs (bot/serve.py)
behind the proxy of deploy/nginx.

The proxy hands over whole requests; the body is capped here too, for a server reached
without it. The signature is Bolt's to check (its request verification, slack_sdk's
SignatureVerifier), once; a malformed payload is a 400 and nothing here is ever a 500.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from http import HTTPStatus
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot import metrics
from bot.slack.edge import form_as_sent

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("creditbot.http")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY = 256 * 1024  # as client_max_body_size in deploy/nginx/creditbot.conf
MALFORMED = (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError)
_KNOWN = frozenset(status.value for status in HTTPStatus)

# slack_sdk raises on a timestamp that is no integer and on a signature that is not ASCII.
# Such a header is not handed to Bolt, which then refuses the request as unsigned (401).
_READABLE = {
    "x-slack-request-timestamp": re.compile(r"[0-9]{1,12}"),
    "x-slack-signature": re.compile(r"[\x21-\x7e]{1,200}"),
}


class SlackEdge:
    """The WSGI application of one worker process: its Bolt app, and the executor that runs
    the work after each ack (closed when the worker stops)."""

    def __init__(self, app: App, executor: Executor | None = None) -> None:
        self.app = app
        self.executor = executor

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = self.answer(environ)
        reason = HTTPStatus(status).phrase if status in _KNOWN else ""
        start_response(
            f"{status} {reason}".rstrip(), [*headers, ("Content-Length", str(len(body)))]
        )
        return [body]

    def answer(self, environ: WSGIEnvironment) -> tuple[int, list[tuple[str, str]], bytes]:
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH:
            return _text(200, "ok")
        if path != EVENTS_PATH:
            return _text(404, "not found")
        if environ.get("REQUEST_METHOD") != "POST":
            metrics.http_answer(405)
            return _text(405, "POST only")
        body = _body(environ)
        if body is None:
            metrics.http_answer(413)
            return _text(413, "request body too large", close=True)
        received_at = time.monotonic()
        status, headers, answer = self.dispatch(environ, body, received_at)
        metrics.http_answer(status, time.monotonic() - received_at)
        return status, headers, answer

    def dispatch(
        self, environ: WSGIEnvironment, body: bytes, received_at: float
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _text(400, "not utf-8")
        try:
            request = BoltRequest(
                body=text,
                query=environ.get("QUERY_STRING", ""),
                headers=slack_headers(environ),
                context={"received_at": received_at},
            )
            as_sent = form_as_sent(text)
            if as_sent is not None:  # Bolt would have read U+FFFD in place of what was sent
                request.body = as_sent
            answer = self.app.dispatch(request)
        except RecursionError:
            log.warning("Slack payload nested too deeply: refused")
            return _text(400, "malformed payload")
        except MALFORMED:
            log.warning("malformed Slack payload refused", exc_info=True)
            return _text(400, "malformed payload")
        headers = [
            (name, value)
            for name, values in answer.headers.items()
            for value in ([values] if isinstance(values, str) else values)
        ]
        return answer.status, headers, answer.body.encode()

    def close(self) -> None:
        """Let the replies already started (Bolt's listeners after their ack) finish."""
        if self.executor is not None:
            self.executor.shutdown(wait=True)


def slack_headers(environ: WSGIEnvironment) -> dict[str, str | Sequence[str]]:
    """The request's headers by lower-case name (a repeated one joined by commas, as
    gunicorn gives it), less a Slack signature header that cannot be read."""
    headers: dict[str, str | Sequence[str]] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].lower().replace("_", "-")
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key.lower().replace("_", "-")
        else:
            continue
        readable = _READABLE.get(name)
        if readable is None or readable.fullmatch(value):
            headers[name] = value
    return headers


def _body(environ: WSGIEnvironment) -> bytes | None:
    """The whole body, or None when it is over MAX_BODY (declared, or as it is read)."""
    try:
        declared = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY:
        return None
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    read: Callable[[int], bytes] = stream.read
    body = read(declared) if declared > 0 else read(MAX_BODY + 1)
    return body if len(body) <= MAX_BODY else None


def _text(
    status: int, text: str, *, close: bool = False
) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [("Content-Type", "text/plain; charset=utf-8")]
    if close:  # the rest of the body is left unread: the connection cannot carry another request
        headers.append(("Connection", "close"))
    return status, headers, text.encode()
