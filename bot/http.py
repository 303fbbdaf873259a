"""`/slack/events` and `/healthz`: one complete request in, one response out.

The signature is checked before the body is parsed, so an unsigned request is a 401
and a signed but malformed one a 400, never a 500. bot/server.py does the reading.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Sequence
from concurrent.futures import Executor

from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot import metrics
from bot.server import Request, Response
from bot.slack.edge import form_as_sent

log = logging.getLogger("creditbot.http")

EVENTS_PATH = "/slack/events"
# What Slack sends: a Unix time in seconds, and "v0=" with a hex SHA-256. Anything else is
# refused before any arithmetic, so no header can make the check raise.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
MAX_AGE = 5 * 60  # seconds; an older signed request may be a replay
MALFORMED = (ValueError, KeyError, TypeError, AttributeError, IndexError)


class SlackEndpoint:
    def __init__(self, app: App, signing_secret: str, executor: Executor | None = None) -> None:
        self.app = app
        self.secret = signing_secret.encode()
        self.executor = executor

    def __call__(self, request: Request) -> Response:
        response = self.answer(request)
        if request.path == EVENTS_PATH:
            waited = time.monotonic() - request.received_at if request.received_at else None
            metrics.http_answer(response.status, waited)
        return response

    def answer(self, request: Request) -> Response:
        if request.path == "/healthz":
            return Response.text(200, "ok")
        if request.path != EVENTS_PATH:
            return Response.text(404, "not found")
        if request.method != "POST":
            return Response.text(405, "POST only")
        headers = joined(request.headers)
        if not self.signed(request.body, headers):
            log.info("request with no valid Slack signature refused")
            return Response.text(401, "invalid signature")
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError:
            return Response.text(400, "not utf-8")
        sent: dict[str, str | Sequence[str]] = dict(headers)
        try:
            bolt_request = BoltRequest(
                body=body,
                query=request.query,
                headers=sent,
                context={"received_at": request.received_at or None},
            )
            as_sent = form_as_sent(body)
            if as_sent is not None:  # Bolt would have read U+FFFD in place of what was sent
                bolt_request.body = as_sent
            answer = self.app.dispatch(bolt_request)
        except RecursionError:
            log.warning("signed Slack payload nested too deeply: refused")
            return Response.text(400, "malformed payload")
        except MALFORMED:
            log.warning("malformed Slack payload refused", exc_info=True)
            return Response.text(400, "malformed payload")
        return Response(
            answer.status,
            answer.body.encode(),
            tuple(
                (name, value)
                for name, values in answer.headers.items()
                for value in ([values] if isinstance(values, str) else values)
            ),
        )

    def signed(self, body: bytes, headers: dict[str, str]) -> bool:
        """Slack's v0 signature, over the raw bytes (a body need not be UTF-8 to be refused)."""
        timestamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        if not (_TIMESTAMP.fullmatch(timestamp) and _SIGNATURE.fullmatch(signature)):
            return False
        if abs(time.time() - int(timestamp)) > MAX_AGE:
            return False
        base = b"v0:" + timestamp.encode() + b":" + body
        expected = "v0=" + hmac.new(self.secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)

    def close(self) -> None:
        """Let the replies already started (Bolt's lazy listeners) finish."""
        if self.executor is not None:
            self.executor.shutdown(wait=True)


def joined(headers: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Headers by lower-case name; a repeated header's values joined by commas, as HTTP does."""
    out: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        out[key] = f"{out[key]},{value}" if key in out else value
    return out
