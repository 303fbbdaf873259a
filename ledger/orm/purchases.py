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
    # How many distinct finance approvals the order needs, fixed when it is requested: its
    # tier (APPROVAL_TIERS), plus one when it took its project's budget over, at most as
    # many as finance has approvers besides the requester.
    approvals_needed: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # By how much (minor units) the order took its project's period use above the budget.
    over_budget: Mapped[int | None] = mapped_column(BigInteger)
    # What its tier and the budget asked, when finance has fewer approvers besides the
    # requester (then `approvals_needed` is all of them); NULL when nothing was cut.
    approvals_asked: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("year", "seq"),
        CheckConstraint("amount_excl_tax > 0", name="amount_positive"),
        CheckConstraint("vat >= 0", name="vat_not_negative"),
        CheckConstraint("amount_incl_tax = amount_excl_tax + vat", name="total"),
        CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'cancelled', 'expired')", name="status"
        ),
        CheckConstraint("approvals_needed >= 1", name="approvals_needed"),
        CheckConstraint("over_budget IS NULL OR over_budget > 0", name="over_budget"),
        CheckConstraint(
            "approvals_asked IS NULL OR approvals_asked > approvals_needed", name="approvals_asked"
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


class Approval(Base):
    """One finance approver's approval of a purchase order. The order is approved at the
    last approval it needs; an approver counts once."""

    __tablename__ = "po_approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"))
    approver: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("purchase_order_id", "approver"),)


class ReplacedOrder(Base):
    """A provider order a purchase order had before finance ordered again (the provider
    cancelled it): kept so the order stays known as this purchase order's, not an orphan."""

    __tablename__ = "replaced_orders"

    order_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    status: Mapped[str | None] = mapped_column(String(20))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_by: Mapped[str] = mapped_column(String(64))
