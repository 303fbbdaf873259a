"""purchase announcements: the finance announcement of a new purchase order is a notice,
claimed with the order and delivered, or retried, by the outbox

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 03:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

from ledger.migrations.rebuild import defer_foreign_keys, rebuilt

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_NOTICE_KINDS = "kind IN ('warning', 'forfeit', 'digest', 'unreachable', 'provider')"
# Written out as they stand at this revision: a later revision may widen the ORM's.
NOTICE_KINDS = "kind IN ('warning', 'forfeit', 'digest', 'unreachable', 'provider', 'purchase')"


def upgrade() -> None:
    defer_foreign_keys()
    with rebuilt("notices") as batch_op:
        batch_op.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notices_kind"), NOTICE_KINDS)


def downgrade() -> None:
    defer_foreign_keys()
    # The older schema has no such notices: an announcement still owed is forgotten.
    op.execute("DELETE FROM notices WHERE kind = 'purchase'")
    with rebuilt("notices") as batch_op:
        batch_op.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notices_kind"), OLD_NOTICE_KINDS)
