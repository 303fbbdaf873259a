"""The autopilot: per project, whether finance turned it on and how, and the purchase
orders it drafted (at most one per project and local day)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.orm.base import Base, UTCDateTime


class AutopilotSetting(Base):
    __tablename__ = "autopilot_settings"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    cover_days: Mapped[int] = mapped_column(Integer)
    # At most this much (minor units, excl. tax) drafted per calendar month; none: no cap.
    monthly_cap: Mapped[int | None] = mapped_column(BigInteger)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("cover_days BETWEEN 1 AND 400", name="cover_days"),
        CheckConstraint("monthly_cap IS NULL OR monthly_cap > 0", name="monthly_cap"),
    )


class AutopilotDraft(Base):
    """A purchase order the autopilot drafted, with the forecast it drafted from. The unique
    (project, day) makes the draft exactly once across restarts and replicas."""

    __tablename__ = "autopilot_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"))
    day: Mapped[date] = mapped_column(Date)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), unique=True)
    runs_out_on: Mapped[date] = mapped_column(Date)
    cover_days: Mapped[int] = mapped_column(Integer)
    # What held the amount below the shortfall, if anything: useful, maximum or cap.
    bounded_by: Mapped[str | None] = mapped_column(String(8))
    # The last day the amount pays in full (earlier than runs_out_on + cover_days - 1 when
    # a bound cut it); unknown for a cut draft made before revision 0015.
    covers_through: Mapped[date | None] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("project_id", "day"),
        CheckConstraint(
            "bounded_by IS NULL OR bounded_by IN ('useful', 'maximum', 'cap')", name="bounded_by"
        ),
    )
