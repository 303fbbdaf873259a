"""journal, lots, purchase orders, vouchers, charges

Revision ID: 0001
Revises:
Create Date: 2026-11-26 05:09:49.291985
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ledger.orm

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "po_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_po_counters")),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("created_at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("vat_rate_bp BETWEEN 0 AND 10000", name=op.f("ck_projects_vat_rate")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("name_key", name=op.f("uq_projects_name_key")),
    )
    op.create_table(
        "redemption_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redemption_failures")),
    )
    with op.batch_alter_table("redemption_failures", schema=None) as batch_op:
        batch_op.create_index("ix_redemption_failures_user_at", ["user_id", "at"], unique=False)

    op.create_table(
        "charges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("due_other", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("charged_by", sa.String(length=64), nullable=False),
        sa.Column("at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_charges_amount_positive")),
        sa.CheckConstraint(
            "due_other >= 0 AND due_other <= amount", name=op.f("ck_charges_due_other_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_charges_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charges")),
        sa.UniqueConstraint("key", name=op.f("uq_charges_key")),
    )
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_charges_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_channels",
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("linked_at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_project_channels_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_project_channels")),
    )
    with op.batch_alter_table("project_channels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_channels_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "purchase_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_excl_tax", sa.BigInteger(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("vat", sa.BigInteger(), nullable=False),
        sa.Column("amount_incl_tax", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", ledger.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(status = 'pending') = (decided_by IS NULL AND decided_at IS NULL)",
            name=op.f("ck_purchase_orders_decided"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'cancelled')",
            name=op.f("ck_purchase_orders_status"),
        ),
        sa.CheckConstraint("amount_excl_tax > 0", name=op.f("ck_purchase_orders_amount_positive")),
        sa.CheckConstraint(
            "amount_incl_tax = amount_excl_tax + vat", name=op.f("ck_purchase_orders_total")
        ),
        sa.CheckConstraint("vat >= 0", name=op.f("ck_purchase_orders_vat_not_negative")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_purchase_orders_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_purchase_orders_number")),
        sa.UniqueConstraint("year", "seq", name=op.f("uq_purchase_orders_year")),
    )
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_orders_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_purchase_orders_status"), ["status"], unique=False)

    op.create_table(
        "vouchers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("last4", sa.String(length=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("expires_at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=True),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("issued_at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("redeemed_by", sa.String(length=64), nullable=True),
        sa.Column("redeemed_at", ledger.orm.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(redeemed_by IS NULL) = (redeemed_at IS NULL)", name=op.f("ck_vouchers_redeemed")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_vouchers_amount_positive")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_vouchers_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vouchers")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_vouchers_code_hash")),
    )
    op.create_table(
        "lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("purchase_order_id", sa.Integer(), nullable=True),
        sa.Column("voucher_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("initial", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'credit' AND purchase_order_id IS NOT NULL AND voucher_id IS NULL) OR (kind = 'voucher' AND voucher_id IS NOT NULL AND purchase_order_id IS NULL)",
            name=op.f("ck_lots_source"),
        ),
        sa.CheckConstraint("kind IN ('voucher', 'credit')", name=op.f("ck_lots_kind")),
        sa.CheckConstraint("expires_at > valid_from", name=op.f("ck_lots_validity")),
        sa.CheckConstraint("initial > 0", name=op.f("ck_lots_initial_positive")),
        sa.CheckConstraint(
            "remaining >= 0 AND remaining <= initial", name=op.f("ck_lots_remaining_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_lots_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_lots_purchase_order_id_purchase_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"], ["vouchers.id"], name=op.f("fk_lots_voucher_id_vouchers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lots")),
        sa.UniqueConstraint("purchase_order_id", name=op.f("uq_lots_purchase_order_id")),
        sa.UniqueConstraint("voucher_id", name=op.f("uq_lots_voucher_id")),
    )
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lots_due",
            ["expires_at"],
            unique=False,
            postgresql_where=sa.text("remaining > 0"),
            sqlite_where=sa.text("remaining > 0"),
        )
        batch_op.create_index(
            "ix_lots_spending", ["project_id", "kind", "expires_at", "id"], unique=False
        )

    op.create_table(
        "entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("debit_account", sa.String(length=80), nullable=False),
        sa.Column("credit_account", sa.String(length=80), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=True),
        sa.Column("voids_entry_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('grant', 'debit', 'expiry', 'void')", name=op.f("ck_entries_kind")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_entries_amount_positive")),
        sa.CheckConstraint("debit_account <> credit_account", name=op.f("ck_entries_two_accounts")),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["charges.id"], name=op.f("fk_entries_charge_id_charges")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_entries_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_entries_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["voids_entry_id"], ["entries.id"], name=op.f("fk_entries_voids_entry_id_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entries")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_entries_idempotency_key")),
        sa.UniqueConstraint("voids_entry_id", name=op.f("uq_entries_voids_entry_id")),
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entries_charge_id"), ["charge_id"], unique=False)
        batch_op.create_index("ix_entries_history", ["project_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entries_lot_id"), ["lot_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entries_lot_id"))
        batch_op.drop_index("ix_entries_history")
        batch_op.drop_index(batch_op.f("ix_entries_charge_id"))

    op.drop_table("entries")
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.drop_index("ix_lots_spending")
        batch_op.drop_index(
            "ix_lots_due",
            postgresql_where=sa.text("remaining > 0"),
            sqlite_where=sa.text("remaining > 0"),
        )

    op.drop_table("lots")
    op.drop_table("vouchers")
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_orders_status"))
        batch_op.drop_index(batch_op.f("ix_purchase_orders_project_id"))

    op.drop_table("purchase_orders")
    with op.batch_alter_table("project_channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_channels_project_id"))

    op.drop_table("project_channels")
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_charges_project_id"))

    op.drop_table("charges")
    with op.batch_alter_table("redemption_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_redemption_failures_user_at")

    op.drop_table("redemption_failures")
    op.drop_table("projects")
    op.drop_table("po_counters")
