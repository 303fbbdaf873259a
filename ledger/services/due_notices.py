"""What is due: the expiry warnings and forfeiture announcements the outbox owes.

Warnings are claimed in one INSERT … SELECT that holds the whole rule, so a preview
(`due_warnings`) runs the same rule as the claim; the outbox then delivers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, String, case, cast, func, literal, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ledger.clock import days_left, local_date
from ledger.domain import LotView
from ledger.orm import Entry, Lot, Notice, ProjectChannel, UTCDateTime
from ledger.services.context import Ledger, lot_view
from ledger.services.outbox import insert_new, owed


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
            owed(
                f"forfeit:{e.lot_id}:{channel}",
                "forfeit",
                channel,
                e.project_id,
                now,
                {"forfeited": e.amount},
                lot_id=e.lot_id,
            )
            for e in expiries
            for channel in channels[e.project_id]
        ]
        return insert_new(session, rows)

    return ledger.db.run(work)
