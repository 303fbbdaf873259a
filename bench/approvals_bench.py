"""Approving an order that needs 3 approvals (3 approve calls) against one that needs 1."""

from __future__ import annotations

from dataclasses import replace

from bench.common import add_project, fresh_database, make_ledger, timed
from ledger.domain import Actor, Role
from ledger.money import Money
from ledger.services.purchases import approve_purchase, request_purchase

REQUESTER = Actor("UMEM")
APPROVERS = tuple(Actor(f"UFIN{i}", frozenset({Role.FINANCE})) for i in range(1, 4))


def three_vs_one(kind: str, orders: int = 200, rounds: int = 5) -> dict[str, float]:
    """Seconds per order to approve orders needing 1 approval (one call each) and as many
    needing 3 (three calls each, by three approvers), on one database, in alternating
    batches after a warm-up, so neither side alone pays for a cold cache or a busy moment."""
    with fresh_database(kind) as url:
        ledger = make_ledger(url)
        ledger.config = replace(ledger.config, approval_tiers=((5000, 2), (50000, 3)))
        add_project(ledger.db, "p")

        def requested(amount: int, count: int) -> list[str]:
            money = Money(amount * 100, "EUR")
            return [request_purchase(ledger, REQUESTER, "p", money).number for _ in range(count)]

        def approve(numbers: list[str], approvers: tuple[Actor, ...]) -> None:
            for number in numbers:
                for approver in approvers:
                    approve_purchase(ledger, approver, number)

        approve(requested(100, 10), APPROVERS[:1])  # warm-up: connections, statement caches
        one_s = three_s = 0.0
        batch = max(orders // rounds, 1)
        for _ in range(rounds):
            single, triple = requested(100, batch), requested(60_000, batch)
            one_s += timed(lambda single=single: approve(single, APPROVERS[:1]))
            three_s += timed(lambda triple=triple: approve(triple, APPROVERS))
        ledger.db.dispose()
    done = batch * rounds
    return {
        "one_approval_ms": one_s / done * 1000,
        "three_approvals_ms": three_s / done * 1000,
        "ratio": three_s / one_s,
    }
