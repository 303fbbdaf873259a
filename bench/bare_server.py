"""A bare Bolt app whose /credit listener only acks, behind the same endpoint and server."""

from __future__ import annotations

import argparse

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.http import SlackEndpoint
from bot.server import Limits, listen, serve


def endpoint(secret: str, api_url: str) -> SlackEndpoint:
    app = App(
        client=WebClient(token="xoxb-bare", base_url=api_url),
        signing_secret=secret,
        token_verification_enabled=False,
        process_before_response=False,  # as the bot's own app, so only the listeners differ
    )

    @app.command("/credit")
    def only_ack(ack: Ack) -> None:
        ack()

    return SlackEndpoint(app, secret)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    serve(
        lambda: endpoint(args.secret, args.api_url),
        listen("127.0.0.1", args.port),
        workers=args.workers,
        limits=Limits(threads=8),
    )
