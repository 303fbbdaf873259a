"""Messages owed to channels: expiry warnings, forfeitures, digests.

Each is claimed under a unique key before anything is posted; just before its message is
posted, a claim is taken (pending → sending), and the outcome settles it (posted, pending
again for a retry, or undeliverable). So a notice is posted at most once, and retried until
it is.
The ledger knows channels only as opaque strings.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, String, case, cast, func, literal, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ledger.clock import days_left, local_date
from ledger.domain import LotView
from ledger.facts import LotSource
from ledger.money import Money
from ledger.orm import Base, Entry, Lot, Notice, Project, ProjectChannel, UTCDateTime
from ledger.services.context import LOT_KINDS, Ledger, lot_view

MAX_ERROR = 200
NOTICES = Base.metadata.tables["notices"]
LOTS = Base.metadata.tables["lots"]
CHUNK = 5000  # ids per IN list, far below SQLite's limit on bound parameters


@dataclass(frozen=True, slots=True)
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
    channel: str = ""


def threshold_bounds(
    now: datetime, thresholds: Sequence[int], tz: ZoneInfo
) -> list[tuple[int, datetime]]:
    """For each threshold t, the instant B_t such that a lot has reached t (at most t days
    left, counted in calendar days of the workspace) exactly when it expires at or before
    B_t: the local midnight that starts day today + t + 1. Nearest threshold first."""
    today = local_date(now, tz)
    return [
        (t, datetime.combine(today + timedelta(days=t + 1), time(0), tzinfo=tz).astimezone(UTC))
        for t in sorted(set(thresholds))
    ]


def _due_select(
    now: datetime, thresholds: Sequence[int], tz: ZoneInfo, fallback: str | None
) -> Select[Any]:
    """One row per (lot, nearest reached threshold, channel), with its claim key: the whole
    rule as one query, so claiming runs in the database and a preview runs the same rule."""
    bounds = threshold_bounds(now, thresholds, tz)
    nearest = case(*[(Lot.expires_at <= bound, t) for t, bound in bounds])
    channel = (
        func.coalesce(ProjectChannel.channel_id, literal(fallback))
        if fallback
        else ProjectChannel.channel_id
    )
    key = literal("warning:") + cast(Lot.id, String) + ":" + cast(nearest, String) + ":" + channel
    return (
        select(
            key.label("key"),
            channel.label("channel"),
            Lot.project_id,
            Lot.id.label("lot_id"),
            nearest.label("threshold"),
        )
        .select_from(Lot)
        .join(
            ProjectChannel,
            ProjectChannel.project_id == Lot.project_id,
            isouter=fallback is not None,
        )
        .where(Lot.expires_at > now, Lot.expires_at <= bounds[-1][1], Lot.remaining > 0)
    )


def due_warnings(
    ledger: Ledger, thresholds: Sequence[int], fallback_channel: str | None = None
) -> list[DueWarning]:
    """What `claim_warnings` would claim now, without claiming it (one entry per lot and
    channel it would be posted to)."""
    now = ledger.now()
    tz = ledger.config.timezone
    due = _due_select(now, thresholds, tz, fallback_channel).subquery()
    claimed = select(Notice.id).where(Notice.key == due.c.key).exists()
    with ledger.db.read() as session:
        rows = session.execute(
            select(Lot, due.c.threshold, due.c.channel)
            .join(due, due.c.lot_id == Lot.id)
            .where(~claimed)
            .order_by(Lot.project_id, Lot.expires_at, Lot.id, due.c.channel)
        ).all()
        found: dict[tuple[int, str], DueWarning] = {}
        for lot, threshold, channel in rows:
            found.setdefault(
                (lot.id, channel),
                DueWarning(
                    lot_view(lot),
                    lot.project_id,
                    threshold,
                    days_left(now, lot.expires_at, tz),
                    channel,
                ),
            )
        return list(found.values())


def claim_warnings(ledger: Ledger, thresholds: Sequence[int], fallback_channel: str | None) -> int:
    """Claim the nearest reached threshold of each lot with something left, once per channel
    of its project (or the fallback channel), in one INSERT … SELECT; a claim made before
    (same key) is left alone."""
    now = ledger.now()
    due = _due_select(now, thresholds, ledger.config.timezone, fallback_channel).subquery()
    source = select(
        due.c.key,
        literal("warning"),
        due.c.channel,
        due.c.project_id,
        due.c.lot_id,
        due.c.threshold,
        literal("pending"),
        literal(0),
        literal(now, UTCDateTime),
        literal(now, UTCDateTime),
    ).where(true())  # SQLite parses INSERT … SELECT … ON CONFLICT only with a WHERE
    columns = [
        "key",
        "kind",
        "channel",
        "project_id",
        "lot_id",
        "threshold",
        "status",
        "attempts",
        "created_at",
        "updated_at",
    ]

    def work(session: Session) -> int:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert(Notice)
            .from_select(columns, source)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(Notice.id)
        )
        return len(session.execute(statement).all())

    return ledger.db.run(work)


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


def claim_each(
    ledger: Ledger, kind: str, claims: Sequence[tuple[str, str, str | None, dict[str, Any]]]
) -> int:
    """Claim several one-off notices (key, channel, project, detail) in one transaction;
    returns how many were new."""
    now = ledger.now()
    rows = [
        {
            "key": key,
            "kind": kind,
            "channel": channel,
            "project_id": project_id,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
            "detail": json.dumps(detail),
        }
        for key, channel, project_id, detail in claims
    ]
    return ledger.db.run(lambda session: _insert_new(session, rows)) if rows else 0


def claimed(ledger: Ledger, keys: Sequence[str]) -> set[str]:
    """Which of these keys were claimed already."""
    found: set[str] = set()
    with ledger.db.read() as session:
        for start in range(0, len(keys), CHUNK):
            chunk = list(keys[start : start + CHUNK])
            found.update(session.scalars(select(Notice.key).where(Notice.key.in_(chunk))))
    return found


def pending(ledger: Ledger) -> list[NoticeView]:
    """Every notice waiting to be posted. A warning whose lot has since been spent to zero
    or has expired is dropped instead: it has nothing left to warn about."""
    now = ledger.now()
    notices, lots = NOTICES, LOTS  # Core: thousands of rows, no identity map

    def work(session: Session) -> list[NoticeView]:
        gone = select(lots.c.id).where((lots.c.remaining == 0) | (lots.c.expires_at <= now))
        session.execute(
            update(notices)
            .where(
                notices.c.status == "pending",
                notices.c.kind == "warning",
                notices.c.lot_id.in_(gone),
            )
            .values(status="dropped", updated_at=now)
        )
        rows = session.execute(
            select(
                notices.c.id,
                notices.c.key,
                notices.c.kind,
                notices.c.channel,
                notices.c.project_id,
                notices.c.threshold,
                notices.c.attempts,
                notices.c.detail,
                Project.name,
                lots.c.id.label("lot"),
                lots.c.kind.label("lot_kind"),
                lots.c.origin,
                lots.c.po_number,
                lots.c.voucher_last4,
                lots.c.provider_credit_id,
                lots.c.source,
                lots.c.currency,
                lots.c.initial,
                lots.c.remaining,
                lots.c.valid_from,
                lots.c.expires_at,
            )
            .select_from(notices)
            .outerjoin(lots, lots.c.id == notices.c.lot_id)
            .outerjoin(Project, Project.id == notices.c.project_id)
            .where(notices.c.status == "pending")
            .order_by(notices.c.id)
        ).all()
        views = []
        for (
            nid,
            key,
            kind,
            channel,
            project_id,
            threshold,
            attempts,
            detail,
            name,
            lot_id,
            lot_kind,
            origin,
            po_number,
            last4,
            credit_id,
            source_text,
            currency,
            initial,
            remaining,
            valid_from,
            expires_at,
        ) in rows:
            lot = None
            if lot_id is not None:
                lot = LotView(
                    lot_id,
                    LOT_KINDS[lot_kind],
                    LotSource(origin, po_number, last4, credit_id, source_text),
                    Money(initial, currency),
                    Money(remaining, currency),
                    valid_from,
                    expires_at,
                )
            views.append(
                NoticeView(
                    nid,
                    key,
                    kind,
                    channel,
                    project_id,
                    name,
                    threshold,
                    attempts,
                    json.loads(detail) if detail else {},
                    lot,
                )
            )
        return views

    return ledger.db.run(work)


def begin(ledger: Ledger, ids: Sequence[int]) -> set[int]:
    """Take notices for one message, just before it is posted: pending → sending. Returns
    the ids this caller got; another replica may have taken the rest. A crash between here
    and `settle` leaves that one message `sending` (outcome unknown), and it is not repeated."""
    now = ledger.now()

    def work(session: Session) -> set[int]:
        taken: set[int] = set()
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            rows = session.execute(
                update(NOTICES)
                .where(NOTICES.c.id.in_(chunk), NOTICES.c.status == "pending")
                .values(status="sending", attempts=NOTICES.c.attempts + 1, updated_at=now)
                .returning(NOTICES.c.id)
            ).all()
            taken.update(row[0] for row in rows)
        return taken

    return ledger.db.run(work) if ids else set()


def settle(ledger: Ledger, ids: Iterable[int], status: str, error: str | None = None) -> None:
    """Record the outcome of a delivery: posted, pending (retry next run) or undeliverable."""
    ids = sorted(ids)
    if status not in ("posted", "pending", "undeliverable"):
        raise ValueError(status)
    now = ledger.now()
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if error is not None:
        values["last_error"] = error[:MAX_ERROR]

    def work(session: Session) -> None:
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            session.execute(
                update(Notice)
                .where(Notice.id.in_(chunk), Notice.status == "sending")
                .values(**values)
            )

    if ids:
        ledger.db.run(work)


def counts(ledger: Ledger) -> dict[str, int]:
    with ledger.db.read() as session:
        return dict(
            session.execute(select(Notice.status, func.count()).group_by(Notice.status)).all()
        )


STATUSES = ("pending", "sending", "posted", "undeliverable", "dropped")
# A message is `sending` only while its one post is under way (the client's own retries
# included); one still `sending` after this long belongs to a run that died.
STUCK_AFTER = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class StuckNotice:
    id: int
    key: str
    kind: str
    channel: str
    project_id: str | None
    since: datetime
    attempts: int


@dataclass(frozen=True, slots=True)
class DeliveryStatus:
    counts: dict[str, int]
    stuck: list[StuckNotice]


def delivery_status(ledger: Ledger, stuck_after: timedelta = STUCK_AFTER) -> DeliveryStatus:
    """How many notices are in each state, and the ones left `sending` by a run that died:
    their message may or may not have reached Slack, so an operator checks the channel."""
    cutoff = ledger.now() - stuck_after
    with ledger.db.read() as session:
        found = dict(
            session.execute(select(Notice.status, func.count()).group_by(Notice.status)).all()
        )
        stuck = [
            StuckNotice(n.id, n.key, n.kind, n.channel, n.project_id, n.updated_at, n.attempts)
            for n in session.scalars(
                select(Notice)
                .where(Notice.status == "sending", Notice.updated_at <= cutoff)
                .order_by(Notice.updated_at, Notice.id)
            )
        ]
    return DeliveryStatus({status: int(found.get(status, 0)) for status in STATUSES}, stuck)


def forfeited_amount(notice: NoticeView) -> Money | None:
    if notice.lot is None or "forfeited" not in notice.detail:
        return None
    return Money(int(notice.detail["forfeited"]), notice.lot.initial.currency)


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
