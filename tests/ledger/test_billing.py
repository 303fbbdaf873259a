from datetime import date

import pytest

from ledger.domain import LotKind
from ledger.errors import Forbidden, IdempotencyConflict
from ledger.services import Ledger
from ledger.services.billing import charge
from ledger.services.purchases import approve_purchase, request_purchase
from ledger.services.reading import balance
from ledger.services.vouchers import issue_voucher, redeem_voucher
from tests.support import FINANCE, MEMBER, ZERO, FakeClock, eur


def buy(ledger: Ledger, project: str, amount: str) -> str:
    po = request_purchase(ledger, MEMBER, project, eur(amount))
    approve_purchase(ledger, FINANCE, po.number)
    return po.number


def voucher(ledger: Ledger, project: str, amount: str, until: date) -> str:
    issued = issue_voucher(ledger, FINANCE, eur(amount), until)
    redeem_voucher(ledger, MEMBER, issued.code, project)
    return f"voucher …{issued.last4}"


def test_vouchers_are_spent_before_credit(ledger: Ledger, project: str, clock: FakeClock) -> None:
    po = buy(ledger, project, "100")
    source = voucher(ledger, project, "30", date(2027, 12, 31))
    result = charge(ledger, FINANCE, project, eur("50"), "bill-1")
    assert [(a.kind, a.source.reference, a.amount) for a in result.allocations] == [
        (LotKind.VOUCHER, source, eur("30")),
        (LotKind.CREDIT, po, eur("20")),
    ]
    assert result.due_other == ZERO


def test_within_a_kind_the_soonest_expiry_is_spent_first(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    later = voucher(ledger, project, "10", date(2026, 12, 31))
    sooner = voucher(ledger, project, "10", date(2026, 6, 30))
    first_po = buy(ledger, project, "10")
    clock.advance(days=1)
    second_po = buy(ledger, project, "10")
    result = charge(ledger, FINANCE, project, eur("35"), "bill")
    assert [a.source.reference for a in result.allocations] == [sooner, later, first_po, second_po]
    assert [a.amount for a in result.allocations] == [eur("10"), eur("10"), eur("10"), eur("5")]


def test_lots_with_the_same_expiry_are_spent_oldest_grant_first(
    ledger: Ledger, project: str
) -> None:
    first = voucher(ledger, project, "10", date(2026, 12, 31))
    second = voucher(ledger, project, "10", date(2026, 12, 31))
    result = charge(ledger, FINANCE, project, eur("15"), "bill")
    assert [a.source.reference for a in result.allocations] == [first, second]


def test_what_credit_cannot_cover_is_due_by_other_means_and_no_lot_goes_negative(
    ledger: Ledger, project: str
) -> None:
    buy(ledger, project, "100")
    result = charge(ledger, FINANCE, project, eur("130.25"), "bill")
    assert result.due_other == eur("30.25")
    after = balance(ledger, project)
    assert after.available == ZERO and after.lots == ()
    assert charge(ledger, FINANCE, project, eur("5"), "bill-2").due_other == eur("5")


def test_a_charge_with_no_credit_is_entirely_due_otherwise(ledger: Ledger, project: str) -> None:
    result = charge(ledger, FINANCE, project, eur("12"), "bill")
    assert result.allocations == () and result.due_other == eur("12")


def test_the_same_key_again_returns_the_first_result_and_spends_nothing_more(
    ledger: Ledger, project: str
) -> None:
    buy(ledger, project, "100")
    first = charge(ledger, FINANCE, project, eur("40"), "bill-7")
    again = charge(ledger, FINANCE, project, eur("40"), "bill-7")
    assert again.repeated and not first.repeated
    assert again.allocations == first.allocations and again.due_other == first.due_other
    assert balance(ledger, project).available == eur("60")


def test_the_same_key_with_another_amount_is_refused(ledger: Ledger, project: str) -> None:
    buy(ledger, project, "100")
    charge(ledger, FINANCE, project, eur("40"), "bill-7")
    with pytest.raises(IdempotencyConflict):
        charge(ledger, FINANCE, project, eur("41"), "bill-7")
    assert balance(ledger, project).available == eur("60")


def test_only_finance_charges(ledger: Ledger, project: str) -> None:
    with pytest.raises(Forbidden):
        charge(ledger, MEMBER, project, eur("1"), "bill")


def test_an_expired_lot_is_not_spent_even_before_the_expiry_job_runs(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    voucher(ledger, project, "10", date(2026, 2, 1))
    clock.advance(days=2)
    result = charge(ledger, FINANCE, project, eur("4"), "bill")
    assert result.due_other == eur("4")


def test_history_lists_the_latest_entries_first(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    from ledger.services.reading import history

    buy(ledger, project, "100")
    clock.advance(minutes=1)
    charge(ledger, FINANCE, project, eur("40"), "bill", memo="January compute")
    lines = history(ledger, project)
    assert [(line.kind, line.amount) for line in lines] == [
        ("debit", eur("40")),
        ("grant", eur("100")),
    ]
    assert lines[0].charge_key == "bill" and lines[0].memo == "January compute"
    assert len(history(ledger, project, limit=1)) == 1


def test_history_shows_what_a_charge_left_due_by_other_payment_means(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    from ledger.services.reading import history

    charge(ledger, FINANCE, project, eur("10"), "nothing-to-draw-on", memo="March")
    clock.advance(minutes=1)
    buy(ledger, project, "5")
    clock.advance(minutes=1)
    charge(ledger, FINANCE, project, eur("8"), "partly-covered")
    lines = history(ledger, project)
    assert [(line.kind, line.amount, line.charge_key) for line in lines] == [
        ("debit", eur("5"), "partly-covered"),
        ("due", eur("3"), "partly-covered"),
        ("grant", eur("5"), None),
        ("due", eur("10"), "nothing-to-draw-on"),
    ]
    assert lines[-1].memo == "March" and lines[-1].id is None
    assert [line.kind for line in history(ledger, project, limit=2)] == ["debit", "due"]


def test_history_shows_that_a_voided_charge_no_longer_leaves_anything_due(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    from ledger.services.billing import void_charge
    from ledger.services.reading import history

    buy(ledger, project, "5")
    clock.advance(minutes=1)
    charge(ledger, FINANCE, project, eur("8"), "partly-covered")
    clock.advance(minutes=1)
    void_charge(ledger, FINANCE, "partly-covered", "wrong project")
    lines = history(ledger, project)
    assert [(line.kind, line.amount, line.charge_key) for line in lines] == [
        ("void", eur("5"), "partly-covered"),
        ("void", eur("3"), "partly-covered"),
        ("debit", eur("5"), "partly-covered"),
        ("due", eur("3"), "partly-covered"),
        ("grant", eur("5"), None),
    ]
    assert lines[1].memo == "wrong project" and lines[1].actor == FINANCE.user_id
