"""The outbox: messages owed to channels, from claim to delivery.

Each notice is claimed under a unique key before anything is posted; just before its
message is posted, a claim is taken (pending → sending), and the outcome settles it
(posted, pending again for a retry, or undeliverable). So a notice is posted at most once,
and retried until it is. What falls due (warnings, forfeitures) is `due_notices`'s job.
The ledger knows channels only as opaque strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ledger.domain import LotView
from ledger.facts import LotSource
from ledger.money import Money
from ledger.orm import Base, Notice, Project
from ledger.services import announcements
from ledger.services.context import LOT_KINDS, Ledger

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


def owed(
    key: str,
    kind: str,
    channel: str,
    project_id: str | None,
    now: datetime,
    detail: dict[str, Any] | None = None,
    **more: Any,
) -> dict[str, Any]:
    """A notice owed from `now`, as a row for `insert_new` (`more`: a lot, a threshold)."""
    return {
        "key": key,
        "kind": kind,
        "channel": channel,
        "project_id": project_id,
        "status": "pending",
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
        "detail": json.dumps(detail or {}),
        **more,
    }


def insert_new(session: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # RETURNING lists only the rows inserted: a key claimed before returns nothing.
    statement = insert(Notice).on_conflict_do_nothing(index_elements=["key"]).returning(Notice.id)
    return len(session.execute(statement, rows).all())


def claim(
    ledger: Ledger, key: str, kind: str, channel: str, detail: dict[str, Any] | None = None
) -> bool:
    """Claim a one-off notice (a digest, a report); False if it was claimed before."""
    row = owed(key, kind, channel, None, ledger.now(), detail)
    return ledger.db.run(lambda session: insert_new(session, [row])) == 1


def claim_each(
    ledger: Ledger, kind: str, claims: Sequence[tuple[str, str, str | None, dict[str, Any]]]
) -> int:
    """Claim several one-off notices (key, channel, project, detail) in one transaction;
    returns how many were new."""
    now = ledger.now()
    rows = [
        owed(key, kind, channel, project_id, now, detail)
        for key, channel, project_id, detail in claims
    ]
    return ledger.db.run(lambda session: insert_new(session, rows)) if rows else 0


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
    or has expired is dropped instead: it has nothing left to warn about; so is the
    announcement of an order decided meanwhile."""
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
        announcements.drop_decided(session, now)
        return _pending_in(session)

    return ledger.db.run(work)


def waiting(ledger: Ledger) -> list[NoticeView]:
    """The notices `pending` would return now, read only: nothing is dropped (a dry run)."""
    now = ledger.now()
    with ledger.db.read() as session:
        decided = announcements.decided_keys(session)
        return [
            view
            for view in _pending_in(session)
            if view.key not in decided
            and not (
                view.kind == "warning"
                and view.lot is not None
                and (view.lot.remaining.minor == 0 or view.lot.expires_at <= now)
            )
        ]


def _pending_in(session: Session) -> list[NoticeView]:
    """Every pending notice, oldest first, with its lot and project name."""
    notices, lots = NOTICES, LOTS
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


def settle(
    ledger: Ledger,
    ids: Iterable[int],
    status: str,
    error: str | None = None,
    *,
    reference: str | None = None,
) -> None:
    """Record the outcome of a delivery: posted, pending (retry next run) or undeliverable.
    `reference`, where a message was posted ("channel:ts"), is kept on what it announced,
    so a later change updates it in place."""
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
            if reference is not None and status == "posted":
                announcements.keep_reference(session, chunk, reference)

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
