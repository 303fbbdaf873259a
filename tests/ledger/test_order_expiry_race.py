"""An approval racing the expiry of the same order, on real threads and both databases:
each order ends approved or expired, never both, never neither, and the books agree."""

from __future__ import annotations

from sqlalchemy import select

from ledger.domain import Actor, POStatus, Role
from ledger.errors import AlreadyDecided, LedgerError
from ledger.orm import Lot, Notice
from ledger.services import Ledger
from ledger.services.audit import verify
from ledger.services.order_expiry import expire_orders
from ledger.services.purchases import approve_purchase, get_purchase_order, request_purchase
from tests.ledger.test_concurrency import race
from tests.support import MEMBER, FakeClock, eur, make_ledger

ORDERS = 6


def test_an_approval_racing_the_expiry_ends_in_exactly_one_outcome_per_order(
    ledger: Ledger, clock: FakeClock, project: str, db_url: str
) -> None:
    numbers = [request_purchase(ledger, MEMBER, project, eur("100")).number for _ in range(ORDERS)]
    clock.advance(days=30)
    # Two replicas: one expires (as many times as there are approvers), one approves.
    expirer, approver = make_ledger(db_url, clock), make_ledger(db_url, clock)
    finance = [Actor(f"UFIN{i}", frozenset({Role.FINANCE})) for i in range(ORDERS)]
    try:
        outcomes = race(
            2 * ORDERS,
            lambda i: (
                approve_purchase(approver, finance[i // 2], numbers[i // 2])
                if i % 2
                else expire_orders(expirer, batch=2)
            ),
        )
    finally:
        expirer.db.dispose()
        approver.db.dispose()
    approvals = {o.number for o in outcomes if not isinstance(o, LedgerError | list)}
    refused = [o for o in outcomes if isinstance(o, LedgerError)]
    expired = {n for o in outcomes if isinstance(o, list) for n in o}
    assert all(isinstance(o, AlreadyDecided) and o.status == "expired" for o in refused)
    assert approvals.isdisjoint(expired) and approvals | expired == set(numbers)
    assert len(refused) == len(expired)
    with ledger.db.read() as session:
        lots = set(session.scalars(select(Lot.po_number)))
        notified = {
            key.split(":")[1]
            for key in session.scalars(select(Notice.key).where(Notice.kind == "po_expired"))
        }
    assert lots == approvals and notified == expired
    for number in numbers:
        status = get_purchase_order(ledger, number).status
        assert status is (POStatus.APPROVED if number in approvals else POStatus.EXPIRED)
    assert verify(ledger) == []
