"""Several approvers in the console: the same flows as in Slack, in a terminal."""

import pytest

from tests.slack.test_console import console

pytestmark = pytest.mark.slow

SCRIPT = """\
:as UADMIN
/credit project add prod-eu Prod EU
/credit project link prod-eu
:as UMEMBER
/credit buy 1 500
:as UFINANCE
1
1
/credit pending
:as UFINANCE2
1
:quit
"""


def test_the_console_counts_two_approvals_keeps_the_buttons_and_decides_at_the_second(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPROVAL_TIERS", "1000:2")
    done = console(db_url, SCRIPT)
    assert done.returncode == 0, done.stderr
    out = done.stdout.replace("\u00a0", " ")
    first, _, last = out.partition("(you are now UFINANCE2)")
    assert "needs 2 approvals" in first
    assert "1 of 2 approvals: @UFINANCE, " in first and "[3] Approve PO-2026-000001" in first
    assert "You approved *PO-2026-000001*; it needs 1 more approval before it is paid." in first
    assert "You already approved PO-2026-000001" in first
    assert "DM to @UMEMBER" not in first
    assert "Approved by @UFINANCE2" in last and "2 of 2 approvals: @UFINANCE, " in last
    assert "DM to @UMEMBER" in last
    assert "Traceback" not in out + done.stderr
