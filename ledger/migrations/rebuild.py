"""Changing a table that other rows point at, on every backend (the revisions share this)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations


def defer_foreign_keys() -> None:
    # SQLite rebuilds a table to change it; rows of other tables point at it meanwhile.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")


@contextmanager
def rebuilt(table: str) -> Iterator[BatchOperations]:
    """Change a table other rows point at. SQLite cannot alter it in place: it builds a new
    table, copies the rows and drops the old one, and dropping a table whose rows are
    pointed at counts as breaking a (deferred) foreign key, which fails the commit. So on
    SQLite the rows are set aside first and put back into the new table, which settles it."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    kept = f"_kept_{table}"
    before = {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}
    if sqlite:
        op.execute(f"CREATE TEMP TABLE {kept} AS SELECT * FROM {table}")  # noqa: S608
        op.execute(f"DELETE FROM {table}")  # noqa: S608
    with op.batch_alter_table(table, schema=None) as batch_op:
        yield batch_op
    if sqlite:
        after = [c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)]
        names = ", ".join(name for name in after if name in before)
        op.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {kept} ORDER BY rowid")  # noqa: S608 - the names are the table's own
        op.execute(f"DROP TABLE {kept}")
