"""Whose language: each person's Slack locale (`users.info` with `include_locale`), cached
like user groups; the workspace's (`CREDITBOT_LOCALE`) for channels and whenever Slack does
not answer quickly. Only lazy work asks Slack, so an ack never waits for it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import Translator, supported_locale, translator
from bot.settings import Settings
from ledger.domain import AUTOPILOT

log = logging.getLogger(__name__)

LOOKUP_TIMEOUT = 2  # seconds; past this the reply goes out in the workspace's language
RETRY_AFTER_FAILURE = 60.0  # seconds before asking Slack again about someone it failed on


class _ExpectedFailure(logging.Filter):
    """slack_sdk logs a request it could not send at ERROR, then raises; `Locales.of` expects
    that (a slow Slack past its short budget) and logs one warning of its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to send a request to Slack API server")


_sdk_log = logging.getLogger(f"{__name__}.sdk")
_sdk_log.addFilter(_ExpectedFailure())


class Locales:
    def __init__(
        self,
        settings: Settings,
        client: WebClient,
        clock: Callable[[], float] = time.monotonic,
        timeout: int | None = None,
    ) -> None:
        self.workspace = translator(settings.creditbot_locale, settings.timezone)
        self._tz = settings.timezone
        # Its own client: a short timeout and no retries, so a slow Slack costs one timeout.
        self._client = WebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=timeout or LOOKUP_TIMEOUT,
            retry_handlers=[],
            logger=_sdk_log,
        )
        self._ttl = float(settings.usergroup_cache_seconds)
        self._clock = clock
        self._cache: dict[str, tuple[float, Translator]] = {}
        self._lock = threading.Lock()

    def cached(self, user_id: str) -> Translator:
        """The person's language if already known, else the workspace's; never asks Slack."""
        with self._lock:
            found = self._cache.get(user_id)
        return found[1] if found else self.workspace

    def of(self, user_id: str) -> Translator:
        """The person's language, asking Slack when it is not cached."""
        if not user_id or user_id == AUTOPILOT:  # the autopilot reads nothing
            return self.workspace
        now = self._clock()
        with self._lock:
            found = self._cache.get(user_id)
            if found and found[0] > now:
                return found[1]
        try:
            user = self._client.users_info(user=user_id, include_locale=True).get("user") or {}
        except SlackApiError as exc:
            log.warning("cannot read the locale of %s: %s", user_id, exc.response.get("error"))
            return self._remember(
                user_id, self.workspace, now + min(self._ttl, RETRY_AFTER_FAILURE)
            )
        except OSError as exc:  # timeouts and network errors
            log.warning("cannot read the locale of %s: %s", user_id, exc)
            return self._remember(
                user_id, self.workspace, now + min(self._ttl, RETRY_AFTER_FAILURE)
            )
        locale = supported_locale(str(user.get("locale") or "")) if isinstance(user, dict) else None
        chosen = translator(locale, self._tz) if locale else self.workspace
        return self._remember(user_id, chosen, now + self._ttl)

    def _remember(self, user_id: str, chosen: Translator, until: float) -> Translator:
        with self._lock:
            self._cache[user_id] = (until, chosen)
        return chosen
