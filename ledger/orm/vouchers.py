"""Voucher codes, and the failed redemption attempts that throttle guessing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.orm.base import Base, UTCDateTime


class Voucher(Base):
    """A voucher code, known only by an HMAC-SHA-256 of it under the server's secret.

    `legacy_hash` is the unsalted SHA-256 that codes issued before the secret were kept
    under: it is still checked on redemption until the code is redeemed (then re-keyed)
    or expires (then cleared)."""

    __tablename__ = "vouchers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    legacy_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    last4: Mapped[str] = mapped_column(String(4))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    valid_until: Mapped[date] = mapped_column(Date)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    project_id: Mapped[str | None] = mapped_column(ForeignKey("projects.id"))
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    redeemed_by: Mapped[str | None] = mapped_column(String(64))
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("(redeemed_by IS NULL) = (redeemed_at IS NULL)", name="redeemed"),
        CheckConstraint("code_hash IS NULL OR legacy_hash IS NULL", name="one_hash"),
        # The expiry run clears legacy hashes of expired codes without reading every voucher.
        Index(
            "ix_vouchers_legacy",
            "expires_at",
            postgresql_where=text("legacy_hash IS NOT NULL"),
            sqlite_where=text("legacy_hash IS NOT NULL"),
        ),
    )


class RedemptionFailure(Base):
    __tablename__ = "redemption_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_redemption_failures_user_at", "user_id", "at"),)


# `provider`: news of OVHcloud for finance, posted by the OVHcloud run itself.
