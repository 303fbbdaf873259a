"""Databases for the tests: a fresh SQLite file per test, and a PostgreSQL database
per run, emptied between tests. Both are built by running the migrations."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ledger import migrate
from ledger.database import Database
from ledger.orm import Base
from ledger.services import Ledger
from tests.databases import migrated_postgres
from tests.support import ADMIN, FakeClock, make_ledger

BACKENDS = os.environ.get("CREDITBOT_TEST_BACKENDS", "sqlite,postgresql").split(",")


@pytest.fixture(autouse=True)
def english_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    """Most tests read the bot in English, in channels and at the terminal; the French ones
    set CREDITBOT_LOCALE or LANG themselves."""
    monkeypatch.setenv("CREDITBOT_LOCALE", "en_GB")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with migrated_postgres("creditbot_test") as url:
        yield url


def reset_database(url: str) -> None:
    """Empty every ledger table, restarting ids, keeping the migrated schema."""
    engine = create_engine(url)
    tables = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{name}"' for name in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                conn.execute(text(f'DELETE FROM "{name}"'))
            conn.execute(text("DELETE FROM sqlite_sequence")) if _has_sequence(conn) else None
    engine.dispose()


def _has_sequence(conn: object) -> bool:
    found = conn.execute(  # type: ignore[attr-defined]
        text("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
    ).first()
    return found is not None


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "ledger.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    reset_database(url)
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ledger(db_url: str, clock: FakeClock) -> Iterator[Ledger]:
    built = make_ledger(db_url, clock)
    yield built
    built.db.dispose()


@pytest.fixture
def project(ledger: Ledger) -> str:
    from ledger.services.projects import add_project

    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    return "prod-eu"
