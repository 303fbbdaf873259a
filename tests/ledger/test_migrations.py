import pytest

from ledger import migrate
from ledger.database import Database


def test_the_migrations_build_exactly_the_models(db_url: str) -> None:
    db = Database(db_url)
    assert migrate.is_current(db.engine)
    assert migrate.pending_differences(db.engine) == []
    db.dispose()


def test_the_migrations_go_down_and_up_again(db_url: str) -> None:
    db = Database(db_url)
    migrate.downgrade(db.engine, "base")
    assert not migrate.is_current(db.engine)
    migrate.upgrade(db.engine)
    assert migrate.pending_differences(db.engine) == []
    db.dispose()


def test_a_replica_migrating_waits_for_the_one_already_migrating(db_url: str) -> None:
    import os
    import subprocess
    import sys

    from sqlalchemy import func, select

    db = Database(db_url)
    migrate.downgrade(db.engine, "base")
    lock = select(func.pg_advisory_lock(func.hashtextextended("creditbot:migrate", 0)))
    unlock = select(func.pg_advisory_unlock(func.hashtextextended("creditbot:migrate", 0)))
    # Stand in for a replica that is migrating: hold what a migration takes first.
    with db.engine.execution_options(sqlite_begin="IMMEDIATE").connect() as holder:
        holder.execute(lock if db.dialect == "postgresql" else select(1))
        replica = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "db", "upgrade"],
            env={**os.environ, "DATABASE_URL": db_url},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        with pytest.raises(subprocess.TimeoutExpired):
            replica.wait(timeout=3)
        if db.dialect == "postgresql":
            holder.execute(unlock)
        holder.rollback()
    output, _ = replica.communicate(timeout=120)
    assert replica.returncode == 0, output
    assert migrate.is_current(db.engine) and migrate.pending_differences(db.engine) == []
    db.dispose()


def test_the_quick_head_check_agrees_with_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    assert migrate.heads() == frozenset(ScriptDirectory.from_config(config).get_heads())
