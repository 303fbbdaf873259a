"""What the bot keeps to run safely: request ids answered once, the outbox of notices,
scheduled runs, and provider links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.orm.base import Base, UTCDateTime


class Request(Base):
    """A request that created something (a purchase order, a voucher, a project), under
    the caller's request id: a repeat of the request answers with what the first made."""

    __tablename__ = "requests"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # What was asked, so that the same key with other parameters is refused.
    fingerprint: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


NOTICE_KIND_CHECK = (
    "kind IN ('warning', 'forfeit', 'digest', 'unreachable', 'provider', 'purchase',"
    " 'reminder', 'po_expired', 'budget', 'autopilot', 'settlement', 'decision')"
)


class Notice(Base):
    """A message the bot owes a channel (expiry warning, forfeiture, digest), claimed under a
    unique key before it is posted, so it is posted at most once and retried until it is."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(64))
    project_id: Mapped[str | None] = mapped_column(ForeignKey("projects.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    threshold: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(14))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'posted', 'undeliverable', 'dropped')", name="status"
        ),
        CheckConstraint(NOTICE_KIND_CHECK, name="kind"),
        Index(
            "ix_notices_open",
            "status",
            "channel",
            postgresql_where=text("status IN ('pending', 'sending')"),
            sqlite_where=text("status IN ('pending', 'sending')"),
        ),
        Index("ix_notices_lot", "lot_id"),
    )


class JobRun(Base):
    """The latest run of each scheduled job (the scheduled run, a provider sync), for the
    admins' health view: one row per job, overwritten by each run."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(200))


class ProviderLink(Base):
    """A ledger project tied to its provider project (an OVHcloud `serviceName`), with how
    the last sync went. Removing the link keeps every lot and entry it brought."""

    __tablename__ = "provider_links"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    service: Mapped[str] = mapped_column(String(100), unique=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure_kind: Mapped[str | None] = mapped_column(String(12))
    failure: Mapped[str | None] = mapped_column(String(300))
    # The failure kind finance was last told about; cleared when a sync succeeds again.
    noticed_kind: Mapped[str | None] = mapped_column(String(12))
