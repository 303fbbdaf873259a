"""Tables of the ledger (SQLAlchemy 2 typed ORM). Amounts are integer minor units.

The journal (`entries`) is append-only: each row moves a positive amount from
one account to another, so it balances by construction. `lots.remaining` is a
materialised running balance that `verify` re-derives from the journal.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, composite, mapped_column

from ledger.facts import EntryCause, LotOrigin, LotSource

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("vat_rate_bp BETWEEN 0 AND 10000", name="vat_rate"),)


class ProjectChannel(Base):
    __tablename__ = "project_channels"

    channel_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by: Mapped[str] = mapped_column(String(64))


class PurchaseOrderCounter(Base):
    __tablename__ = "po_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class PurchaseOrder(Base):
    __tablename__ = "purchase_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    amount_excl_tax: Mapped[int] = mapped_column(BigInteger)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    vat: Mapped[int] = mapped_column(BigInteger)
    amount_incl_tax: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    # Where the order was announced for approval, opaque to the ledger (e.g. "C123:1712345.0001").
    announcement: Mapped[str | None] = mapped_column(String(100))
    # For a project linked to its provider: the order placed there on approval. `ordering` is
    # committed before the call, so a crash in between is found and resumed, never repeated.
    provider_state: Mapped[str | None] = mapped_column(String(10))
    provider_order_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    provider_url: Mapped[str | None] = mapped_column(Text)
    provider_excl_tax: Mapped[int | None] = mapped_column(BigInteger)
    provider_tax: Mapped[int | None] = mapped_column(BigInteger)
    provider_incl_tax: Mapped[int | None] = mapped_column(BigInteger)
    provider_error: Mapped[str | None] = mapped_column(String(300))
    # How the provider order was paid by the bot: `paymentMethod:ID TYPE` or `MEAN:ID`.
    provider_paid_with: Mapped[str | None] = mapped_column(String(80))
    # OVHcloud's own status of the order as last read, and since when the order exists.
    provider_status: Mapped[str | None] = mapped_column(String(20))
    provider_ordered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Finance closed an order OVHcloud will not deliver: who, when, why.
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("year", "seq"),
        CheckConstraint("amount_excl_tax > 0", name="amount_positive"),
        CheckConstraint("vat >= 0", name="vat_not_negative"),
        CheckConstraint("amount_incl_tax = amount_excl_tax + vat", name="total"),
        CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'cancelled')", name="status"
        ),
        CheckConstraint(
            "(status = 'pending') = (decided_by IS NULL AND decided_at IS NULL)", name="decided"
        ),
        CheckConstraint(
            "provider_state IS NULL OR provider_state IN"
            " ('ordering', 'ordered', 'delivered', 'cancelled', 'closed')",
            name="provider_state",
        ),
    )


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


class RedemptionFailure(Base):
    __tablename__ = "redemption_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_redemption_failures_user_at", "user_id", "at"),)


# `provider`: news of OVHcloud for finance, posted by the OVHcloud run itself.
NOTICE_KIND_CHECK = (
    "kind IN ('warning', 'forfeit', 'digest', 'unreachable', 'provider', 'purchase')"
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


class ReplacedOrder(Base):
    """A provider order a purchase order had before finance ordered again (the provider
    cancelled it): kept so the order stays known as this purchase order's, not an orphan."""

    __tablename__ = "replaced_orders"

    order_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    status: Mapped[str | None] = mapped_column(String(20))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_by: Mapped[str] = mapped_column(String(64))
