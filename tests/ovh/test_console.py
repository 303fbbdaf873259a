"""The local console runs the OVHcloud link against its own stand-in."""

import pytest

from bot.ovh.standin import DEMO_SERVICE
from tests.slack.test_console import console

pytestmark = pytest.mark.slow

SCRIPT = f"""\
:as UADMIN
/credit project add prod-eu Prod EU
/credit project link prod-eu
/credit project ovh prod-eu {DEMO_SERVICE}
:as UMEMBER
/credit buy 200
:as UFINANCE
1
/credit charge 5 prod-eu
:ovh
/credit redeem OVH-DEMO-VOUCHER
/credit balance
:quit
"""


def test_the_console_links_orders_delivers_and_syncs_through_the_ovhcloud_standin(
    db_url: str,
) -> None:
    done = console(db_url, SCRIPT)
    assert done.returncode == 0, done.stderr
    out = done.stdout.replace("\u00a0", " ")
    assert "is now linked to OVHcloud" in out and "€100.00 available" in out
    assert "Ordered at OVHcloud" in out and "pay it on OVHcloud" in out
    assert "consumption comes from there" in out
    assert "1 order delivered" in out
    assert "Voucher …CHER redeemed: €50.00" in out
    assert "last synced" in out
    assert "Traceback" not in out + done.stderr


def test_a_second_console_session_over_a_kept_database_counts_out_credits_its_stand_in_lost(
    db_url: str,
) -> None:
    first = console(db_url, SCRIPT)
    assert first.returncode == 0, first.stderr
    # The next session's stand-in starts afresh: the delivered credit and the voucher are gone.
    again = console(db_url, ":as UFINANCE\n:ovh\n/credit balance prod-eu\n:quit\n")
    assert again.returncode == 0, again.stderr
    out = again.stdout.replace("\u00a0", " ")
    assert "no longer lists credit" in out
    assert "Traceback" not in out + again.stderr
