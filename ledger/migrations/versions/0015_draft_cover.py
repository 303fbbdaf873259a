"""draft cover: the last day an autopilot draft pays in full is kept on the draft
(`autopilot_drafts.covers_through`), since a draft cut by a bound covers fewer days than
the cover asked and the forecast it was cut on is gone the next day

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 09:00:00.000000
"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from ledger.migrations.rebuild import defer_foreign_keys

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

drafts = sa.table(
    "autopilot_drafts",
    sa.column("id", sa.Integer()),
    sa.column("runs_out_on", sa.Date()),
    sa.column("cover_days", sa.Integer()),
    sa.column("bounded_by", sa.String()),
    sa.column("covers_through", sa.Date()),
)


def upgrade() -> None:
    op.add_column("autopilot_drafts", sa.Column("covers_through", sa.Date(), nullable=True))
    # A draft no bound cut covers the whole cover asked. What a cut one covered cannot be
    # told any more: it stays unknown (NULL), and its words name no day.
    bind = op.get_bind()
    whole = bind.execute(
        sa.select(drafts.c.id, drafts.c.runs_out_on, drafts.c.cover_days).where(
            drafts.c.bounded_by.is_(None)
        )
    ).all()
    for draft_id, runs_out_on, cover_days in whole:
        bind.execute(
            drafts.update()
            .where(drafts.c.id == draft_id)
            .values(covers_through=runs_out_on + timedelta(days=cover_days - 1))
        )


def downgrade() -> None:
    defer_foreign_keys()
    with op.batch_alter_table("autopilot_drafts", schema=None) as batch_op:
        batch_op.drop_column("covers_through")
