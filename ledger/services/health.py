"""What admins watch: projects nobody hears about, channels the bot lost, and when the
scheduled jobs last ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ledger.orm import JobRun, Notice, Project, ProjectChannel
from ledger.services.context import Ledger

MAX_OUTCOME = 200
SCHEDULED_RUN = "scheduled-run"
OUTBOX_RUN = "outbox-run"
PROVIDER_SYNC = "ovhcloud-sync"


@dataclass(frozen=True, slots=True)
class LastRun:
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None


@dataclass(frozen=True, slots=True)
class Health:
    projects_without_channel: tuple[str, ...]
    unreachable_channels: tuple[str, ...]
    runs: dict[str, LastRun]


def record_run(ledger: Ledger, name: str, started_at: datetime, outcome: str | None = None) -> None:
    """Note that job `name` ran (finished now when an outcome is given, else just started)."""
    finished = ledger.now() if outcome is not None else None
    row = {
        "name": name,
        "started_at": started_at,
        "finished_at": finished,
        "outcome": outcome[:MAX_OUTCOME] if outcome else None,
    }

    def work(session: Session) -> None:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = insert(JobRun).values(row)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["name"],
                set_={
                    "started_at": statement.excluded.started_at,
                    "finished_at": statement.excluded.finished_at,
                    "outcome": statement.excluded.outcome,
                },
            )
        )

    ledger.db.run(work)


def health(ledger: Ledger) -> Health:
    with ledger.db.read() as session:
        return health_in(session)


def health_in(session: Session) -> Health:
    """The health view, read within the caller's transaction."""
    linked = select(ProjectChannel.project_id).where(ProjectChannel.project_id == Project.id)
    alone = session.scalars(select(Project.id).where(~linked.exists()).order_by(Project.id)).all()
    lost = session.scalars(
        select(Notice.channel)
        .where(Notice.status == "undeliverable")
        .distinct()
        .order_by(Notice.channel)
    ).all()
    runs = {
        run.name: LastRun(run.started_at, run.finished_at, run.outcome)
        for run in session.scalars(select(JobRun)).all()
    }
    return Health(tuple(alone), tuple(lost), runs)
