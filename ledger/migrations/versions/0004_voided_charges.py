"""voided charges

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 05:52:13.659765
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ledger.orm

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_by", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("voided_at", ledger.orm.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_charges_voided"), "(voided_by IS NULL) = (voided_at IS NULL)"
        )


def downgrade() -> None:
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_charges_voided"), type_="check")
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")
        batch_op.drop_column("voided_by")
