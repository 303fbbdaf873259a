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
