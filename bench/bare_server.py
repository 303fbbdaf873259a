"""A bare Bolt app whose /credit listener only acks, on the bot's own stack: the same edge,
under gunicorn with the same worker settings."""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.http import SlackEdge
from bot.serve import SlackServer, options


def edge(secret: str, api_url: str, threads: int) -> SlackEdge:
    replies = ThreadPoolExecutor(threads, thread_name_prefix="reply")
    app = App(
        client=WebClient(token="xoxb-bare", base_url=api_url),
        signing_secret=secret,
        token_verification_enabled=False,
        process_before_response=False,  # as the bot's own app, so only the listeners differ
        listener_executor=replies,
    )

    @app.command("/credit")
    def only_ack(ack: Ack) -> None:
        ack()

    return SlackEdge(app, replies)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    SlackServer(
        lambda threads: edge(args.secret, args.api_url, threads),
        options(bind=f"127.0.0.1:{args.port}", workers=args.workers, threads=args.threads),
    ).run()
