"""The local console, driven by a script on its standard input, through the real app and listeners."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import environment_without_slack

pytestmark = pytest.mark.slow

SCRIPT = """\
:as UADMIN
/credit project add prod-eu Prod EU
/credit project link prod-eu
:as UMEMBER
/credit buy 1 500
:as UFINANCE
1
/credit balance
/credit buy
250

:alerts
:quit
"""


def console(db_url: str, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = environment_without_slack()
    env.update(DATABASE_URL=db_url, FINANCE_APPROVERS="", ADMINS="", DIGEST_DAY="off")
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", *args],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_console_completes_buy_approve_and_balance(db_url: str) -> None:
    done = console(db_url, SCRIPT)
    assert done.returncode == 0, done.stderr
    out = done.stdout.replace("\u00a0", " ")
    assert "PO-2026-000001" in out or "PO-" in out
    assert "[1] Approve" in out and "Approved by @UFINANCE" in out
    assert "DM to @UMEMBER" in out
    assert "1 500,00 € available" in out.replace("AVAILABLE", "available")
    assert "┌ Buy cloud credit" in out and "└ submitted" in out
    assert "expired 0 lots; claimed 0 notices; posted 0 messages" in out
    assert "Traceback" not in out + done.stderr


def test_the_console_shows_modal_errors_and_asks_again(db_url: str) -> None:
    script = ":as UADMIN\n/credit project add p P\n/credit project link p\n/credit buy\n1,000\n\n700\n\n:quit\n"
    out = console(db_url, script).stdout
    assert "! amount: " in out and "ambiguous" in out
    assert out.count("└ submitted") == 1


def test_run_without_credentials_and_without_a_terminal_exits_2_with_a_clear_message(
    tmp_path: Path,
) -> None:
    env = environment_without_slack()
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/x.db"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "no Slack credentials" in done.stderr and "creditbot console" in done.stderr


def test_run_without_credentials_in_a_terminal_says_so_in_one_line_and_starts_the_console(
    tmp_path: Path,
) -> None:
    import pty

    env = environment_without_slack()
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/x.db"
    main, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    os.close(terminal)
    os.write(main, b"/credit help\n:quit\n")
    out, err = process.communicate(timeout=60)
    os.close(main)
    assert process.returncode == 0, err
    assert (
        out.splitlines()[0]
        == "No Slack credentials (SLACK_BOT_TOKEN): starting the local console instead."
    )
    assert "/credit balance [PROJECT]" in out


def test_the_console_opens_the_app_home_and_sends_the_chart(db_url: str) -> None:
    script = (
        ":as UADMIN\n/credit project add p P\n/credit project link p\n/credit chart\n:home\n:quit\n"
    )
    out = console(db_url, script).stdout
    assert "── file in DM DUADMIN" in out and "P: credit (" in out
    assert "── App Home of @UADMIN" in out and "PROJECTS" in out
    assert "Traceback" not in out
