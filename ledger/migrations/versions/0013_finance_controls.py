"""finance controls and autopilot: approvals by several approvers, purchase budgets, orders
that expire, settlements of what was due by other means, and the autopilot's settings and
drafts

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ledger.migrations.rebuild import defer_foreign_keys, rebuilt
from ledger.orm import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out as they stand at this revision: a later revision may widen the ORM's.
OLD_STATUSES = "status IN ('pending', 'approved', 'rejected', 'cancelled')"
STATUSES = "status IN ('pending', 'approved', 'rejected', 'cancelled', 'expired')"
OLD_NOTICE_KINDS = "kind IN ('warning', 'forfeit', 'digest', 'unreachable', 'provider', 'purchase')"
NOTICE_KINDS = (
    "kind IN ('warning', 'forfeit', 'digest', 'unreachable', 'provider', 'purchase',"
    " 'reminder', 'po_expired', 'budget', 'autopilot', 'settlement')"
)


def upgrade() -> None:
    defer_foreign_keys()
    with rebuilt("purchase_orders") as batch_op:
        batch_op.add_column(
            sa.Column("approvals_needed", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("over_budget", sa.BigInteger(), nullable=True))
        batch_op.drop_constraint(op.f("ck_purchase_orders_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_purchase_orders_status"), STATUSES)
        batch_op.create_check_constraint(
            op.f("ck_purchase_orders_approvals_needed"), "approvals_needed >= 1"
        )
        batch_op.create_check_constraint(
            op.f("ck_purchase_orders_over_budget"), "over_budget IS NULL OR over_budget > 0"
        )
    with rebuilt("notices") as batch_op:
        batch_op.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notices_kind"), NOTICE_KINDS)
    op.create_table(
        "po_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purchase_order_id", sa.Integer(), nullable=False),
        sa.Column("approver", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_po_approvals_purchase_order_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_po_approvals")),
        sa.UniqueConstraint(
            "purchase_order_id", "approver", name=op.f("uq_po_approvals_purchase_order_id")
        ),
    )
    # An order approved before approvals were counted had one: its decider's.
    op.execute(
        "INSERT INTO po_approvals (purchase_order_id, approver, at)"
        " SELECT id, decided_by, decided_at FROM purchase_orders WHERE status = 'approved'"
    )
    op.create_table(
        "budgets",
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "period IN ('monthly', 'quarterly', 'yearly')", name=op.f("ck_budgets_period")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_budgets_amount_positive")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_budgets_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_budgets")),
    )
    op.create_table(
        "settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("voids_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_settlements_amount_positive")),
        sa.CheckConstraint(
            "voids_id IS NULL OR reason IS NOT NULL", name=op.f("ck_settlements_void_reason")
        ),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["charges.id"], name=op.f("fk_settlements_charge_id_charges")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_settlements_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["voids_id"], ["settlements.id"], name=op.f("fk_settlements_voids_id_settlements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlements")),
        sa.UniqueConstraint("key", name=op.f("uq_settlements_key")),
        sa.UniqueConstraint("voids_id", name=op.f("uq_settlements_voids_id")),
    )
    op.create_index(op.f("ix_settlements_charge_id"), "settlements", ["charge_id"])
    op.create_table(
        "autopilot_settings",
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("cover_days", sa.Integer(), nullable=False),
        sa.Column("monthly_cap", sa.BigInteger(), nullable=True),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "cover_days BETWEEN 1 AND 400", name=op.f("ck_autopilot_settings_cover_days")
        ),
        sa.CheckConstraint(
            "monthly_cap IS NULL OR monthly_cap > 0", name=op.f("ck_autopilot_settings_monthly_cap")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_autopilot_settings_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_autopilot_settings")),
    )
    op.create_table(
        "autopilot_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("purchase_order_id", sa.Integer(), nullable=False),
        sa.Column("runs_out_on", sa.Date(), nullable=False),
        sa.Column("cover_days", sa.Integer(), nullable=False),
        sa.Column("bounded_by", sa.String(length=8), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "bounded_by IS NULL OR bounded_by IN ('useful', 'maximum', 'cap')",
            name=op.f("ck_autopilot_drafts_bounded_by"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_autopilot_drafts_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_autopilot_drafts_purchase_order_id_purchase_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_autopilot_drafts")),
        sa.UniqueConstraint("project_id", "day", name=op.f("uq_autopilot_drafts_project_id")),
        sa.UniqueConstraint(
            "purchase_order_id", name=op.f("uq_autopilot_drafts_purchase_order_id")
        ),
    )


def downgrade() -> None:
    defer_foreign_keys()
    op.drop_table("autopilot_drafts")
    op.drop_table("autopilot_settings")
    op.drop_index(op.f("ix_settlements_charge_id"), table_name="settlements")
    op.drop_table("settlements")
    op.drop_table("budgets")
    op.drop_table("po_approvals")
    # The older schema has neither these notices nor expired orders: an expired order reads
    # as cancelled there, by whoever expired it.
    op.execute(
        "DELETE FROM notices WHERE kind IN"
        " ('reminder', 'po_expired', 'budget', 'autopilot', 'settlement')"
    )
    op.execute("UPDATE purchase_orders SET status = 'cancelled' WHERE status = 'expired'")
    with rebuilt("notices") as batch_op:
        batch_op.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notices_kind"), OLD_NOTICE_KINDS)
    with rebuilt("purchase_orders") as batch_op:
        batch_op.drop_constraint(op.f("ck_purchase_orders_over_budget"), type_="check")
        batch_op.drop_constraint(op.f("ck_purchase_orders_approvals_needed"), type_="check")
        batch_op.drop_constraint(op.f("ck_purchase_orders_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_purchase_orders_status"), OLD_STATUSES)
        batch_op.drop_column("over_budget")
        batch_op.drop_column("approvals_needed")
