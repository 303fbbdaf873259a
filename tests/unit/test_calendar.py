from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time

from ledger.clock import credit_expiry, days_left, utcnow, voucher_expiry
from tests.support import PARIS


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("bought", "expires"),
    [
        (local(2026, 1, 31, 10), local(2027, 2, 28, 10)),
        (local(2028, 2, 29, 10), local(2029, 3, 29, 10)),
        (local(2027, 1, 31, 10), local(2028, 2, 29, 10)),
        (local(2026, 5, 31, 23, 30), local(2027, 6, 30, 23, 30)),
        (local(2026, 12, 15, 8), local(2028, 1, 15, 8)),
    ],
)
def test_credit_expires_thirteen_calendar_months_after_purchase(
    bought: datetime, expires: datetime
) -> None:
    assert credit_expiry(bought.astimezone(UTC), PARIS) == expires


def test_a_purchase_across_a_dst_change_keeps_its_local_hour() -> None:
    winter = local(2026, 3, 10, 10)  # UTC+1; thirteen months later, April 2027, is UTC+2
    expiry = credit_expiry(winter.astimezone(UTC), PARIS)
    assert expiry.astimezone(PARIS).hour == 10
    assert expiry.astimezone(PARIS).utcoffset() != winter.utcoffset()
    assert expiry == local(2027, 4, 10, 10)
    assert expiry - winter.astimezone(UTC) != (
        local(2027, 4, 10, 10).replace(tzinfo=None) - local(2026, 3, 10, 10).replace(tzinfo=None)
    )


def test_expiry_is_computed_in_the_workspace_zone_not_utc() -> None:
    # 31 Jan 23:30 UTC is already 1 Feb in Paris: thirteen months from 1 Feb.
    bought = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    assert credit_expiry(bought, PARIS) == local(2027, 3, 1, 0, 30)


def test_a_voucher_valid_until_d_ends_at_midnight_starting_d_plus_one() -> None:
    assert voucher_expiry(date(2026, 3, 28), PARIS) == local(2026, 3, 29, 0, 0)
    assert voucher_expiry(date(2026, 3, 28), PARIS) == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert voucher_expiry(date(2026, 3, 29), PARIS) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)


def test_days_left_count_calendar_days_in_the_workspace_zone() -> None:
    expires = voucher_expiry(date(2026, 3, 31), PARIS)
    assert days_left(local(2026, 3, 31, 23, 59), expires, PARIS) == 0
    assert days_left(local(2026, 3, 24, 9), expires, PARIS) == 7
    assert days_left(local(2026, 3, 1, 9), expires, PARIS) == 30  # across the DST switch


def test_the_default_clock_follows_frozen_time() -> None:
    with freeze_time("2027-02-28 09:00:00"):
        assert utcnow() == datetime(2027, 2, 28, 9, tzinfo=UTC)
