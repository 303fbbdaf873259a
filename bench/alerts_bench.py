"""A warning run over 1,000,000 lots of which 10,000 are due, in 500 projects: the database
part against the bare indexed query that finds the due lots; the Slack part separately."""

from __future__ import annotations

import time
from datetime import timedelta

from pydantic import SecretStr
from sqlalchemy import insert, select, update

from bench.common import T0, add_project, bulk_voucher_lots, fresh_database, make_ledger, timed
from bot.composition import build_alerts
from bot.jobs.alerts import Pacer
from bot.settings import Settings
from bot.slack.app import build_client
from bot.slack.standin import SlackStandIn
from ledger.orm import Lot, Notice, ProjectChannel
from ledger.services import notices

PROJECTS = 500


def warning_run(kind: str, lots: int = 1_000_000, due: int = 10_000) -> dict[str, float]:
    now = T0 + timedelta(days=1)
    step = lots // due
    with fresh_database(kind) as url:
        ledger = make_ledger(url, now=now)
        for p in range(PROJECTS):
            add_project(ledger.db, f"p{p}")
        with ledger.db.engine.begin() as conn:
            conn.execute(
                insert(ProjectChannel),
                [
                    {
                        "channel_id": f"CP{p:05d}",
                        "project_id": f"p{p}",
                        "linked_at": T0,
                        "linked_by": "U",
                    }
                    for p in range(PROJECTS)
                ],
            )
        bulk_voucher_lots(
            ledger.db,
            "p0",
            lots,
            lambda i: T0 + (timedelta(days=20) if i % step == 0 else timedelta(days=400)),
            project_of=lambda i: f"p{(i // step) % PROJECTS}",
        )
        horizon = now + timedelta(days=31)

        def bare_query() -> None:
            with ledger.db.read() as session:
                found = session.execute(
                    select(Lot.id, Lot.project_id, Lot.expires_at, Lot.remaining).where(
                        Lot.expires_at > now, Lot.expires_at <= horizon, Lot.remaining > 0
                    )
                ).all()
                assert len(found) == due

        query_s = timed(bare_query, repeat=5)
        thresholds = (30, 7, 1)
        start = time.perf_counter()
        claimed = notices.claim_warnings(ledger, thresholds, None)
        waiting = notices.pending(ledger)
        decide_s = time.perf_counter() - start
        assert claimed == due and len(waiting) == due
        # Per message: take its notices just before posting, and settle them as soon as Slack
        # answers (two commits a message: only the message in flight can be left `sending`).
        # The trade-off: settling every success together when the run ends (one commit a
        # message, plus one), which leaves them all `sending` if the process is killed.
        # Each way twice, alternating, from the same pending notices; the faster run counts.
        groups: dict[str, list[int]] = {}
        for notice in waiting:
            groups.setdefault(notice.channel, []).append(notice.id)

        def settle_each() -> None:
            for ids in groups.values():
                notices.settle(ledger, notices.begin(ledger, ids), "posted")

        def settle_at_end() -> None:
            posted: list[int] = []
            for ids in groups.values():
                posted.extend(notices.begin(ledger, ids))
            notices.settle(ledger, posted, "posted")

        samples: dict[str, list[float]] = {"each": [], "end": []}
        for name, way in [("end", settle_at_end), ("each", settle_each)] * 2:
            with ledger.db.engine.begin() as conn:
                conn.execute(update(Notice).values(status="pending"))
            start = time.perf_counter()
            way()
            samples[name].append(time.perf_counter() - start)
        bookkeeping_s, batched_s = min(samples["each"]), min(samples["end"])
        taken = waiting

        # The Slack part: rendering and posting one message per project to a local stand-in,
        # paced at one message per second per channel.
        standin = SlackStandIn().start()
        try:
            settings = Settings(
                _env_file=None,
                slack_bot_token=SecretStr("xoxb-bench"),
                slack_api_url=standin.api_url,
                digest_day="off",  # expiry warnings only
            )  # type: ignore[call-arg]
            alerts = build_alerts(
                settings, ledger, client=build_client(settings), pacer=Pacer(interval=1.0)
            )
            report = alerts.run()  # nothing new to claim: measure a run with nothing to post
            start = time.perf_counter()
            messages = alerts._messages(taken)
            for channel, _, message in messages:
                alerts.pacer.wait(channel)
                alerts.client.chat_postMessage(channel=channel, **message.as_kwargs())
            slack_s = time.perf_counter() - start
            assert report.posted == 0 and len(messages) == min(PROJECTS, due)
        finally:
            standin.stop()
        ledger.db.dispose()
    return {
        "bare_query_s": query_s,
        "claim_and_read_s": decide_s,
        "ratio_claim_and_read": decide_s / query_s,
        "per_message_bookkeeping_s": bookkeeping_s,
        "settled_at_run_end_s": batched_s,
        "ratio_settle_each_vs_at_run_end": bookkeeping_s / batched_s,
        "database_part_s": decide_s + bookkeeping_s,
        "ratio": (decide_s + bookkeeping_s) / query_s,
        "slack_messages": float(len(messages)),
        "slack_part_s": slack_s,
        "slack_messages_per_s": len(messages) / slack_s,
    }
