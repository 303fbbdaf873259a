from datetime import date

import pytest
from sqlalchemy import text

from ledger.errors import LedgerError
from ledger.services import Ledger
from ledger.services.audit import export_csv, export_json, verify
from ledger.services.billing import charge
from ledger.services.projects import add_project, link_channel
from ledger.services.purchases import (
    approve_purchase,
    cancel_purchase,
    reject_purchase,
    request_purchase,
)
from ledger.services.vouchers import issue_voucher, redeem_voucher
from tests.support import ADMIN, FINANCE, MEMBER, OTHER_MEMBER, eur


@pytest.fixture
def busy(ledger: Ledger, project: str) -> Ledger:
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    approve_purchase(ledger, FINANCE, po.number)
    issued = issue_voucher(ledger, FINANCE, eur("20"), date(2026, 12, 31))
    redeem_voucher(ledger, MEMBER, issued.code, project)
    charge(ledger, FINANCE, project, eur("50"), "bill-1")
    request_purchase(ledger, MEMBER, project, eur("10"))
    return ledger


def test_a_consistent_ledger_verifies_clean(busy: Ledger) -> None:
    assert verify(busy) == []


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        ("UPDATE lots SET remaining = remaining + 1 WHERE id = 1", "lot 1"),
        (
            "UPDATE entries SET amount = amount + 100 WHERE kind = 'debit' AND id = 3",
            "charge bill-1",
        ),
        ("UPDATE entries SET credit_account = 'lot:9' WHERE id = 1", "entry 1"),
        ("UPDATE charges SET due_other = due_other + 1", "charge bill-1"),
        ("DELETE FROM entries WHERE kind = 'debit' AND lot_id = 2", "lot 2"),
        (
            "UPDATE lots SET initial = initial + 5, remaining = remaining + 5 WHERE id = 1",
            "initial",
        ),
        (
            "UPDATE purchase_orders SET seq = 7, number = 'PO-2026-000007' WHERE seq = 2",
            "without gaps",
        ),
    ],
)
def test_verify_names_a_row_tampered_behind_the_ledgers_back(
    busy: Ledger, tamper: str, named: str
) -> None:
    with busy.db.engine.begin() as conn:
        conn.execute(text(tamper))
    problems = verify(busy)
    assert problems and any(named in p for p in problems), problems


def test_every_refusal_leaves_the_export_byte_for_byte_unchanged(
    busy: Ledger, project: str
) -> None:
    before = export_json(busy), export_csv(busy)
    pending = "PO-2026-000002"
    refusals = [
        lambda: request_purchase(busy, MEMBER, project, eur("0.5")),
        lambda: request_purchase(busy, MEMBER, project, eur("999 999")),
        lambda: request_purchase(busy, MEMBER, "nope", eur("10")),
        lambda: approve_purchase(busy, MEMBER, pending),
        lambda: approve_purchase(busy, FINANCE, "PO-2026-000001"),
        lambda: approve_purchase(busy, FINANCE, "PO-2099-000001"),
        lambda: reject_purchase(busy, FINANCE, pending, ""),
        lambda: cancel_purchase(busy, OTHER_MEMBER, pending),
        lambda: charge(busy, MEMBER, project, eur("10"), "x"),
        lambda: charge(busy, FINANCE, project, eur("51"), "bill-1"),
        lambda: charge(busy, FINANCE, project, eur("1"), "has space"),
        lambda: issue_voucher(busy, MEMBER, eur("5"), date(2026, 12, 31)),
        lambda: issue_voucher(busy, FINANCE, eur("5"), date(2020, 1, 1)),
        lambda: redeem_voucher(busy, MEMBER, "NOT-A-REAL-CODE", project),
        lambda: redeem_voucher(busy, MEMBER, "!!", project),
        lambda: add_project(busy, MEMBER, "x", "X"),
        lambda: add_project(busy, ADMIN, "prod-eu", "Again"),
        lambda: add_project(busy, ADMIN, "new", "Prod EU"),
        lambda: add_project(busy, ADMIN, "bad id!", "Bad"),
        lambda: add_project(busy, ADMIN, "ok", "Ok", currency="EURO"),
        lambda: link_channel(busy, MEMBER, project, "C123"),
        lambda: link_channel(busy, ADMIN, project, "not a channel"),
    ]
    for refuse in refusals:
        with pytest.raises(LedgerError):
            refuse()
    assert (export_json(busy), export_csv(busy)) == before
    assert verify(busy) == []


def test_the_csv_export_has_one_line_per_journal_entry(busy: Ledger) -> None:
    lines = export_csv(busy).splitlines()
    assert lines[0].startswith("id,at,project,kind")
    assert len(lines) == 1 + 4  # two grants, two debits
