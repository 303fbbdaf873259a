from datetime import datetime

import pytest

from ledger.domain import POStatus
from ledger.errors import (
    AlreadyDecided,
    AmountError,
    Forbidden,
    FourEyes,
    InvalidInput,
    PurchaseOrderNotFound,
)
from ledger.services import Ledger
from ledger.services.purchases import (
    approve_purchase,
    cancel_purchase,
    list_purchase_orders,
    reject_purchase,
    request_purchase,
)
from ledger.services.reading import balance
from tests.support import FINANCE, FINANCE_2, MEMBER, OTHER_MEMBER, PARIS, ZERO, FakeClock, eur


def test_a_purchase_order_shows_amount_vat_and_total(ledger: Ledger, project: str) -> None:
    po = request_purchase(ledger, MEMBER, project, eur("1 000"))
    assert po.number == "PO-2026-000001"
    assert po.status is POStatus.PENDING
    assert (po.amount_excl_tax, po.vat, po.amount_incl_tax) == (
        eur("1000"),
        eur("200"),
        eur("1200"),
    )


def test_purchase_numbers_are_sequential_per_year(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    first = request_purchase(ledger, MEMBER, project, eur("10"))
    second = request_purchase(ledger, MEMBER, project, eur("10"))
    clock.set(datetime(2027, 1, 1, 0, 30, tzinfo=PARIS))
    third = request_purchase(ledger, MEMBER, project, eur("10"))
    assert [first.number, second.number, third.number] == [
        "PO-2026-000001",
        "PO-2026-000002",
        "PO-2027-000001",
    ]


def test_credit_appears_only_when_finance_approves(ledger: Ledger, project: str) -> None:
    po = request_purchase(ledger, MEMBER, project, eur("500"))
    assert balance(ledger, project).available == ZERO
    approved = approve_purchase(ledger, FINANCE, po.number)
    assert approved.status is POStatus.APPROVED and approved.decided_by == FINANCE.user_id
    assert balance(ledger, project).credit == eur("500")  # the amount excl. tax, not the total


def test_approved_credit_expires_thirteen_months_after_payment(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 1, 31, 10, 0, tzinfo=PARIS))
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    approved = approve_purchase(ledger, FINANCE, po.number)
    assert approved.credit_expires_at == datetime(2027, 2, 28, 10, 0, tzinfo=PARIS)


def test_a_finance_approver_cannot_approve_their_own_order(ledger: Ledger, project: str) -> None:
    po = request_purchase(ledger, FINANCE, project, eur("100"))
    with pytest.raises(FourEyes):
        approve_purchase(ledger, FINANCE, po.number)
    assert approve_purchase(ledger, FINANCE_2, po.number).status is POStatus.APPROVED


def test_a_member_cannot_approve_or_reject(ledger: Ledger, project: str) -> None:
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    with pytest.raises(Forbidden):
        approve_purchase(ledger, OTHER_MEMBER, po.number)
    with pytest.raises(Forbidden):
        reject_purchase(ledger, OTHER_MEMBER, po.number, "no")


def test_a_second_approval_is_refused_and_names_who_decided(ledger: Ledger, project: str) -> None:
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    approve_purchase(ledger, FINANCE, po.number)
    with pytest.raises(AlreadyDecided) as refused:
        approve_purchase(ledger, FINANCE_2, po.number)
    assert refused.value.decided_by == FINANCE.user_id
    assert balance(ledger, project).credit == eur("100")


def test_a_rejection_needs_a_reason_and_grants_nothing(ledger: Ledger, project: str) -> None:
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    with pytest.raises(InvalidInput):
        reject_purchase(ledger, FINANCE, po.number, "   ")
    rejected = reject_purchase(ledger, FINANCE, po.number, "over budget")
    assert rejected.status is POStatus.REJECTED and rejected.reason == "over budget"
    assert balance(ledger, project).available == ZERO
    with pytest.raises(AlreadyDecided):
        approve_purchase(ledger, FINANCE, po.number)


def test_only_the_requester_cancels_their_pending_order(ledger: Ledger, project: str) -> None:
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    with pytest.raises(Forbidden):
        cancel_purchase(ledger, OTHER_MEMBER, po.number)
    assert cancel_purchase(ledger, MEMBER, po.number.lower()).status is POStatus.CANCELLED
    assert list_purchase_orders(ledger, POStatus.PENDING) == []


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0.50", "whole units"),
        ("200 001", "between 1 EUR and 200000 EUR"),
        ("12.50", "whole units"),
    ],
)
def test_purchase_amounts_are_whole_units_within_the_order_form_limits(
    ledger: Ledger, project: str, text: str, why: str
) -> None:
    with pytest.raises(AmountError, match=why):
        request_purchase(ledger, MEMBER, project, eur(text))


def test_the_largest_allowed_purchase_is_accepted(ledger: Ledger, project: str) -> None:
    assert request_purchase(ledger, MEMBER, project, eur("200 000")).amount_incl_tax == eur(
        "240 000"
    )


def test_an_unknown_purchase_order_is_named(ledger: Ledger, project: str) -> None:
    with pytest.raises(PurchaseOrderNotFound, match="PO-2026-999999"):
        approve_purchase(ledger, FINANCE, "PO-2026-999999")


def test_a_list_drawn_earlier_keeps_its_orders_with_the_decisions_made_since(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    from ledger.services.purchases import pending_at

    early = request_purchase(ledger, MEMBER, project, eur("10")).number
    decided_before = request_purchase(ledger, MEMBER, project, eur("20")).number
    approve_purchase(ledger, FINANCE, decided_before)
    clock.advance(minutes=1)
    drawn = clock.current
    clock.advance(minutes=1)
    late = request_purchase(ledger, MEMBER, project, eur("30")).number
    reject_purchase(ledger, FINANCE, early, "not now")
    listed = pending_at(ledger, drawn)
    assert [(po.number, po.status) for po in listed] == [(early, POStatus.REJECTED)]
    assert [po.number for po in pending_at(ledger, clock.current)] == [late]
