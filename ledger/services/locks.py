"""The locks that make writers queue instead of interleave.

Within a transaction: a project's row lock (SELECT … FOR UPDATE) for every change to its
lots, and a named advisory lock for anything else. Across a whole run: `run_lock`, so one
replica at a time runs a scheduled job (or delivers the outbox). SQLite's write
transactions already run one at a time (BEGIN IMMEDIATE), so there the transaction locks
cost nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.orm import Project
from ledger.services.context import Ledger, find_project


def lock_project(session: Session, project_ref: str) -> Project:
    """Every change to a project's lots holds this lock, so they queue, never interleave."""
    return find_project(session, project_ref, lock=True)


def lock_name(session: Session, name: str) -> None:
    """Serialise transactions that share `name` until commit. SQLite needs nothing:
    its write transactions already run one at a time."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(name, 0))))


_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


@contextmanager
def run_lock(ledger: Ledger, name: str, *, wait: bool = False) -> Iterator[bool]:
    """Whether this process may run `name` now. On PostgreSQL a session-level advisory lock,
    held for the run, lets one replica at a time through; on SQLite (one process) a local lock.
    With `wait`, it waits for the holder to finish instead of saying no."""
    if ledger.db.dialect == "postgresql":
        with ledger.db.engine.connect() as connection:
            key = connection.execute(select(func.hashtextextended(name, 0))).scalar_one()
            if wait:
                connection.execute(select(func.pg_advisory_lock(key)))
                got = True
            else:
                try_lock = func.pg_try_advisory_lock(key)
                got = bool(connection.execute(select(try_lock)).scalar_one())
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    connection.execute(select(func.pg_advisory_unlock(key)))
                    connection.commit()
        return
    with _local_guard:
        lock = _local_locks.setdefault(name, threading.Lock())
    got = lock.acquire(blocking=wait)
    try:
        yield got
    finally:
        if got:
            lock.release()
