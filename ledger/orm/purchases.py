"""Purchase orders: their yearly numbering, the orders, and the provider orders an order replaced."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.orm.base import Base, UTCDateTime


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


class ReplacedOrder(Base):
    """A provider order a purchase order had before finance ordered again (the provider
    cancelled it): kept so the order stays known as this purchase order's, not an orphan."""

    __tablename__ = "replaced_orders"

    order_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    status: Mapped[str | None] = mapped_column(String(20))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_by: Mapped[str] = mapped_column(String(64))
