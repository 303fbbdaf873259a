"""decision news: a purchase order decided at the terminal is owed to Slack through the
outbox (finance's message redrawn, the requester and the project's channels told); and
the approvals an order's tier and budget asked, when finance has fewer approvers

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ledger.migrations.rebuild import defer_foreign_keys, rebuilt

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out as they stand at this revision: a later revision may widen the ORM's.
OLD_NOTICE_KINDS = (
    "kind IN ('warning', 'forfeit', 'digest', 'unreachable', 'provider', 'purchase',"
    " 'reminder', 'po_expired', 'budget', 'autopilot', 'settlement')"
)
NOTICE_KINDS = (
    "kind IN ('warning', 'forfeit', 'digest', 'unreachable', 'provider', 'purchase',"
    " 'reminder', 'po_expired', 'budget', 'autopilot', 'settlement', 'decision')"
)


def upgrade() -> None:
    defer_foreign_keys()
    with rebuilt("notices") as batch_op:
        batch_op.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notices_kind"), NOTICE_KINDS)
    with rebuilt("purchase_orders") as batch_op:
        batch_op.add_column(sa.Column("approvals_asked", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_purchase_orders_approvals_asked"),
            "approvals_asked IS NULL OR approvals_asked > approvals_needed",
        )


def downgrade() -> None:
    defer_foreign_keys()
    with rebuilt("purchase_orders") as batch_op:
        batch_op.drop_constraint(op.f("ck_purchase_orders_approvals_asked"), type_="check")
        batch_op.drop_column("approvals_asked")
    # The older schema has no decision news: what was still owed is not posted there.
    op.execute("DELETE FROM notices WHERE kind = 'decision'")
    with rebuilt("notices") as batch_op:
        batch_op.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notices_kind"), OLD_NOTICE_KINDS)
