"""provider paid with: which payment method or mean paid a purchase order's provider order

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-06 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ledger.migrations.rebuild import defer_foreign_keys, rebuilt

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("purchase_orders") as batch_op:
        batch_op.add_column(sa.Column("provider_paid_with", sa.String(length=80), nullable=True))


def downgrade() -> None:
    defer_foreign_keys()
    with rebuilt("purchase_orders") as batch_op:
        batch_op.drop_column("provider_paid_with")
