from datetime import date

import pytest

from ledger.errors import ChargeNotFound, Forbidden, InvalidInput
from ledger.services import Ledger
from ledger.services.audit import verify
from ledger.services.billing import charge, void_charge
from ledger.services.purchases import approve_purchase, request_purchase
from ledger.services.reading import balance, history
from ledger.services.vouchers import issue_voucher, redeem_voucher
from tests.support import FINANCE, FINANCE_2, MEMBER, FakeClock, eur


def funded(ledger: Ledger, project: str) -> None:
    approve_purchase(ledger, FINANCE, request_purchase(ledger, MEMBER, project, eur("100")).number)
    redeem_voucher(
        ledger, MEMBER, issue_voucher(ledger, FINANCE, eur("20"), date(2026, 12, 31)).code, project
    )


def test_voiding_a_charge_gives_every_debit_back_with_new_entries(
    ledger: Ledger, project: str
) -> None:
    funded(ledger, project)
    charge(ledger, FINANCE, project, eur("50"), "bill-1")
    assert balance(ledger, project).available == eur("70")
    voided = void_charge(ledger, FINANCE_2, "bill-1", "charged twice")
    assert voided.voided_by == FINANCE_2.user_id and voided.void_reason == "charged twice"
    assert balance(ledger, project).available == eur("120")
    kinds = [line.kind for line in history(ledger, project)]
    assert kinds[:2] == ["void", "void"] and kinds.count("debit") == 2  # the debits stay, reversed
    assert verify(ledger) == []


def test_a_charge_is_voided_once(ledger: Ledger, project: str) -> None:
    funded(ledger, project)
    charge(ledger, FINANCE, project, eur("50"), "bill-1")
    void_charge(ledger, FINANCE, "bill-1", "mistake")
    with pytest.raises(InvalidInput, match="already voided"):
        void_charge(ledger, FINANCE, "bill-1", "again")
    assert balance(ledger, project).available == eur("120")


def test_credit_that_expired_since_the_charge_is_not_given_back(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    redeem_voucher(
        ledger, MEMBER, issue_voucher(ledger, FINANCE, eur("20"), date(2026, 2, 10)).code, project
    )
    charge(ledger, FINANCE, project, eur("5"), "bill-1")
    clock.advance(days=30)
    with pytest.raises(InvalidInput, match="expired since"):
        void_charge(ledger, FINANCE, "bill-1", "mistake")


def test_only_finance_voids_and_only_known_charges(ledger: Ledger, project: str) -> None:
    with pytest.raises(Forbidden):
        void_charge(ledger, MEMBER, "bill-1", "x")
    with pytest.raises(ChargeNotFound):
        void_charge(ledger, FINANCE, "nope", "x")
    with pytest.raises(InvalidInput):
        void_charge(ledger, FINANCE, "nope", "  ")


def test_verify_names_a_voided_charge_whose_voids_were_removed(
    ledger: Ledger, project: str
) -> None:
    from sqlalchemy import text

    funded(ledger, project)
    charge(ledger, FINANCE, project, eur("10"), "bill-1")
    void_charge(ledger, FINANCE, "bill-1", "mistake")
    with ledger.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM entries WHERE kind = 'void'"))
    assert any("charge bill-1: voided" in p for p in verify(ledger))
