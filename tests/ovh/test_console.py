"""The local console runs the OVHcloud link against its own stand-in."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.ovh.standin import DEMO_SERVICE
from tests.slack.test_console import console
from tests.support import environment_without_slack

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
    assert "Project *Prod EU* is now linked to OVHcloud" in out and "€100.00 available" in out
    assert "Ordered at OVHcloud" in out and "pay it on OVHcloud" in out
    assert "consumption comes from there" in out
    assert "1 order delivered" in out
    assert "Voucher …CHER redeemed: €50.00" in out
    assert "last synced" in out
    assert "Traceback" not in out + done.stderr


def test_a_second_console_session_over_a_kept_database_counts_out_credits_its_stand_in_lost(
    db_url: str,
) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("a console over SQLite keeps its stand-in beside the file")
    first = console(db_url, SCRIPT)
    assert first.returncode == 0, first.stderr
    # The next session's stand-in starts afresh: the delivered credit and the voucher are gone.
    again = console(db_url, ":as UFINANCE\n:ovh\n/credit balance prod-eu\n:quit\n")
    assert again.returncode == 0, again.stderr
    out = again.stdout.replace("\u00a0", " ")
    assert "no longer lists credit" in out
    assert "Traceback" not in out + again.stderr


FIRST_SESSION = f"""\
:as UADMIN
/credit project add prod-eu Prod EU
/credit project link prod-eu
/credit project ovh prod-eu {DEMO_SERVICE}
:as UMEMBER
/credit buy 200
:as UFINANCE
1
:ovh
/credit balance
:quit
"""

NEXT_SESSION = """\
:ovh
/credit balance
:quit
"""


def test_the_console_keeps_its_ovhcloud_standin_in_step_with_the_kept_database(
    db_url: str,
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the stand-in is kept beside a SQLite file")
    kept = Path(db_url.removeprefix("sqlite:///") + ".ovh-standin.json")
    first = console(db_url, FIRST_SESSION)
    assert first.returncode == 0, first.stderr
    assert "1 order delivered" in first.stdout and kept.exists()
    assert f"OVHcloud stand-in kept in {kept}." in first.stdout

    again = console(db_url, NEXT_SESSION)
    assert again.returncode == 0, again.stderr
    out = again.stdout.replace("\u00a0", " ")
    assert f"OVHcloud stand-in resumed from {kept}." in out
    # Two months of use at a tenth a month: 100 € → 80 €, and the 200 € credit → 160 €.
    assert "€240.00 AVAILABLE" in out.split("── only you")[-1]
    assert "disappeared" not in out and "gone" not in out
    verified = subprocess.run(
        [sys.executable, "-m", "bot.cli", "verify"],
        env=environment_without_slack(DATABASE_URL=db_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr


def test_a_new_database_starts_a_new_ovhcloud_standin(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the stand-in is kept beside a SQLite file")
    assert console(db_url, FIRST_SESSION).returncode == 0
    Path(db_url.removeprefix("sqlite:///")).unlink()
    fresh = console(db_url, ":quit\n")
    assert fresh.returncode == 0, fresh.stderr
    assert "OVHcloud stand-in kept in" in fresh.stdout and "resumed" not in fresh.stdout
