"""Lots, the append-only journal of entries that moves them, and the charges that debit them.

The journal (`entries`) is append-only: each row moves a positive amount from
one account to another, so it balances by construction. `lots.remaining` is a
materialised running balance that `verify` re-derives from the journal.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, composite, mapped_column

from ledger.facts import EntryCause, LotOrigin, LotSource
from ledger.orm.base import Base, UTCDateTime

LOT_SOURCE = (
    "(kind = 'credit' AND purchase_order_id IS NOT NULL AND voucher_id IS NULL)"
    " OR (kind = 'voucher' AND voucher_id IS NOT NULL AND purchase_order_id IS NULL)"
    " OR (external_key IS NOT NULL AND voucher_id IS NULL)"
)


LOT_ORIGINS = ", ".join(f"'{origin.value}'" for origin in LotOrigin)
# Each origin has the fact that names it.
LOT_FACTS = (
    "(origin = 'purchase' AND po_number IS NOT NULL)"
    " OR (origin = 'voucher' AND voucher_last4 IS NOT NULL)"
    " OR (origin = 'provider' AND provider_credit_id IS NOT NULL)"
    " OR (origin = 'text' AND source IS NOT NULL)"
)


class Lot(Base):
    __tablename__ = "lots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"))
    kind: Mapped[str] = mapped_column(String(10))
    # Where the lot came from, as facts (see LotSource); `source` keeps the words of a lot
    # recorded before facts were kept, where they could not be read back.
    origin: Mapped[str] = mapped_column(String(10))
    po_number: Mapped[str | None] = mapped_column(String(20))
    voucher_last4: Mapped[str | None] = mapped_column(String(4))
    provider_credit_id: Mapped[int | None] = mapped_column(BigInteger)
    source_text: Mapped[str | None] = mapped_column("source", String(40))
    source: Mapped[LotSource] = composite(
        "origin", "po_number", "voucher_last4", "provider_credit_id", "source_text"
    )
    purchase_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("purchase_orders.id"), unique=True
    )
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("vouchers.id"), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    initial: Mapped[int] = mapped_column(BigInteger)
    remaining: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A lot mirrored from the provider (`ovh:<serviceName>:<credit id>`) and its last snapshot.
    external_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    external_used: Mapped[int | None] = mapped_column(BigInteger)
    external_available: Mapped[int | None] = mapped_column(BigInteger)
    external_gone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("kind IN ('voucher', 'credit')", name="kind"),
        CheckConstraint("initial > 0", name="initial_positive"),
        CheckConstraint("remaining >= 0 AND remaining <= initial", name="remaining_in_range"),
        CheckConstraint("expires_at > valid_from", name="validity"),
        CheckConstraint(LOT_SOURCE, name="source"),
        CheckConstraint(f"origin IN ({LOT_ORIGINS})", name="origin"),
        CheckConstraint(LOT_FACTS, name="facts"),
        Index("ix_lots_spending", "project_id", "kind", "expires_at", "id"),
        Index(
            "ix_lots_due",
            "expires_at",
            postgresql_where=text("remaining > 0"),
            sqlite_where=text("remaining > 0"),
        ),
    )


# A `removal` takes out of a mirrored lot what its provider no longer counts (the credit
# disappeared from the provider's list).
ENTRY_KINDS = ("grant", "debit", "expiry", "void", "refund", "removal")
ENTRY_KIND_CHECK = "kind IN ('grant', 'debit', 'expiry', 'void', 'refund', 'removal')"
ENTRY_CAUSES = ", ".join(f"'{cause.value}'" for cause in EntryCause)


class Entry(Base):
    """One balanced journal line: `amount` leaves `debit_account` and enters `credit_account`."""

    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    debit_account: Mapped[str] = mapped_column(String(80))
    credit_account: Mapped[str] = mapped_column(String(80))
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"), index=True)
    voids_entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    # What a person wrote (a charge's memo, a void's reason), or words kept from before
    # facts were; the bot's own reasons are the facts below.
    memo: Mapped[str | None] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(String(12))
    # For a mirrored lot: the credit's used amount at the provider once this entry is posted.
    provider_used: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("debit_account <> credit_account", name="two_accounts"),
        CheckConstraint(ENTRY_KIND_CHECK, name="kind"),
        CheckConstraint(f"cause IS NULL OR cause IN ({ENTRY_CAUSES})", name="cause"),
        Index("ix_entries_history", "project_id", "id"),
        Index(
            "ix_entries_expiries",
            "lot_id",
            postgresql_where=text("kind = 'expiry'"),
            sqlite_where=text("kind = 'expiry'"),
        ),
    )


class Charge(Base):
    __tablename__ = "charges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    due_other: Mapped[int] = mapped_column(BigInteger)
    memo: Mapped[str | None] = mapped_column(Text)
    charged_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A mistaken bill is voided by reversing entries; these say who did it and why.
    voided_by: Mapped[str | None] = mapped_column(String(64))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("due_other >= 0 AND due_other <= amount", name="due_other_in_range"),
        CheckConstraint("(voided_by IS NULL) = (voided_at IS NULL)", name="voided"),
    )
