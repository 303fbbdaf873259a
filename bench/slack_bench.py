"""`/credit balance` over HTTP for a project with 200 lots, against a bare ack-only Bolt app
on the same stack (gunicorn gthread, the same workers and threads), at concurrency 1 and 8."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import text

from bench.common import T0, add_project, bulk_voucher_lots, fresh_database, make_ledger
from bot.slack.standin import SlackStandIn
from tests.slack.workspace import SECRET, free_port, serve_command, sign, wait_until_healthy


@contextmanager
def server(argv: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    # A file, not a pipe: gunicorn's access log would fill a pipe nobody reads.
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            argv, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base, process)
        except RuntimeError:
            log.seek(0)
            raise RuntimeError(log.read()) from None
        try:
            yield base
        finally:
            process.terminate()
            process.wait(15)


def load(
    base: str, standin: SlackStandIn, requests: int, concurrency: int, tag: str
) -> dict[str, float]:
    acked: list[float] = []
    answered: list[float] = []
    sent_at: dict[str, float] = {}
    lock = threading.Lock()

    def one(i: int) -> None:
        name = f"{tag}-{i}"
        body = urlencode(
            {
                "command": "/credit",
                "text": "balance",
                "user_id": "UBENCH",
                "channel_id": "CBENCH",
                "team_id": "T1",
                "response_url": standin.response_url(name),
                "trigger_id": f"t.{name}",
            }
        ).encode()
        stamp = int(time.time())
        request = urllib.request.Request(
            f"{base}/slack/events",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": str(stamp),
                "X-Slack-Signature": sign(body, stamp),
            },
        )
        start = time.perf_counter()
        with lock:
            sent_at[f"/response/{name}"] = time.monotonic()
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()
        with lock:
            acked.append(time.perf_counter() - start)

    begin = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - begin
    replies = [
        c
        for c in standin.of("response")
        if str(c.params.get("_url", "")).startswith(f"/response/{tag}-")
    ]
    if replies:
        standin.wait_for(
            lambda calls: (
                sum(str(c.params.get("_url", "")).startswith(f"/response/{tag}-") for c in calls)
                >= requests
            ),
            60,
        )
        replies = [
            c
            for c in standin.of("response")
            if str(c.params.get("_url", "")).startswith(f"/response/{tag}-")
        ]
        answered = [c.at - sent_at[c.params["_url"]] for c in replies]
    acked.sort()
    result = {
        "ack_p50_ms": statistics.median(acked) * 1000,
        "ack_p99_ms": acked[int(len(acked) * 0.99) - 1] * 1000,
        "rps": requests / elapsed,
    }
    if answered:
        answered.sort()
        result["reply_p50_ms"] = statistics.median(answered) * 1000
        result["reply_p99_ms"] = answered[int(len(answered) * 0.99) - 1] * 1000
    return result


def balance_over_http(backend: str, requests: int = 400) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    standin = SlackStandIn().start()
    try:
        with fresh_database(backend) as url:
            ledger = make_ledger(url)
            add_project(ledger.db, "bench")
            bulk_voucher_lots(ledger.db, "bench", 200, lambda i: T0 + timedelta(days=400 + i))
            with ledger.db.engine.begin() as conn:
                conn.execute(text("UPDATE lots SET valid_from = :t"), {"t": T0 - timedelta(days=2)})
                conn.execute(
                    text("INSERT INTO project_channels VALUES ('CBENCH', 'bench', :t, 'UADMIN')"),
                    {"t": T0},
                )
            ledger.db.dispose()
            env = {
                "DATABASE_URL": url,
                "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_SIGNING_SECRET": SECRET,
                "CREDITBOT_SECRET": "bench-secret-for-voucher-codes-0123456789",
                "SLACK_API_URL": standin.api_url,
            }
            for workers in (1, 2):
                bot_port, bare_port = free_port(), free_port()
                bot = serve_command(bot_port, workers)
                bare = [
                    sys.executable,
                    "-m",
                    "bench.bare_server",
                    "--port",
                    str(bare_port),
                    "--secret",
                    SECRET,
                    "--api-url",
                    standin.api_url,
                    "--workers",
                    str(workers),
                    "--threads",
                    "8",
                ]
                with (
                    server(bot, env, bot_port) as bot_base,
                    server(bare, env, bare_port) as bare_base,
                ):
                    for concurrency in (1, 8):
                        tag = f"{workers}-{concurrency}"
                        load(bare_base, standin, 20, concurrency, f"warm-bare-{tag}")
                        load(bot_base, standin, 20, concurrency, f"warm-bot-{tag}")
                        baseline = load(bare_base, standin, requests, concurrency, f"bare-{tag}")
                        measured = load(bot_base, standin, requests, concurrency, f"bot-{tag}")
                        rows.append(
                            {
                                "workers": workers,
                                "concurrency": concurrency,
                                "bare": {k: round(v, 2) for k, v in baseline.items()},
                                "creditbot": {k: round(v, 2) for k, v in measured.items()},
                                "ack_p50_ratio": round(
                                    measured["ack_p50_ms"] / baseline["ack_p50_ms"], 3
                                ),
                            }
                        )
    finally:
        standin.stop()
    return rows
