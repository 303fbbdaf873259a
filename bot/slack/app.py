"""Builds the Bolt app from its dependencies and registers every listener."""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.settings import Settings
from bot.slack import (
    accounting_actions,
    actions,
    commands,
    home,
    ovh_actions,
    project_choice,
    views,
)
from bot.slack.deps import Deps, on_unexpected, user_of
from bot.slack.edge import refuse_unstorable

log = logging.getLogger("creditbot.slack")


class _TokenFromClient(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment even when it is given a client, then
    warns that the token will be unused: it is the client's own token, so say nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


class _NoSignatureInLog(logging.Filter):
    """Bolt's request verification logs a refused request with its signature and body:
    keep only that it was refused."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Invalid request signature detected"):
            record.msg, record.args = "request with no valid Slack signature refused", ()
        return True


bolt_log = logging.getLogger("creditbot.slack.bolt")
bolt_log.addFilter(_TokenFromClient())
bolt_log.addFilter(_NoSignatureInLog())


def build_client(settings: Settings, token: str | None = None) -> WebClient:
    secret = token or (
        settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    )
    base_url = settings.slack_api_url or WebClient.BASE_URL
    client = WebClient(token=secret, base_url=base_url.rstrip("/") + "/")
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    return client


def build_app(
    deps: Deps,
    client: WebClient,
    *,
    signing_secret: str,
    listener_executor: Executor | None = None,
) -> App:
    options: dict[str, Any] = {}
    if listener_executor is not None:
        options["listener_executor"] = listener_executor
    app = App(
        client=client,
        signing_secret=signing_secret,
        token_verification_enabled=False,
        # Acks and the work after them share one listener pool: under a burst, acks slow down
        # a little instead of replies piling up behind them (measured in bench/slack_bench.py).
        process_before_response=False,
        logger=bolt_log,
        **options,
    )

    @app.error
    def unexpected(
        error: Exception, body: dict[str, Any], respond: Respond, client: WebClient
    ) -> BoltResponse:
        payload = body if isinstance(body, dict) else {}
        t = deps.locales.cached(user_of(payload))
        on_unexpected(error, payload, respond, client, t)
        return BoltResponse(status=200, body="")

    app.middleware(refuse_unstorable(lambda body: deps.locales.cached(user_of(body))))
    commands.register(app, deps)
    actions.register(app, deps)
    ovh_actions.register(app, deps)
    accounting_actions.register(app, deps)
    views.register(app, deps)
    home.register(app, deps)
    project_choice.register(app, deps)
    return app
