"""provider order states: OVHcloud's status on the purchase order, closing and ordering
again, replaced orders, OVHcloud notices, and the removal of a credit the provider no longer lists

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-06 02:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ledger.orm
from ledger.migrations.rebuild import defer_foreign_keys, rebuilt

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ENTRY_KINDS = "kind IN ('grant', 'debit', 'expiry', 'void', 'refund')"
OLD_NOTICE_KINDS = "kind IN ('warning', 'forfeit', 'digest', 'unreachable')"
# Written out as they stand at this revision: a later revision may widen the ORM's.
ENTRY_KINDS = "kind IN ('grant', 'debit', 'expiry', 'void', 'refund', 'removal')"
NOTICE_KINDS = "kind IN ('warning', 'forfeit', 'digest', 'unreachable', 'provider')"
OLD_PROVIDER_STATE = (
    "provider_state IS NULL OR provider_state IN ('ordering', 'ordered', 'delivered', 'cancelled')"
)
PROVIDER_STATE = (
    "provider_state IS NULL OR provider_state IN"
    " ('ordering', 'ordered', 'delivered', 'cancelled', 'closed')"
)


def upgrade() -> None:
    defer_foreign_keys()
    with rebuilt("purchase_orders") as batch_op:
        batch_op.add_column(sa.Column("provider_status", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("provider_ordered_at", ledger.orm.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("provider_checked_at", ledger.orm.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("closed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("closed_at", ledger.orm.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("close_reason", sa.Text(), nullable=True))
        batch_op.drop_constraint(op.f("ck_purchase_orders_provider_state"), type_="check")
        batch_op.create_check_constraint(op.f("ck_purchase_orders_provider_state"), PROVIDER_STATE)
    with rebuilt("entries") as batch_op:
        batch_op.drop_constraint(op.f("ck_entries_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_entries_kind"), ENTRY_KINDS)
    with rebuilt("notices") as batch_op:
        batch_op.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notices_kind"), NOTICE_KINDS)
    op.create_table(
        "replaced_orders",
        sa.Column("order_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("purchase_order_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("replaced_at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_replaced_orders_purchase_order_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_replaced_orders")),
    )
    op.create_index(
        op.f("ix_replaced_orders_purchase_order_id"),
        "replaced_orders",
        ["purchase_order_id"],
        unique=False,
    )


def downgrade() -> None:
    defer_foreign_keys()
    op.drop_index(op.f("ix_replaced_orders_purchase_order_id"), table_name="replaced_orders")
    op.drop_table("replaced_orders")
    with rebuilt("notices") as batch_op:
        batch_op.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notices_kind"), OLD_NOTICE_KINDS)
    with rebuilt("entries") as batch_op:
        batch_op.drop_constraint(op.f("ck_entries_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_entries_kind"), OLD_ENTRY_KINDS)
    with rebuilt("purchase_orders") as batch_op:
        batch_op.drop_constraint(op.f("ck_purchase_orders_provider_state"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_purchase_orders_provider_state"), OLD_PROVIDER_STATE
        )
        batch_op.drop_column("close_reason")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("closed_by")
        batch_op.drop_column("provider_checked_at")
        batch_op.drop_column("provider_ordered_at")
        batch_op.drop_column("provider_status")
