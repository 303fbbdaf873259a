"""requests, and voucher hashes keyed by the server secret

Revision ID: 0005
Revises: 0008
Create Date: 2026-11-27 17:10:00.000000

Existing hashes are unsalted SHA-256 and cannot be re-keyed without the code: the
unredeemed ones move to `legacy_hash` (still checked until redeemed or expired), the
redeemed ones are dropped.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ledger.orm

revision: str = "0005"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("result", sa.String(length=100), nullable=False),
        sa.Column("at", ledger.orm.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_requests")),
    )
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legacy_hash", sa.String(length=64), nullable=True))
        batch_op.alter_column("code_hash", existing_type=sa.String(length=64), nullable=True)
    op.execute(
        "UPDATE vouchers SET legacy_hash = CASE WHEN redeemed_at IS NULL THEN code_hash END,"
        " code_hash = NULL"
    )
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.create_unique_constraint(op.f("uq_vouchers_legacy_hash"), ["legacy_hash"])
        batch_op.create_check_constraint(
            op.f("ck_vouchers_one_hash"), "code_hash IS NULL OR legacy_hash IS NULL"
        )
        batch_op.create_index(
            "ix_vouchers_legacy",
            ["expires_at"],
            unique=False,
            postgresql_where=sa.text("legacy_hash IS NOT NULL"),
            sqlite_where=sa.text("legacy_hash IS NOT NULL"),
        )


def downgrade() -> None:
    # Keyed hashes mean nothing to the older code: such vouchers keep a placeholder.
    op.execute(
        "UPDATE vouchers SET code_hash = COALESCE(legacy_hash, 'keyed:' || CAST(id AS VARCHAR(20)))"
    )
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_index("ix_vouchers_legacy")
        batch_op.drop_constraint(op.f("ck_vouchers_one_hash"), type_="check")
        batch_op.drop_constraint(op.f("uq_vouchers_legacy_hash"), type_="unique")
        batch_op.alter_column("code_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("legacy_hash")
    op.drop_table("requests")
