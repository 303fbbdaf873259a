from datetime import UTC, datetime

from ledger.domain import LotBalance, LotKind, allocate
from ledger.money import Money


def lot(lot_id: int, kind: LotKind, day: int, cents: int) -> LotBalance:
    return LotBalance(lot_id, kind, datetime(2027, 1, day, tzinfo=UTC), Money(cents, "EUR"))


def test_vouchers_are_spent_before_credit_even_when_credit_expires_sooner() -> None:
    taken, due = allocate(
        Money(150, "EUR"), [lot(1, LotKind.CREDIT, 1, 1000), lot(2, LotKind.VOUCHER, 20, 100)]
    )
    assert taken == [(2, Money(100, "EUR")), (1, Money(50, "EUR"))]
    assert due == Money(0, "EUR")


def test_within_a_kind_the_soonest_expiry_goes_first_then_the_oldest() -> None:
    lots = [
        lot(3, LotKind.CREDIT, 9, 100),
        lot(2, LotKind.CREDIT, 5, 100),
        lot(1, LotKind.CREDIT, 9, 100),
    ]
    taken, _ = allocate(Money(250, "EUR"), lots)
    assert [lot_id for lot_id, _ in taken] == [2, 1, 3]


def test_what_the_lots_cannot_cover_is_due_by_other_means() -> None:
    taken, due = allocate(Money(500, "EUR"), [lot(1, LotKind.CREDIT, 1, 120)])
    assert taken == [(1, Money(120, "EUR"))]
    assert due == Money(380, "EUR")


def test_empty_lots_are_not_touched() -> None:
    taken, due = allocate(
        Money(10, "EUR"), [lot(1, LotKind.VOUCHER, 1, 0), lot(2, LotKind.CREDIT, 1, 10)]
    )
    assert taken == [(2, Money(10, "EUR"))] and not due
