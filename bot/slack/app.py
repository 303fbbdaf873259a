"""Builds the Bolt app from its dependencies and registers every listener."""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.settings import Settings
from bot.slack import actions, commands, home, views
from bot.slack.deps import Deps, on_unexpected
from bot.slack.edge import refuse_unstorable

log = logging.getLogger("creditbot.slack")


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
        logger=log,
        **options,
    )

    @app.error
    def unexpected(
        error: Exception, body: dict[str, Any], respond: Respond, client: WebClient
    ) -> BoltResponse:
        on_unexpected(error, body if isinstance(body, dict) else {}, respond, client)
        return BoltResponse(status=200, body="")

    app.middleware(refuse_unstorable)
    commands.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
    home.register(app, deps)
    return app
