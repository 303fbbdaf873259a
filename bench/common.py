"""Fresh benchmark databases and timing helpers."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text

from ledger import migrate
from ledger.database import Database
from ledger.domain import Actor, LedgerConfig, Role
from ledger.orm import Entry, Lot, Project, Voucher
from ledger.services import Ledger
from tests.databases import migrated_postgres

FINANCE = Actor("UFIN", frozenset({Role.FINANCE, Role.ADMIN}))
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            migrate.upgrade(Database(url).engine)
            yield url
        return
    with migrated_postgres("creditbot_bench") as url:
        yield url


def make_ledger(url: str, now: datetime = T0) -> Ledger:
    return Ledger(Database(url), LedgerConfig(timezone=ZoneInfo("Europe/Paris")), lambda: now)


def timed(work: Callable[[], object], repeat: int = 1) -> float:
    """Median seconds of `repeat` runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bulk_voucher_lots(
    db: Database,
    project: str,
    count: int,
    expires: Callable[[int], datetime],
    *,
    start_id: int = 1,
    remaining: int = 1000,
    project_of: Callable[[int], str] | None = None,
) -> None:
    """Insert `count` redeemed voucher lots with their grant entries, fast, through Core."""
    chunk = 20_000
    for offset in range(0, count, chunk):
        ids = range(start_id + offset, start_id + min(offset + chunk, count))
        with db.engine.begin() as conn:
            conn.execute(
                insert(Voucher),
                [
                    {
                        "id": i,
                        "code_hash": f"{i:064d}",
                        "last4": f"{i % 10000:04d}",
                        "currency": "EUR",
                        "amount": remaining,
                        "valid_until": expires(i).date(),
                        "expires_at": expires(i),
                        "project_id": None,
                        "issued_by": "UFIN",
                        "issued_at": T0 - timedelta(days=1),
                        "redeemed_by": "UMEM",
                        "redeemed_at": T0 - timedelta(days=1),
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(Lot),
                [
                    {
                        "id": i,
                        "project_id": project_of(i) if project_of else project,
                        "kind": "voucher",
                        "origin": "voucher",
                        "voucher_last4": f"{i % 10000:04d}",
                        "voucher_id": i,
                        "currency": "EUR",
                        "initial": remaining,
                        "remaining": remaining,
                        "valid_from": T0 - timedelta(days=1),
                        "expires_at": expires(i),
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(Entry),
                [
                    {
                        "project_id": project_of(i) if project_of else project,
                        "lot_id": i,
                        "kind": "grant",
                        "currency": "EUR",
                        "amount": remaining,
                        "debit_account": f"voucher:{i}",
                        "credit_account": f"lot:{i}",
                        "idempotency_key": f"grant:voucher:{i}",
                        "at": T0 - timedelta(days=1),
                        "actor": "UMEM",
                    }
                    for i in ids
                ],
            )
    if db.dialect == "postgresql":
        with db.engine.begin() as conn:
            for table in ("vouchers", "lots", "entries"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
                )
            conn.execute(text("ANALYZE"))


def add_project(db: Database, project_id: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            insert(Project).values(
                id=project_id,
                name=project_id,
                name_key=project_id,
                currency="EUR",
                vat_rate_bp=2000,
                created_at=T0,
                created_by="UADMIN",
            )
        )
