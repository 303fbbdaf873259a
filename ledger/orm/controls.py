"""Finance controls: purchase budgets per project and period, and the settlements that
record a part of a bill due by other means as paid."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.orm.base import Base, UTCDateTime


class Budget(Base):
    """What a project may buy per calendar period (workspace zone): the amount excl. tax of
    its orders requested in the period that are pending or approved."""

    __tablename__ = "budgets"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("period IN ('monthly', 'quarterly', 'yearly')", name="period"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )


class Settlement(Base):
    """An append-only record that the part of a charge due by other means was paid, and by
    what reference. A mistaken one is voided by a second row pointing at it, never edited."""

    __tablename__ = "settlements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("charges.id"), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set on the row that voids an earlier settlement (whose id it names), with why.
    voids_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("voids_id IS NULL OR reason IS NOT NULL", name="void_reason"),
    )
