"""Vouchers under four-eyes, and codes kept so that they cannot be read back."""

import hashlib
import json
from datetime import date

import pytest
from sqlalchemy import select, text

from ledger import migrate
from ledger.errors import AmountError, InvalidInput, NotConfigured, OwnVoucher, VoucherNotFound
from ledger.orm import Voucher
from ledger.services import Ledger
from ledger.services.audit import export_csv, export_json
from ledger.services.expiry import expire_due
from ledger.services.vouchers import failed_attempts, issue_voucher, redeem_voucher
from tests.support import FINANCE, FINANCE_2, MEMBER, FakeClock, eur, make_ledger


def test_a_voucher_is_capped_like_a_purchase(ledger: Ledger, project: str) -> None:
    with pytest.raises(AmountError, match="at most 200 000 EUR"):
        issue_voucher(ledger, FINANCE, eur("200000.01"), date(2026, 12, 31))
    issued = issue_voucher(ledger, FINANCE, eur("200000"), date(2026, 12, 31))
    assert issued.amount == eur("200000")


def test_whoever_issued_a_voucher_can_never_redeem_it(ledger: Ledger, project: str) -> None:
    issued = issue_voucher(ledger, FINANCE, eur("25"), date(2026, 12, 31))
    assert issued.code is not None
    with pytest.raises(OwnVoucher, match="someone else must redeem it"):
        redeem_voucher(ledger, FINANCE, issued.code, project)
    assert failed_attempts(ledger, FINANCE.user_id) == 0
    assert redeem_voucher(ledger, FINANCE_2, issued.code, project).amount == eur("25")


def test_stored_hashes_are_keyed_by_the_server_secret(
    ledger: Ledger, project: str, db_url: str, clock: FakeClock
) -> None:
    issued = issue_voucher(ledger, FINANCE, eur("25"), date(2026, 12, 31))
    assert issued.code is not None
    plain = hashlib.sha256(issued.code.replace("-", "").encode()).hexdigest()
    with ledger.db.read() as session:
        stored = session.scalars(select(Voucher.code_hash)).one()
    assert stored is not None and stored != plain
    other_secret = make_ledger(db_url, clock, voucher_key=b"another-secret-of-32-characters!")
    with pytest.raises(VoucherNotFound):
        redeem_voucher(other_secret, MEMBER, issued.code, project)
    other_secret.db.dispose()


def test_codes_are_refused_without_a_server_secret(
    db_url: str, project: str, clock: FakeClock
) -> None:
    keyless = make_ledger(db_url, clock, voucher_key=None)
    with pytest.raises(NotConfigured, match="server secret"):
        issue_voucher(keyless, FINANCE, eur("5"), date(2026, 12, 31))
    with pytest.raises(NotConfigured):
        redeem_voucher(keyless, MEMBER, "ABCD-EFGH-JKMN-PQRS", project)
    keyless.db.dispose()


@pytest.mark.parametrize("code", ["PROMO-2026", "ABCD EFGH JKM", "abc-def-ghi-jk"])
def test_imported_codes_need_twelve_significant_characters(ledger: Ledger, code: str) -> None:
    with pytest.raises(InvalidInput, match="at least 12 letters or digits"):
        issue_voucher(ledger, FINANCE, eur("5"), date(2026, 12, 31), code=code)
    assert issue_voucher(ledger, FINANCE, eur("5"), date(2026, 12, 31), code=code + "XYZ")


def test_exports_hold_no_hash_of_a_code(ledger: Ledger, project: str) -> None:
    issued = issue_voucher(ledger, FINANCE, eur("25"), date(2026, 12, 31))
    assert issued.code is not None
    redeem_voucher(ledger, MEMBER, issued.code, project)
    issue_voucher(ledger, FINANCE, eur("5"), date(2026, 12, 31))
    with ledger.db.read() as session:
        hashes = [h for h in session.scalars(select(Voucher.code_hash)) if h]
    dump = export_json(ledger) + export_csv(ledger)
    assert len(hashes) == 2 and not any(h in dump for h in hashes)
    vouchers = json.loads(export_json(ledger))["vouchers"]
    assert len(vouchers) == 2 and all("hash" not in key for v in vouchers for key in v)


def _legacy_voucher(ledger: Ledger, code: str, until: date, voucher_id: int) -> None:
    """A voucher as the schema before 0005 kept it: an unsalted SHA-256 of the code."""
    with ledger.db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO vouchers (id, code_hash, last4, currency, amount, valid_until,"
                " expires_at, issued_by, issued_at) VALUES (:id, :hash, :last4, 'EUR', 2500,"
                " :until, :expires, 'UFINANCE', :issued)"
            ),
            {
                "id": voucher_id,
                "hash": hashlib.sha256(code.encode()).hexdigest(),
                "last4": code[-4:],
                "until": until,
                "expires": f"{until.isoformat()} 23:00:00+00:00",
                "issued": "2026-01-01 09:00:00+00:00",
            },
        )


def test_codes_hashed_before_the_secret_still_redeem_until_redeemed_or_expired(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    migrate.downgrade(ledger.db.engine, "0008")
    _legacy_voucher(ledger, "ABCDEFGHKM01", date(2026, 12, 31), 1)
    _legacy_voucher(ledger, "ABCDEFGHKM02", date(2026, 2, 10), 2)
    migrate.upgrade(ledger.db.engine)
    with ledger.db.read() as session:
        legacy = session.scalars(select(Voucher.legacy_hash).order_by(Voucher.id)).all()
    assert all(legacy)

    assert redeem_voucher(ledger, MEMBER, "abcd-efgh km01", project).amount == eur("25")
    clock.set(clock.current.replace(month=2, day=12))
    with pytest.raises(VoucherNotFound):
        redeem_voucher(ledger, MEMBER, "ABCDEFGHKM02", project)
    expire_due(ledger)
    with ledger.db.read() as session:
        rows = session.execute(
            select(Voucher.code_hash, Voucher.legacy_hash).order_by(Voucher.id)
        ).all()
    assert rows[0].legacy_hash is None and rows[0].code_hash is not None  # re-keyed
    assert rows[1].legacy_hash is None and rows[1].code_hash is None  # forgotten


def test_the_migration_drops_the_hashes_of_redeemed_codes(ledger: Ledger) -> None:
    migrate.downgrade(ledger.db.engine, "0008")
    _legacy_voucher(ledger, "ABCDEFGHKM01", date(2026, 12, 31), 1)
    with ledger.db.engine.begin() as conn:
        conn.execute(
            text("UPDATE vouchers SET redeemed_by = 'UX', redeemed_at = issued_at WHERE id = 1")
        )
    migrate.upgrade(ledger.db.engine)
    with ledger.db.read() as session:
        row = session.execute(select(Voucher.code_hash, Voucher.legacy_hash)).one()
    assert tuple(row) == (None, None)
