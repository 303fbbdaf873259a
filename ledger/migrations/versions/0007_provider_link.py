"""provider link: linked projects, mirrored lots, orders placed at the provider

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-27 17:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ledger.orm

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_LOT_SOURCE = (
    "(kind = 'credit' AND purchase_order_id IS NOT NULL AND voucher_id IS NULL)"
    " OR (kind = 'voucher' AND voucher_id IS NOT NULL AND purchase_order_id IS NULL)"
)
OLD_ENTRY_KINDS = "kind IN ('grant', 'debit', 'expiry', 'void')"
PROVIDER_STATE = (
    "provider_state IS NULL OR provider_state IN ('ordering', 'ordered', 'delivered', 'cancelled')"
)


def _defer_foreign_keys() -> None:
    # SQLite rebuilds a table to change a CHECK; rows of other tables point at it meanwhile.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")


def upgrade() -> None:
    _defer_foreign_keys()
    op.create_table(
        "provider_links",
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=100), nullable=False),
        sa.Column("linked_at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.Column("synced_at", ledger.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failed_at", ledger.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failure_kind", sa.String(length=12), nullable=True),
        sa.Column("failure", sa.String(length=300), nullable=True),
        sa.Column("noticed_kind", sa.String(length=12), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_provider_links_project_id_projects"),
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_provider_links")),
        sa.UniqueConstraint("service", name=op.f("uq_provider_links_service")),
    )
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_state", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("provider_order_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("provider_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("provider_excl_tax", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("provider_tax", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("provider_incl_tax", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("provider_error", sa.String(length=300), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_purchase_orders_provider_order_id"), ["provider_order_id"]
        )
        batch_op.create_check_constraint(op.f("ck_purchase_orders_provider_state"), PROVIDER_STATE)
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_key", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("external_used", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("external_available", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("external_gone_at", ledger.orm.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(batch_op.f("uq_lots_external_key"), ["external_key"])
        batch_op.drop_constraint(op.f("ck_lots_source"), type_="check")
        batch_op.create_check_constraint(op.f("ck_lots_source"), ledger.orm.LOT_SOURCE)
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_entries_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_entries_kind"), ledger.orm.ENTRY_KIND_CHECK)


def downgrade() -> None:
    _defer_foreign_keys()
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_entries_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_entries_kind"), OLD_ENTRY_KINDS)
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lots_source"), type_="check")
        batch_op.create_check_constraint(op.f("ck_lots_source"), OLD_LOT_SOURCE)
        batch_op.drop_constraint(batch_op.f("uq_lots_external_key"), type_="unique")
        batch_op.drop_column("external_gone_at")
        batch_op.drop_column("external_available")
        batch_op.drop_column("external_used")
        batch_op.drop_column("external_key")
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_purchase_orders_provider_state"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_purchase_orders_provider_order_id"), type_="unique")
        batch_op.drop_column("provider_error")
        batch_op.drop_column("provider_incl_tax")
        batch_op.drop_column("provider_tax")
        batch_op.drop_column("provider_excl_tax")
        batch_op.drop_column("provider_url")
        batch_op.drop_column("provider_order_id")
        batch_op.drop_column("provider_state")
    op.drop_table("provider_links")
