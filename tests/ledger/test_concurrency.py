"""Real threads against real databases: retries, double clicks and races never create or lose a cent."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from ledger.domain import Actor, Role
from ledger.errors import LedgerError
from ledger.orm import Lot
from ledger.services import Ledger
from ledger.services.audit import verify
from ledger.services.billing import charge
from ledger.services.purchases import approve_purchase, request_purchase
from ledger.services.reading import balance
from ledger.services.vouchers import issue_voucher, redeem_voucher
from tests.support import FINANCE, MEMBER, ZERO, eur

T = TypeVar("T")


def race(count: int, work: Callable[[int], T]) -> list[T | LedgerError]:
    """Start `count` calls at the same instant; collect results and refusals."""
    barrier = Barrier(count)

    def one(i: int) -> T | LedgerError:
        barrier.wait()
        try:
            return work(i)
        except LedgerError as refused:
            return refused

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_thirty_two_concurrent_redemptions_of_one_code_give_one_grant(
    ledger: Ledger, project: str
) -> None:
    issued = issue_voucher(ledger, FINANCE, eur("25"), date(2026, 12, 31))
    outcomes = race(32, lambda i: redeem_voucher(ledger, Actor(f"U{i:03d}"), issued.code, project))
    assert sum(not isinstance(o, LedgerError) for o in outcomes) == 1
    assert balance(ledger, project).vouchers == eur("25")
    with ledger.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Lot)) == 1
    assert verify(ledger) == []


def test_sixteen_concurrent_approvals_of_one_order_give_one_lot(
    ledger: Ledger, project: str
) -> None:
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    approvers = [Actor(f"UFIN{i:02d}", frozenset({Role.FINANCE})) for i in range(16)]
    outcomes = race(16, lambda i: approve_purchase(ledger, approvers[i], po.number))
    assert sum(not isinstance(o, LedgerError) for o in outcomes) == 1
    assert balance(ledger, project).credit == eur("100")
    assert verify(ledger) == []


def test_sixteen_concurrent_charges_beyond_the_balance_keep_every_lot_at_or_above_zero(
    ledger: Ledger, project: str
) -> None:
    for amount in ("100", "50"):
        approve_purchase(
            ledger, FINANCE, request_purchase(ledger, MEMBER, project, eur(amount)).number
        )
    issued = issue_voucher(ledger, FINANCE, eur("30"), date(2026, 12, 31))
    redeem_voucher(ledger, MEMBER, issued.code, project)
    results = race(16, lambda i: charge(ledger, FINANCE, project, eur("17.30"), f"bill-{i}"))
    assert not [r for r in results if isinstance(r, LedgerError)]
    paid = sum(
        sum(a.amount.minor for a in r.allocations)
        for r in results
        if not isinstance(r, LedgerError)
    )
    due = sum(r.due_other.minor for r in results if not isinstance(r, LedgerError))
    assert paid == 180_00 and paid + due == 16 * 17_30
    assert balance(ledger, project).available == ZERO
    assert verify(ledger) == []


def test_concurrent_repeats_of_one_charge_key_spend_once(ledger: Ledger, project: str) -> None:
    approve_purchase(ledger, FINANCE, request_purchase(ledger, MEMBER, project, eur("100")).number)
    results = race(12, lambda _: charge(ledger, FINANCE, project, eur("10"), "same-bill"))
    assert all(not isinstance(r, LedgerError) for r in results)
    assert sum(not r.repeated for r in results if not isinstance(r, LedgerError)) == 1
    assert balance(ledger, project).available == eur("90")


def test_fifty_concurrent_purchase_requests_get_fifty_numbers_without_gaps(
    ledger: Ledger, project: str
) -> None:
    orders = race(50, lambda i: request_purchase(ledger, Actor(f"U{i:03d}"), project, eur("10")))
    numbers = sorted(o.number for o in orders if not isinstance(o, LedgerError))
    assert numbers == [f"PO-2026-{n:06d}" for n in range(1, 51)]
    assert verify(ledger) == []


@pytest.mark.parametrize("attempts", [12])
def test_concurrent_wrong_codes_from_one_user_are_capped_at_five(
    ledger: Ledger, project: str, attempts: int
) -> None:
    from ledger.errors import TooManyAttempts
    from ledger.services.vouchers import failed_attempts

    outcomes = race(
        attempts, lambda i: redeem_voucher(ledger, MEMBER, f"WRONG-CODE-{i:04d}", project)
    )
    assert sum(isinstance(o, TooManyAttempts) for o in outcomes) == attempts - 5
    assert failed_attempts(ledger, MEMBER.user_id) == 5
