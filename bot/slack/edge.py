"""What enters from Slack is checked once, before any listener: text that cannot be
stored is refused politely here, so no listener ever meets it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltResponse, Respond

from bot import metrics
from bot.i18n import Translator
from bot.slack import wording
from ledger.text import storable, unstorable_paths

log = logging.getLogger("creditbot.slack")

_KINDS = {"block_actions": "action", "view_submission": "view"}


Middleware = Callable[[dict[str, Any], Respond | None, Callable[[], None]], BoltResponse | None]


def refuse_unstorable(language: Callable[[dict[str, Any]], Translator]) -> Middleware:
    """A global Bolt middleware: the request goes on, or is answered with a refusal in the
    language `language` finds for the request's person (without asking Slack: this is the ack)."""

    def middleware(
        body: dict[str, Any], respond: Respond | None, next: Callable[[], None]
    ) -> BoltResponse | None:
        bad = list(unstorable_paths(body))
        if not bad:
            next()
            return None
        return _refuse(body, respond, bad, wording.unstorable(language(body)))

    return middleware


def form_as_sent(body: str) -> dict[str, Any] | None:
    """A form body whose %-escapes are not UTF-8 (the only way a lone surrogate fits in a
    form), read with each undecodable byte kept as a lone surrogate, so that the middleware
    refuses it like any text that cannot be stored; None when it decodes (Bolt reads it)."""
    if body.startswith("{"):
        return None
    try:
        parse_qsl(body, keep_blank_values=True, errors="strict")
        return None
    except UnicodeDecodeError:
        params = dict(parse_qsl(body, keep_blank_values=True, errors="surrogateescape"))
    payload = params.get("payload")
    data = json.loads(payload) if payload is not None else params
    return data if isinstance(data, dict) else {}


def _refuse(
    body: dict[str, Any], respond: Respond | None, bad: list[tuple[str, ...]], refusal: str
) -> BoltResponse:
    # Coarse on purpose: before any listener matched, ids in the body are anyone's words.
    kind = "command" if "command" in body else _KINDS.get(str(body.get("type")), "other")
    log.info("refused a %s holding text that cannot be stored", kind)
    metrics.refusal("Unstorable")
    metrics.request(kind, "refused")
    if "command" in body:
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": refusal})
    if body.get("type") == "view_submission":
        return BoltResponse(status=200, body=_field_errors(body, bad, refusal))
    if respond is not None and body.get("response_url"):
        try:
            respond(text=refusal, response_type="ephemeral", replace_original=False)
        except OSError:  # best effort: the request is refused either way
            log.warning("could not send the refusal")
    return BoltResponse(status=200, body="")


def _field_errors(
    body: dict[str, Any], bad: list[tuple[str, ...]], refusal: str
) -> dict[str, Any] | str:
    """The refusal next to each field that holds such text (every field, if it was elsewhere)."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    named = [p[3] for p in bad if p[:3] == ("view", "state", "values") and len(p) > 3]
    blocks = list(dict.fromkeys(named)) or [b for b in values if isinstance(b, str) and storable(b)]
    if not blocks:
        return ""
    return {"response_action": "errors", "errors": dict.fromkeys(blocks, refusal)}
