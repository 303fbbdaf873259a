"""What `/metrics` reports, in Prometheus text format.

Each process that serves Slack or runs the scheduled jobs writes its figures to files in
one directory (prometheus-client's multiprocess mode), and whoever is scraped sums them:
several workers read as one server. Until `record_to` is called (the console, the CLI,
most tests) every function here does nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from ledger.orm import Entry

if TYPE_CHECKING:
    from prometheus_client import Counter, Gauge, Histogram
    from prometheus_client.registry import Collector

DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _Figures:
    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge, Histogram

        # registry=None: in multiprocess mode the scrape reads the files, not a registry.
        self.requests: Counter = Counter(
            "creditbot_requests",
            "Slack requests handled, by kind and outcome",
            ["kind", "outcome"],
            registry=None,
        )
        self.http: Counter = Counter(
            "creditbot_http_responses",
            "HTTP answers on /slack/events, by status",
            ["status"],
            registry=None,
        )
        self.ack: Histogram = Histogram(
            "creditbot_ack_seconds",
            "From a whole request read to its HTTP answer (Slack waits 3 s)",
            buckets=LATENCY_BUCKETS,
            registry=None,
        )
        self.reply: Histogram = Histogram(
            "creditbot_reply_seconds",
            "From a whole request read to the end of the work it asked for",
            buckets=LATENCY_BUCKETS,
            registry=None,
        )
        self.writes: Counter = Counter(
            "creditbot_ledger_writes",
            "Rows the ledger committed: journal entries by their kind, other rows by table",
            ["kind"],
            registry=None,
        )
        self.refusals: Counter = Counter(
            "creditbot_refusals", "Refused actions, by reason", ["reason"], registry=None
        )
        self.notices: Counter = Counter(
            "creditbot_notices",
            "Scheduled messages: posted (messages), failed and undeliverable (notices)",
            ["outcome"],
            registry=None,
        )
        self.last_run: Gauge = Gauge(
            "creditbot_scheduled_run_last_success_seconds",
            "Unix time of the last scheduled run that finished",
            registry=None,
            multiprocess_mode="max",
        )


_figures: _Figures | None = None


def record_to(directory: str) -> None:
    """Record this process's figures in `directory`, shared by every process to be summed.

    prometheus-client picks its storage when it is first imported, from the environment;
    set here rather than in a start-up script, so the storage is chosen explicitly too.
    Processes forked or started from this one after the call inherit the directory.
    """
    global _figures
    os.environ[DIRECTORY] = directory
    from prometheus_client import values

    values.ValueClass = values.MultiProcessValue()  # type: ignore[no-untyped-call]
    _figures = _Figures()
    if not event.contains(Session, "after_flush", _noted):
        event.listen(Session, "after_flush", _noted)
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_soft_rollback", _forgotten)


def recording() -> bool:
    return _figures is not None


def request(kind: str, outcome: str) -> None:
    if _figures is not None:
        _figures.requests.labels(kind, outcome).inc()


def http_answer(status: int, seconds: float | None = None) -> None:
    if _figures is not None:
        _figures.http.labels(str(status)).inc()
        if seconds is not None:
            _figures.ack.observe(seconds)


def replied(received_at: float | None) -> None:
    if _figures is not None and received_at is not None:
        _figures.reply.observe(time.monotonic() - received_at)


def refusal(reason: str) -> None:
    if _figures is not None:
        _figures.refusals.labels(reason).inc()


def ledger_writes(kind: str, count: int) -> None:
    if _figures is not None and count:
        _figures.writes.labels(kind).inc(count)


def scheduled_run(posted: int, failed: int, undeliverable: int) -> None:
    if _figures is not None:
        _figures.notices.labels("posted").inc(posted)
        _figures.notices.labels("failed").inc(failed)
        _figures.notices.labels("undeliverable").inc(undeliverable)
        _figures.last_run.set(time.time())


# --- ledger writes, seen as the ORM flushes them and counted once committed -----------------


def _kind(row: object) -> str:
    return row.kind if isinstance(row, Entry) else str(getattr(row, "__tablename__", "other"))


def _noted(session: Session, _context: Any) -> None:
    seen: dict[str, int] = session.info.setdefault("creditbot_writes", {})
    for row in session.new:
        seen[_kind(row)] = seen.get(_kind(row), 0) + 1


def _committed(session: Session) -> None:
    for kind, count in session.info.pop("creditbot_writes", {}).items():
        ledger_writes(kind, count)


def _forgotten(session: Session, _previous: Any) -> None:
    session.info.pop("creditbot_writes", None)


# --- the scrape ------------------------------------------------------------------------------


class _Pending:
    """Purchase orders waiting for finance, read from the ledger at scrape time."""

    def __init__(self, count: Callable[[], int]) -> None:
        self.count = count

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        yield GaugeMetricFamily(
            "creditbot_pending_purchase_orders",
            "Purchase orders waiting for a decision",
            value=self.count(),
        )


def serve(host: str, port: int, pending: Callable[[], int]) -> None:
    """Answer scrapes on host:port, from a thread of this process: every recording
    process's figures, summed, and the pending purchase orders."""
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    collector: Collector = _Pending(pending)
    registry.register(collector)
    start_http_server(port, host, registry)


def forget(pid: int) -> None:
    """A worker process ended: drop its live gauges (its counters still count)."""
    if _figures is not None:
        from prometheus_client.multiprocess import mark_process_dead

        mark_process_dead(pid)  # type: ignore[no-untyped-call]
