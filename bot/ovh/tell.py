"""Telling finance (or a requester) something about OVHcloud exactly once: the notice is
claimed in the database before it is posted, so no restart or second replica repeats it."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks.common import Message
from ledger.services import notices
from ledger.services.context import Ledger
from ledger.services.once import claim_once

log = logging.getLogger("creditbot.ovh")


def tell_once(
    ledger: Ledger,
    client: WebClient,
    channel: str | None,
    key: str,
    kind: str,
    message: Message,
    project_id: str | None = None,
) -> bool:
    """Post `message` to `channel` unless `key` was told before; whether it was posted now.
    A post Slack refuses is recorded as undeliverable rather than repeated."""
    if not channel:
        return False
    notice = claim_once(ledger, key, kind, channel, project_id)
    if notice is None:
        return False
    try:
        client.chat_postMessage(channel=channel, **message.as_kwargs())
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc.response.status_code)
        log.warning("cannot tell %s (%s): %s", channel, key, error)
        notices.settle(ledger, [notice], "undeliverable", error)
        return False
    notices.settle(ledger, [notice], "posted")
    return True
