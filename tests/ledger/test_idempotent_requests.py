"""One request id, one effect: a repeated create answers as the first did, also under races."""

from datetime import date

import pytest
from sqlalchemy import func, select

from ledger.errors import IdempotencyConflict, LedgerError
from ledger.orm import Project, PurchaseOrder, Voucher
from ledger.services import Ledger
from ledger.services.projects import add_project
from ledger.services.purchases import reject_purchase, request_purchase
from ledger.services.vouchers import issue_voucher
from tests.ledger.test_concurrency import race
from tests.support import ADMIN, FINANCE, MEMBER, eur


def count(ledger: Ledger, model: type[object]) -> int:
    with ledger.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_repeated_purchase_request_answers_with_the_same_order(
    ledger: Ledger, project: str
) -> None:
    first = request_purchase(ledger, MEMBER, project, eur("7"), request="slack:t1")
    again = request_purchase(ledger, MEMBER, project, eur("7"), request="slack:t1")
    assert again.number == first.number and again.repeated and not first.repeated
    assert request_purchase(ledger, MEMBER, project, eur("7"), request="slack:t2").number != (
        first.number
    )
    assert count(ledger, PurchaseOrder) == 2


def test_a_request_id_reused_with_other_details_is_refused(ledger: Ledger, project: str) -> None:
    request_purchase(ledger, MEMBER, project, eur("7"), request="slack:t1")
    with pytest.raises(IdempotencyConflict):
        request_purchase(ledger, MEMBER, project, eur("8"), request="slack:t1")
    with pytest.raises(IdempotencyConflict):
        add_project(ledger, ADMIN, "other", "Other", request="slack:t1")
    assert count(ledger, PurchaseOrder) == 1


def test_a_repeated_voucher_issue_issues_one_voucher_and_does_not_show_its_code_again(
    ledger: Ledger, project: str
) -> None:
    first = issue_voucher(ledger, FINANCE, eur("5"), date(2026, 12, 31), request="slack:t1")
    again = issue_voucher(ledger, FINANCE, eur("5"), date(2026, 12, 31), request="slack:t1")
    assert first.code is not None and again.code is None and again.repeated
    assert (again.last4, again.amount) == (first.last4, first.amount)
    assert count(ledger, Voucher) == 1


def test_a_repeated_project_add_answers_with_the_project(ledger: Ledger) -> None:
    first = add_project(ledger, ADMIN, "prod-eu", "Prod EU", request="slack:t1")
    assert add_project(ledger, ADMIN, "prod-eu", "Prod EU", request="slack:t1") == first
    assert count(ledger, Project) == 1


def test_a_repeated_rejection_answers_with_the_rejected_order(ledger: Ledger, project: str) -> None:
    po = request_purchase(ledger, MEMBER, project, eur("7"))
    first = reject_purchase(ledger, FINANCE, po.number, "too much", request="slack:view:V1")
    again = reject_purchase(ledger, FINANCE, po.number, "too much", request="slack:view:V1")
    assert again.repeated and (again.status, again.reason) == (first.status, "too much")


def test_concurrent_repeats_of_one_request_create_one_of_each(ledger: Ledger, project: str) -> None:
    orders = race(
        8, lambda i: request_purchase(ledger, MEMBER, project, eur("7"), request="slack:po")
    )
    vouchers = race(
        8,
        lambda i: issue_voucher(
            ledger, FINANCE, eur("5"), date(2026, 12, 31), request="slack:voucher"
        ),
    )
    projects = race(8, lambda i: add_project(ledger, ADMIN, "p2", "P2", request="slack:project"))
    for outcomes in (orders, vouchers, projects):
        assert not any(isinstance(o, LedgerError) for o in outcomes), outcomes
        assert sum(not getattr(o, "repeated", True) for o in outcomes) <= 1
    assert len({o.number for o in orders}) == 1  # type: ignore[union-attr]
    assert len({o.last4 for o in vouchers}) == 1  # type: ignore[union-attr]
    assert (count(ledger, PurchaseOrder), count(ledger, Voucher), count(ledger, Project)) == (
        1,
        1,
        2,
    )
