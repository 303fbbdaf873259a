import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from ledger.errors import (
    AlreadyExists,
    Forbidden,
    InvalidInput,
    TooManyAttempts,
    VoucherNotFound,
    VoucherUnusable,
)
from ledger.orm import Voucher
from ledger.services import Ledger
from ledger.services.projects import add_project
from ledger.services.reading import balance
from ledger.services.vouchers import (
    failed_attempts,
    generate_code,
    issue_voucher,
    normalise_code,
    redeem_voucher,
)
from tests.support import ADMIN, FINANCE, MEMBER, OTHER_MEMBER, PARIS, FakeClock, eur


def test_generated_codes_are_sixteen_crockford_characters_in_groups() -> None:
    codes = {generate_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}", c) for c in codes)


def test_codes_are_read_whatever_their_case_spaces_and_dashes() -> None:
    assert normalise_code(" abcd-efgh jkmn-pqrs ") == "ABCDEFGHJKMNPQRS"
    assert normalise_code("O0IL-1111-2222-3333") == normalise_code("0011-1111-2222-3333")


def test_only_a_hash_of_the_code_is_stored(ledger: Ledger, project: str) -> None:
    issued = issue_voucher(ledger, FINANCE, eur("25"), date(2026, 12, 31))
    with ledger.db.read() as session:
        stored = session.scalars(select(Voucher)).one()
    compact = issued.code.replace("-", "")
    assert compact not in repr(vars(stored)) and stored.last4 == compact[-4:]


def test_a_redeemed_voucher_adds_a_voucher_lot_expiring_with_the_voucher(
    ledger: Ledger, project: str
) -> None:
    issued = issue_voucher(ledger, FINANCE, eur("25"), date(2026, 6, 30))
    redeemed = redeem_voucher(ledger, MEMBER, issued.code.lower(), project)
    assert redeemed.amount == eur("25")
    assert redeemed.expires_at == datetime(2026, 7, 1, 0, 0, tzinfo=PARIS)
    assert balance(ledger, project).vouchers == eur("25")


def test_a_voucher_is_usable_all_of_its_last_day_and_not_at_midnight_after(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    early = issue_voucher(ledger, FINANCE, eur("5"), date(2026, 3, 31))
    late = issue_voucher(ledger, FINANCE, eur("5"), date(2026, 3, 31))
    clock.set(datetime(2026, 3, 31, 23, 59, 59, tzinfo=PARIS))
    redeem_voucher(ledger, MEMBER, early.code, project)
    assert balance(ledger, project).vouchers == eur("5")
    clock.set(datetime(2026, 4, 1, 0, 0, tzinfo=PARIS))
    assert balance(ledger, project).available.minor == 0
    with pytest.raises(VoucherUnusable, match="expired"):
        redeem_voucher(ledger, MEMBER, late.code, project)


def test_a_code_is_redeemed_at_most_once(ledger: Ledger, project: str) -> None:
    issued = issue_voucher(ledger, FINANCE, eur("25"), date(2026, 12, 31))
    redeem_voucher(ledger, MEMBER, issued.code, project)
    with pytest.raises(VoucherUnusable, match="already redeemed"):
        redeem_voucher(ledger, OTHER_MEMBER, issued.code, project)
    assert balance(ledger, project).vouchers == eur("25")


def test_a_voucher_for_one_project_cannot_be_used_on_another(ledger: Ledger, project: str) -> None:
    add_project(ledger, ADMIN, "staging", "Staging")
    issued = issue_voucher(ledger, FINANCE, eur("25"), date(2026, 12, 31), project_ref="staging")
    with pytest.raises(VoucherUnusable, match="another project"):
        redeem_voucher(ledger, MEMBER, issued.code, project)
    redeem_voucher(ledger, MEMBER, issued.code, "Staging")


def test_a_voucher_in_another_currency_is_refused(ledger: Ledger, project: str) -> None:
    from ledger.money import Money

    issued = issue_voucher(ledger, FINANCE, Money(1000, "USD"), date(2026, 12, 31))
    with pytest.raises(VoucherUnusable, match="USD"):
        redeem_voucher(ledger, MEMBER, issued.code, project)


def test_an_existing_provider_code_can_be_imported_once(ledger: Ledger, project: str) -> None:
    issue_voucher(ledger, FINANCE, eur("50"), date(2026, 12, 31), code="PROMO-2026-WELCOME")
    with pytest.raises(AlreadyExists):
        issue_voucher(ledger, FINANCE, eur("50"), date(2026, 12, 31), code="promo 2026 welcome")
    assert redeem_voucher(ledger, MEMBER, "promo-2026-welcome", project).amount == eur("50")


def test_only_finance_issues_vouchers_and_never_in_the_past(ledger: Ledger, project: str) -> None:
    with pytest.raises(Forbidden):
        issue_voucher(ledger, MEMBER, eur("5"), date(2026, 12, 31))
    with pytest.raises(InvalidInput, match="past"):
        issue_voucher(ledger, FINANCE, eur("5"), date(2026, 1, 30))


def test_the_sixth_failed_code_in_fifteen_minutes_is_refused_until_the_window_passes(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    issued = issue_voucher(ledger, FINANCE, eur("5"), date(2026, 12, 31))
    for attempt in range(5):
        with pytest.raises(VoucherNotFound):
            redeem_voucher(ledger, MEMBER, f"WRONG-CODE-{attempt:04d}", project)
        clock.advance(minutes=1)
    with pytest.raises(TooManyAttempts):
        redeem_voucher(ledger, MEMBER, issued.code, project)  # even the right code
    assert failed_attempts(ledger, MEMBER.user_id) == 5
    clock.advance(minutes=11)  # the first failure leaves the 15-minute window
    assert redeem_voucher(ledger, MEMBER, issued.code, project).amount == eur("5")


def test_failed_attempts_are_kept_across_a_restart(
    ledger: Ledger, project: str, clock: FakeClock, db_url: str
) -> None:
    from tests.support import make_ledger

    for attempt in range(5):
        with pytest.raises(VoucherNotFound):
            redeem_voucher(ledger, MEMBER, f"WRONG-CODE-{attempt:04d}", project)
    restarted = make_ledger(db_url, clock)
    with pytest.raises(TooManyAttempts):
        redeem_voucher(restarted, MEMBER, "WRONG-CODE-0005", project)
    restarted.db.dispose()
