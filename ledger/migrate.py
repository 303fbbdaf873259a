"""Schema migrations, run programmatically (`creditbot db upgrade`, the test suite).

Alembic is imported by the functions that migrate. Checking that a database is current
(every operator command does) reads the revision ids from the migration files and the
`alembic_version` table directly, which costs a few milliseconds instead of Alembic's
import and script loading.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, inspect, select, text

from ledger.orm import Base

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply pending migrations. Replicas starting together on PostgreSQL take turns (an
    advisory lock held by the migrating transaction); the later ones find nothing to do."""
    from alembic import command

    config = _config(engine)
    # On SQLite, BEGIN IMMEDIATE: a second process waits for the first instead of reading
    # a version that is about to change.
    with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                select(func.pg_advisory_xact_lock(func.hashtextextended("creditbot:migrate", 0)))
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def revision(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and `engine`'s schema."""
    from alembic import command

    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


def pending_differences(engine: Engine) -> list[object]:
    """What autogenerate would still write: empty when the models and migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _assigned(tree: ast.Module, name: str) -> object:
    """The literal a migration file assigns to `name` at module level, if any."""
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            return ast.literal_eval(value)
    return None


@cache
def heads() -> frozenset[str]:
    """The newest revisions: those no migration file names as its `down_revision`."""
    revisions: set[str] = set()
    replaced: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        revision = _assigned(tree, "revision")
        if not isinstance(revision, str):
            continue
        revisions.add(revision)
        down = _assigned(tree, "down_revision")
        if isinstance(down, str):
            replaced.add(down)
        elif isinstance(down, tuple | list):
            replaced.update(str(parent) for parent in down)
    return frozenset(revisions - replaced)


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        return set(connection.scalars(text("SELECT version_num FROM alembic_version")))


def is_current(engine: Engine) -> bool:
    """Whether the database is at the newest migration."""
    return current_revisions(engine) == set(heads())
