"""Ledger benchmarks (charges, balance reads, expiry), each against a floor measured in the same run."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import insert, select, text, update

from bench.common import (
    FINANCE,
    T0,
    add_project,
    bulk_voucher_lots,
    fresh_database,
    make_ledger,
    timed,
)
from ledger.money import Money
from ledger.orm import Charge, Entry, Lot
from ledger.services import Ledger
from ledger.services.billing import charge
from ledger.services.expiry import expire_due
from ledger.services.reading import balance


def charges_per_second(kind: str, count: int = 400) -> dict[str, float]:
    with fresh_database(kind) as url:
        ledger = make_ledger(url)
        add_project(ledger.db, "p")
        bulk_voucher_lots(
            ledger.db, "p", 20, lambda i: T0 + timedelta(days=300 + i), remaining=10_000_000
        )

        def service() -> None:
            for i in range(count):
                charge(ledger, FINANCE, "p", Money(123, "EUR"), f"svc-{i}")

        def floor() -> None:
            # The same rows, written by bare Core statements: one charge, one debit, one lot update.
            for i in range(count):
                with ledger.db.write() as session:
                    conn = session.connection()
                    charge_id = conn.execute(
                        insert(Charge)
                        .values(
                            key=f"raw-{i}",
                            project_id="p",
                            currency="EUR",
                            amount=123,
                            due_other=0,
                            charged_by="UFIN",
                            at=T0,
                        )
                        .returning(Charge.id)
                    ).scalar_one()
                    conn.execute(
                        insert(Entry).values(
                            project_id="p",
                            lot_id=20,
                            kind="debit",
                            currency="EUR",
                            amount=123,
                            debit_account="lot:20",
                            credit_account="spend:p",
                            charge_id=charge_id,
                            idempotency_key=f"raw:{i}",
                            at=T0,
                            actor="UFIN",
                        )
                    )
                    conn.execute(
                        update(Lot).where(Lot.id == 20).values(remaining=Lot.remaining - 123)
                    )

        floor_s = timed(floor)
        service_s = timed(service)
        ledger.db.dispose()
    return {
        "service_per_s": count / service_s,
        "floor_per_s": count / floor_s,
        "ratio": floor_s / service_s,
    }


def balance_vs_history(kind: str, big: int = 1_000_000, small: int = 1_000) -> dict[str, float]:
    results = {}
    for entries in (small, big):
        with fresh_database(kind) as url:
            ledger = make_ledger(url)
            add_project(ledger.db, "p")
            add_project(ledger.db, "other")
            # 200 live lots for the project read, and the rest of the journal as history.
            bulk_voucher_lots(ledger.db, "p", 200, lambda i: T0 + timedelta(days=30 + i))
            bulk_voucher_lots(
                ledger.db, "other", entries - 200, lambda i: T0 - timedelta(hours=1), start_id=201
            )
            with ledger.db.engine.begin() as conn:
                conn.execute(text("UPDATE lots SET remaining = 0 WHERE project_id = 'other'"))
            balance(ledger, "p")
            results[entries] = timed(lambda ledger=ledger: balance(ledger, "p"), repeat=300)  # type: ignore[misc]
            with ledger.db.read() as session:
                assert session.scalar(select(text("count(*)")).select_from(Entry)) == entries
            ledger.db.dispose()
    return {
        "small_ms": results[small] * 1000,
        "big_ms": results[big] * 1000,
        "ratio": results[big] / results[small],
    }


def expire_over_lots(kind: str, lots: int = 1_000_000, due: int = 10_000) -> dict[str, float]:
    """`expire` against (a) the bare indexed query that finds the due lots and (b) the floor of
    the same writes done by bare Core statements, each on its own copy of the data."""
    now = T0 + timedelta(days=1)
    step = lots // due
    figures = {}
    for variant in ("floor", "service"):
        with fresh_database(kind) as url:
            ledger = make_ledger(url, now=now)
            add_project(ledger.db, "p")
            bulk_voucher_lots(
                ledger.db,
                "p",
                lots,
                lambda i: T0 + (timedelta(hours=1) if i % step == 0 else timedelta(days=400)),
            )

            def bare_query(ledger: Ledger = ledger) -> None:
                with ledger.db.read() as session:
                    found = session.scalars(
                        select(Lot.id).where(Lot.expires_at <= now, Lot.remaining > 0)
                    ).all()
                    assert len(found) == due

            def floor(ledger: Ledger = ledger) -> None:
                with ledger.db.write() as session:
                    conn = session.connection()
                    rows = conn.execute(
                        select(Lot.id, Lot.remaining, Lot.expires_at).where(
                            Lot.expires_at <= now, Lot.remaining > 0
                        )
                    ).all()
                    conn.execute(
                        insert(Entry),
                        [
                            {
                                "project_id": "p",
                                "lot_id": i,
                                "kind": "expiry",
                                "currency": "EUR",
                                "amount": left,
                                "debit_account": f"lot:{i}",
                                "credit_account": "forfeit:p",
                                "idempotency_key": f"expiry:{i}",
                                "at": at,
                                "actor": "creditbot",
                            }
                            for i, left, at in rows
                        ],
                    )
                    conn.execute(
                        update(Lot)
                        .where(Lot.expires_at <= now, Lot.remaining > 0)
                        .values(remaining=0)
                    )

            if variant == "floor":
                figures["bare_query_s"] = timed(bare_query, repeat=3)
                figures["core_floor_s"] = timed(floor)
            else:
                start = time.perf_counter()
                expired = expire_due(ledger)
                figures["expire_s"] = time.perf_counter() - start
                assert len(expired) == due
            ledger.db.dispose()
    figures["ratio_to_floor"] = figures["expire_s"] / figures["core_floor_s"]
    figures["ratio_to_query"] = figures["expire_s"] / figures["bare_query_s"]
    return figures
