"""What /metrics counts, read back the way a scrape reads it: from the process's files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, values
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot import metrics
from ledger.errors import InvalidInput
from ledger.orm import Project
from ledger.services import Ledger
from ledger.services.projects import add_project
from ledger.services.purchases import approve_purchase, request_purchase
from tests.support import ADMIN, FINANCE, MEMBER, eur


@pytest.fixture
def scrape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CollectorRegistry]:
    directory = tmp_path / "metrics"  # of its own: the scrape reads every *.db file in it
    directory.mkdir()
    monkeypatch.setenv(metrics.DIRECTORY, str(directory))
    value_class = values.ValueClass
    metrics.record_to(str(directory))
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))  # type: ignore[no-untyped-call]
    yield registry
    values.ValueClass = value_class
    monkeypatch.setattr(metrics, "_figures", None)
    event.remove(Session, "after_flush", metrics._noted)
    event.remove(Session, "after_commit", metrics._committed)
    event.remove(Session, "after_soft_rollback", metrics._forgotten)


def writes(registry: CollectorRegistry, kind: str) -> float:
    return registry.get_sample_value("creditbot_ledger_writes_total", {"kind": kind}) or 0.0


def test_ledger_writes_are_counted_by_kind_once_committed(
    ledger: Ledger, scrape: CollectorRegistry
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    po = request_purchase(ledger, MEMBER, "prod-eu", eur("100"))
    approve_purchase(ledger, FINANCE, po.number)
    assert writes(scrape, "projects") == 1
    assert writes(scrape, "purchase_orders") == 1
    assert writes(scrape, "lots") == 1
    assert writes(scrape, "grant") == 1


def test_rows_of_a_rolled_back_transaction_are_not_counted(
    ledger: Ledger, scrape: CollectorRegistry
) -> None:
    def refused(session: Session) -> None:
        session.add(
            Project(
                id="ghost",
                name="Ghost",
                name_key="ghost",
                currency="EUR",
                vat_rate_bp=2000,
                created_at=ledger.now(),
                created_by="UADMIN",
            )
        )
        session.flush()
        raise InvalidInput("refused after the flush")

    with pytest.raises(InvalidInput):
        ledger.db.run(refused)
    assert writes(scrape, "projects") == 0
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    assert writes(scrape, "projects") == 1
