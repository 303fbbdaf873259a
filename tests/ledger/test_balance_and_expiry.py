from datetime import date, datetime, timedelta

from ledger.services import Ledger
from ledger.services.billing import charge
from ledger.services.expiry import expire_due
from ledger.services.purchases import approve_purchase, request_purchase
from ledger.services.reading import balance, history
from ledger.services.vouchers import issue_voucher, redeem_voucher
from tests.support import FINANCE, MEMBER, PARIS, ZERO, FakeClock, eur


def buy(ledger: Ledger, project: str, amount: str) -> None:
    po = request_purchase(ledger, MEMBER, project, eur(amount))
    approve_purchase(ledger, FINANCE, po.number)


def test_balance_lists_vouchers_then_credit_in_spending_order(ledger: Ledger, project: str) -> None:
    buy(ledger, project, "100")
    issued = issue_voucher(ledger, FINANCE, eur("20"), date(2026, 12, 31))
    redeem_voucher(ledger, MEMBER, issued.code, project)
    view = balance(ledger, project)
    assert [lot.kind.value for lot in view.lots] == ["voucher", "credit"]
    assert (view.vouchers, view.credit, view.available) == (eur("20"), eur("100"), eur("120"))


def test_a_balance_at_t_never_counts_a_lot_expiring_at_or_before_t(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 1, 31, 10, 0, tzinfo=PARIS))
    buy(ledger, project, "100")
    expiry = datetime(2027, 2, 28, 10, 0, tzinfo=PARIS)
    assert balance(ledger, project, at=expiry - timedelta(microseconds=1)).credit == eur("100")
    assert balance(ledger, project, at=expiry).available == ZERO
    clock.set(expiry)  # the expiry job has not run
    assert balance(ledger, project).available == ZERO


def test_a_balance_in_the_past_replays_the_journal(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    buy(ledger, project, "100")
    before_charge = clock.advance(hours=1)
    clock.advance(hours=1)
    charge(ledger, FINANCE, project, eur("30"), "bill")
    assert balance(ledger, project).credit == eur("70")
    assert balance(ledger, project, at=before_charge).credit == eur("100")


def test_expire_forfeits_what_is_left_once(ledger: Ledger, project: str, clock: FakeClock) -> None:
    clock.set(datetime(2026, 1, 31, 10, 0, tzinfo=PARIS))
    buy(ledger, project, "100")
    charge(ledger, FINANCE, project, eur("40"), "bill")
    assert expire_due(ledger) == []
    clock.set(datetime(2027, 2, 28, 10, 0, tzinfo=PARIS))
    expired = expire_due(ledger)
    assert [(lot.source.reference, lot.forfeited) for lot in expired] == [
        ("PO-2026-000001", eur("60"))
    ]
    assert expire_due(ledger) == []
    assert history(ledger, project)[0].kind == "expiry"
    assert history(ledger, project)[0].at == datetime(2027, 2, 28, 10, 0, tzinfo=PARIS)


def test_a_lot_spent_to_zero_has_nothing_to_expire(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    buy(ledger, project, "100")
    charge(ledger, FINANCE, project, eur("100"), "bill")
    clock.advance(days=500)
    assert expire_due(ledger) == []


def test_expire_works_through_many_lots_in_batches(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    for day in range(1, 8):
        issued = issue_voucher(ledger, FINANCE, eur("1"), date(2026, 2, day))
        redeem_voucher(ledger, MEMBER, issued.code, project)
    clock.advance(days=30)
    assert len(expire_due(ledger, batch=3)) == 7
    assert expire_due(ledger, batch=3) == []
