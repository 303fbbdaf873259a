"""Real threads against real databases: approvers clicking at the same instant, and double
clicks, on one bot or on two replicas (PostgreSQL), record one approval each and approve an
order once, with one lot."""

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from ledger.domain import Actor, POStatus, PurchaseOrderView, Role
from ledger.errors import AlreadyApproved, AlreadyDecided, LedgerError
from ledger.orm import Approval, Lot
from ledger.services import Ledger
from ledger.services.audit import verify
from ledger.services.projects import add_project
from ledger.services.purchases import approve_purchase, get_purchase_order, request_purchase
from ledger.services.reading import balance
from tests.ledger.test_concurrency import race
from tests.support import ADMIN, MEMBER, FakeClock, eur, make_ledger


@pytest.fixture
def tiered(db_url: str, clock: FakeClock) -> Iterator[Ledger]:
    built = make_ledger(db_url, clock, approval_tiers=((5000, 2), (50000, 3)))
    add_project(built, ADMIN, "prod-eu", "Prod EU")
    yield built
    built.db.dispose()


def _finance(name: str) -> Actor:
    return Actor(name, frozenset({Role.MEMBER, Role.FINANCE}))


def _lots(ledger: Ledger) -> int:
    with ledger.db.read() as session:
        return len(session.scalars(select(Lot.id)).all())


def _approved(outcomes: list[PurchaseOrderView | LedgerError]) -> list[PurchaseOrderView]:
    return [
        o for o in outcomes if isinstance(o, PurchaseOrderView) and o.status is POStatus.APPROVED
    ]


@pytest.mark.parametrize(
    ("amount", "clickers"),
    [
        ("6000", ["UFIN1", "UFIN1", "UFIN1", "UFIN2", "UFIN2", "UFIN2"]),
        ("60000", ["UFIN1", "UFIN1", "UFIN2", "UFIN2", "UFIN3", "UFIN3"]),
    ],
    ids=["two-of-two", "three-of-three"],
)
def test_every_approver_clicking_twice_at_once_approves_the_order_once_with_one_lot(
    tiered: Ledger, amount: str, clickers: list[str]
) -> None:
    po = request_purchase(tiered, MEMBER, "prod-eu", eur(amount))
    outcomes = race(6, lambda i: approve_purchase(tiered, _finance(clickers[i]), po.number))
    assert len(_approved(outcomes)) == 1
    refused = [o for o in outcomes if isinstance(o, LedgerError)]
    assert all(isinstance(o, AlreadyApproved | AlreadyDecided) for o in refused)
    assert sum(isinstance(o, PurchaseOrderView) for o in outcomes) == len(set(clickers))
    done = get_purchase_order(tiered, po.number)
    assert done.status is POStatus.APPROVED
    assert sorted(a.by for a in done.approvals) == sorted(set(clickers))
    assert _lots(tiered) == 1 and balance(tiered, "prod-eu").credit == eur(amount)
    assert verify(tiered) == []


@pytest.mark.parametrize(("amount", "needed"), [("6000", 2), ("60000", 3)])
def test_six_different_approvers_at_once_count_only_the_approvals_needed(
    tiered: Ledger, amount: str, needed: int
) -> None:
    po = request_purchase(tiered, MEMBER, "prod-eu", eur(amount))
    outcomes = race(6, lambda i: approve_purchase(tiered, _finance(f"UFIN{i}"), po.number))
    assert len(_approved(outcomes)) == 1
    assert sum(isinstance(o, AlreadyDecided) for o in outcomes) == 6 - needed
    done = get_purchase_order(tiered, po.number)
    assert len(done.approvals) == needed and done.decided_by == done.approvals[-1].by
    assert _lots(tiered) == 1
    assert verify(tiered) == []


@pytest.mark.parametrize("amount", ["6000", "60000"])
def test_one_approver_clicking_six_times_at_once_counts_once(tiered: Ledger, amount: str) -> None:
    po = request_purchase(tiered, MEMBER, "prod-eu", eur(amount))
    outcomes = race(6, lambda _: approve_purchase(tiered, _finance("UFIN1"), po.number))
    assert sum(isinstance(o, PurchaseOrderView) for o in outcomes) == 1
    assert sum(isinstance(o, AlreadyApproved) for o in outcomes) == 5
    left = get_purchase_order(tiered, po.number)
    assert left.status is POStatus.PENDING and [a.by for a in left.approvals] == ["UFIN1"]
    assert _lots(tiered) == 0


def test_two_replicas_approving_at_once_with_a_third_approver_and_double_clicks_approve_once(
    db_url: str, tiered: Ledger, clock: FakeClock
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite is for a single bot process; several replicas need PostgreSQL")
    # Two replicas: each its own engine and pool on the same database, as two bots would be.
    replicas = [make_ledger(db_url, clock, approval_tiers=((5000, 2),)) for _ in range(2)]
    clickers = ["UFIN1", "UFIN2", "UFIN3"] * 2  # each clicks once on each replica
    try:
        for round_ in range(5):
            po = request_purchase(tiered, MEMBER, "prod-eu", eur("6000"))
            outcomes = race(
                6,
                lambda i, number=po.number: approve_purchase(
                    replicas[i % 2], _finance(clickers[i]), number
                ),
            )
            assert len(_approved(outcomes)) == 1, round_
            refused = [o for o in outcomes if isinstance(o, LedgerError)]
            assert all(isinstance(o, AlreadyApproved | AlreadyDecided) for o in refused)
            done = get_purchase_order(tiered, po.number)
            assert done.status is POStatus.APPROVED and len(done.approvals) == 2
            assert done.decided_by == done.approvals[-1].by
            assert len({a.by for a in done.approvals}) == 2
    finally:
        for replica in replicas:
            replica.db.dispose()
    with tiered.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Approval)) == 10
        per_order = session.execute(
            select(Lot.purchase_order_id, func.count()).group_by(Lot.purchase_order_id)
        ).all()
    assert len(per_order) == 5 and all(count == 1 for _, count in per_order)
    assert balance(tiered, "prod-eu").credit == eur("30000")
    assert verify(tiered) == []
