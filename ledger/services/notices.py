"""Messages owed to channels: expiry warnings, forfeitures, digests.

Each is claimed under a unique key before anything is posted; delivery takes a claim
(pending → sending), and the outcome settles it (posted, pending again for a retry,
or undeliverable). So a notice is posted at most once, and retried until it is.
The ledger knows channels only as opaque strings.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ledger.clock import days_left
from ledger.domain import LotKind, LotView
from ledger.money import Money
from ledger.orm import Entry, Lot, Notice, Project, ProjectChannel
from ledger.services.context import Ledger, lot_view

MAX_ERROR = 200


@dataclass(frozen=True)
class NoticeView:
    id: int
    key: str
    kind: str
    channel: str
    project_id: str | None
    project_name: str | None
    threshold: int | None
    attempts: int
    detail: dict[str, Any]
    lot: LotView | None = None


@dataclass(frozen=True)
class DueWarning:
    lot: LotView
    project_id: str
    threshold: int
    days_left: int


def nearest_crossed(left: int, thresholds: Sequence[int]) -> int | None:
    """The smallest threshold already reached: only the nearest is announced."""
    crossed = [t for t in thresholds if left <= t]
    return min(crossed) if crossed else None


def _channels(
    session: Session, project_ids: set[str], fallback: str | None
) -> dict[str, list[str]]:
    linked: dict[str, list[str]] = {pid: [] for pid in project_ids}
    rows = session.execute(
        select(ProjectChannel.project_id, ProjectChannel.channel_id).where(
            ProjectChannel.project_id.in_(project_ids)
        )
    ).all()
    for pid, channel in rows:
        linked[pid].append(channel)
    for channels in linked.values():
        if not channels and fallback:
            channels.append(fallback)
    return linked


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # RETURNING lists only the rows inserted: a key claimed before returns nothing.
    statement = insert(Notice).on_conflict_do_nothing(index_elements=["key"]).returning(Notice.id)
    return len(session.execute(statement, rows).all())


def due_warnings(ledger: Ledger, thresholds: Sequence[int]) -> list[DueWarning]:
    """Lots with something left whose nearest crossed threshold has not been claimed yet."""
    now = ledger.now()
    horizon = now + timedelta(days=max(thresholds) + 1)
    with ledger.db.read() as session:
        return _due_warnings(session, ledger, thresholds, now, horizon)


def _due_warnings(
    session: Session, ledger: Ledger, thresholds: Sequence[int], now: datetime, horizon: datetime
) -> list[DueWarning]:
    window = (Lot.expires_at > now, Lot.expires_at <= horizon, Lot.remaining > 0)
    lots = session.execute(
        select(
            Lot.id,
            Lot.project_id,
            Lot.kind,
            Lot.source,
            Lot.currency,
            Lot.initial,
            Lot.remaining,
            Lot.valid_from,
            Lot.expires_at,
        )
        .where(*window)
        .order_by(Lot.project_id, Lot.expires_at, Lot.id)
    ).all()
    claimed = {
        (lot_id, threshold)
        for lot_id, threshold in session.execute(
            select(Notice.lot_id, Notice.threshold)
            .join(Lot, Lot.id == Notice.lot_id)
            .where(Notice.kind == "warning", *window)
        )
    }
    tz = ledger.config.timezone
    due = []
    for lot in lots:
        left = days_left(now, lot.expires_at, tz)
        threshold = nearest_crossed(left, thresholds)
        if threshold is not None and (lot.id, threshold) not in claimed:
            view = LotView(
                lot.id,
                LotKind(lot.kind),
                lot.source,
                Money(lot.initial, lot.currency),
                Money(lot.remaining, lot.currency),
                lot.valid_from,
                lot.expires_at,
            )
            due.append(DueWarning(view, lot.project_id, threshold, left))
    return due


def claim_warnings(ledger: Ledger, thresholds: Sequence[int], fallback_channel: str | None) -> int:
    """Claim the nearest crossed threshold of each lot, once per channel of its project."""
    now = ledger.now()
    horizon = now + timedelta(days=max(thresholds) + 1)

    def work(session: Session) -> int:
        due = _due_warnings(session, ledger, thresholds, now, horizon)
        channels = _channels(session, {d.project_id for d in due}, fallback_channel)
        rows = [
            {
                "key": f"warning:{d.lot.id}:{d.threshold}:{channel}",
                "kind": "warning",
                "channel": channel,
                "project_id": d.project_id,
                "lot_id": d.lot.id,
                "threshold": d.threshold,
                "status": "pending",
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            }
            for d in due
            for channel in channels[d.project_id]
        ]
        return _insert_new(session, rows)

    return ledger.db.run(work)


def claim_forfeitures(ledger: Ledger, fallback_channel: str | None) -> int:
    """Claim one announcement per expired lot (and channel) that forfeited something."""
    now = ledger.now()

    def work(session: Session) -> int:
        announced = (
            select(Notice.id)
            .where(Notice.lot_id == Entry.lot_id, Notice.kind == "forfeit")
            .exists()
        )
        expiries = session.execute(
            select(Entry.lot_id, Entry.project_id, Entry.amount).where(
                Entry.kind == "expiry", ~announced
            )
        ).all()
        channels = _channels(session, {e.project_id for e in expiries}, fallback_channel)
        rows = [
            {
                "key": f"forfeit:{e.lot_id}:{channel}",
                "kind": "forfeit",
                "channel": channel,
                "project_id": e.project_id,
                "lot_id": e.lot_id,
                "status": "pending",
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
                "detail": json.dumps({"forfeited": e.amount}),
            }
            for e in expiries
            for channel in channels[e.project_id]
        ]
        return _insert_new(session, rows)

    return ledger.db.run(work)


def claim(
    ledger: Ledger, key: str, kind: str, channel: str, detail: dict[str, Any] | None = None
) -> bool:
    """Claim a one-off notice (a digest, a report); False if it was claimed before."""
    now = ledger.now()
    row = {
        "key": key,
        "kind": kind,
        "channel": channel,
        "status": "pending",
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
        "detail": json.dumps(detail or {}),
    }
    return ledger.db.run(lambda session: _insert_new(session, [row])) == 1


def take(ledger: Ledger) -> list[NoticeView]:
    """Move every pending notice to `sending` and return it. A warning whose lot has since
    been spent to zero or has expired is dropped instead: it has nothing left to warn about."""
    now = ledger.now()

    def work(session: Session) -> list[NoticeView]:
        notices = session.scalars(
            select(Notice)
            .where(Notice.status == "pending")
            .order_by(Notice.id)
            .with_for_update(skip_locked=True)
        ).all()
        if not notices:
            return []
        lots = {
            lot.id: lot
            for lot in session.scalars(
                select(Lot).where(Lot.id.in_({n.lot_id for n in notices if n.lot_id}))
            )
        }
        names = dict(session.execute(select(Project.id, Project.name)).all()) if notices else {}
        taken, dropped, views = [], [], []
        for notice in notices:
            lot = lots.get(notice.lot_id) if notice.lot_id else None
            if notice.kind == "warning" and (
                lot is None or lot.remaining == 0 or lot.expires_at <= now
            ):
                dropped.append(notice.id)
                continue
            taken.append(notice.id)
            views.append(
                NoticeView(
                    id=notice.id,
                    key=notice.key,
                    kind=notice.kind,
                    channel=notice.channel,
                    project_id=notice.project_id,
                    project_name=names.get(notice.project_id or ""),
                    threshold=notice.threshold,
                    attempts=notice.attempts + 1,
                    detail=json.loads(notice.detail or "{}"),
                    lot=lot_view(lot) if lot else None,
                )
            )
        if taken:
            session.execute(
                update(Notice)
                .where(Notice.id.in_(taken))
                .values(status="sending", attempts=Notice.attempts + 1, updated_at=now)
            )
        if dropped:
            session.execute(
                update(Notice)
                .where(Notice.id.in_(dropped))
                .values(status="dropped", updated_at=now)
            )
        return views

    return ledger.db.run(work)


def settle(ledger: Ledger, ids: Sequence[int], status: str, error: str | None = None) -> None:
    """Record the outcome of a delivery: posted, pending (retry next run) or undeliverable."""
    if status not in ("posted", "pending", "undeliverable"):
        raise ValueError(status)
    if not ids:
        return
    now = ledger.now()
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if error is not None:
        values["last_error"] = error[:MAX_ERROR]
    ledger.db.run(
        lambda session: session.execute(
            update(Notice)
            .where(Notice.id.in_(list(ids)), Notice.status == "sending")
            .values(**values)
        )
    )


def counts(ledger: Ledger) -> dict[str, int]:
    with ledger.db.read() as session:
        return dict(
            session.execute(select(Notice.status, func.count()).group_by(Notice.status)).all()
        )


def forfeited_amount(notice: NoticeView) -> Money | None:
    if notice.lot is None or "forfeited" not in notice.detail:
        return None
    return Money(int(notice.detail["forfeited"]), notice.lot.initial.currency)


def is_voucher(notice: NoticeView) -> bool:
    return notice.lot is not None and notice.lot.kind is LotKind.VOUCHER


_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


@contextmanager
def run_lock(ledger: Ledger, name: str) -> Iterator[bool]:
    """Whether this process may run `name` now. On PostgreSQL a session-level advisory lock,
    held for the run, lets one replica at a time through; on SQLite (one process) a local lock."""
    if ledger.db.dialect == "postgresql":
        with ledger.db.engine.connect() as connection:
            key = connection.execute(select(func.hashtextextended(name, 0))).scalar_one()
            got = bool(connection.execute(select(func.pg_try_advisory_lock(key))).scalar_one())
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    connection.execute(select(func.pg_advisory_unlock(key)))
                    connection.commit()
        return
    with _local_guard:
        lock = _local_locks.setdefault(name, threading.Lock())
    got = lock.acquire(blocking=False)
    try:
        yield got
    finally:
        if got:
            lock.release()
