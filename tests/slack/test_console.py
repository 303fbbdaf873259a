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


def console(
    db_url: str, script: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    extra = env or {}
    env = environment_without_slack()
    env.update(DATABASE_URL=db_url, FINANCE_APPROVERS="", ADMINS="", DIGEST_DAY="off", **extra)
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
    assert "€1,500.00 available" in out.replace("AVAILABLE", "available")
    assert "┌ Buy cloud credit" in out and "└ submitted" in out
    assert "expired 0 lots; claimed 0 notices; posted 0 messages" in out
    assert "Traceback" not in out + done.stderr


def test_the_console_shows_modal_errors_and_asks_again(db_url: str) -> None:
    script = ":as UADMIN\n/credit project add p P\n/credit project link p\n/credit buy\n1,000\n\n700\n\n:quit\n"
    out = console(db_url, script).stdout
    assert "! Amount excl. tax: " in out and "ambiguous" in out
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


def test_end_of_input_inside_a_form_ends_the_console_cleanly(db_url: str) -> None:
    env = environment_without_slack(DATABASE_URL=db_url, ADMINS="UMEMBER")
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input="/credit project add p P\n/credit buy\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("└ cancelled")
    assert "Traceback" not in done.stdout + done.stderr


def test_a_form_is_left_with_cancel_and_quit_is_never_read_as_an_amount(db_url: str) -> None:
    script = (
        ":as UADMIN\n/credit project add p P\n/credit project link p\n"
        "/credit buy\n:cancel\n/credit project list\n/credit buy\n:quit\n/credit help\n"
    )
    done = console(db_url, script)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("└ cancelled") == 2 and "└ submitted" not in out
    assert "! Amount" not in out and "PO-" not in out
    _, after_cancel, after_quit = out.split("└ cancelled")
    assert "PROJECTS" in after_cancel  # the console went on
    assert after_quit.strip() == ""  # :quit left the console


def test_a_refused_field_is_shown_next_to_it_and_never_also_sent_as_a_message(
    db_url: str,
) -> None:
    script = (
        ":as UADMIN\n/credit project add p P\n/credit project link p\n"
        "/credit buy\n1,000\n\n700\n\n"
        ":as UFINANCE\n2\n\ntoo much this month\n:quit\n"
    )
    done = console(db_url, script)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("└ submitted") == 2
    assert out.count("ambiguous") == 1 and "! Amount excl. tax: " in out
    assert "! Why is it rejected? " in out and "A rejection needs a reason" not in out
    assert "Rejected by @UFINANCE" in out


def _last(out: str, heading: str) -> str:
    """The last message shown under `heading`, up to the next one."""
    return out.rsplit(heading, 1)[1].split("── ", 1)[0]


def test_deciding_one_order_of_the_pending_list_changes_only_its_row(db_url: str) -> None:
    buys = "".join(f"/credit buy {10 + i}\n" for i in range(15))
    # 15 orders announced to finance (buttons 1-30), then the list (31-60); approving the
    # 7th order (43) redraws the list: 14 orders keep their buttons (31-58), the 8th
    # order's Reject is now 44.
    script = (
        ":as UADMIN\n/credit project add p P\n/credit project link p\n:as UMEMBER\n"
        f"{buys}:as UFINANCE\n/credit pending\n43\n44\nnot this month\n:quit\n"
    )
    done = console(db_url, script)
    assert done.returncode == 0, done.stderr
    approved = _last(done.stdout.split("└ submitted")[0], "── only you ─")
    assert approved.count("Approve PO-") == 14 and "Approve PO-2026-000007" not in approved
    assert "Approved by @UFINANCE" in approved and "15 PURCHASE" not in approved
    rejected = _last(done.stdout, "── only you ─")
    assert rejected.count("Approve PO-") == 13
    assert "Approved by @UFINANCE" in rejected and "Rejected by @UFINANCE" in rejected
    assert "not this month" in rejected


def test_deciding_one_order_of_the_morning_digest_changes_only_its_row(db_url: str) -> None:
    env = environment_without_slack(DATABASE_URL=db_url, PO_REMINDER_DAYS="0")
    script = (
        ":as UADMIN\n/credit project add p P\n/credit project link p\n:as UMEMBER\n"
        "/credit buy 10\n/credit buy 20\n/credit buy 30\n:as UFINANCE\n:alerts\n9\n:quit\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    digest = _last(done.stdout, "── #CFINANCE, message updated ─")
    assert "have waited" in digest
    assert "Approve PO-2026-000001" in digest and "Approve PO-2026-000003" in digest
    assert "Approve PO-2026-000002" not in digest and "Approved by @UFINANCE" in digest


def test_the_console_opens_the_app_home_and_sends_the_chart(db_url: str) -> None:
    script = (
        ":as UADMIN\n/credit project add p P\n/credit project link p\n/credit chart\n:home\n:quit\n"
    )
    out = console(db_url, script).stdout
    assert "── file in DM DUADMIN" in out and "P: credit (" in out
    assert "── App Home of @UADMIN" in out and "PROJECTS" in out
    assert "Traceback" not in out


def test_a_second_console_session_on_the_same_database_never_replays_the_first(
    db_url: str,
) -> None:
    first = console(
        db_url, ":as UADMIN\n/credit project add prod-eu Prod EU\n/credit buy 5 prod-eu\n"
    )
    assert first.returncode == 0, first.stderr
    assert "PO-2026-000001" in first.stdout
    script = "/credit project add other Other\n/credit buy 5 prod-eu\n/credit buy\n7\n1\n"
    second = console(db_url, script, "--as", "UADMIN").stdout
    assert "already made" not in second
    assert "other" in console(db_url, "/credit project list\n", "--as", "UADMIN").stdout
    assert "PO-2026-000002" in second and "PO-2026-000003" in second


def test_a_console_command_holding_a_nul_or_a_lone_surrogate_gets_the_polite_refusal(
    db_url: str,
) -> None:
    env = environment_without_slack()
    env.update(DATABASE_URL=db_url, FINANCE_APPROVERS="", ADMINS="", DIGEST_DAY="off", LANG="C")
    script = (
        b":lang en\n:as UADMIN\n/credit project add p P\n"
        b"/credit balance p\x00\n/credit balance p\xed\xa0\x80\n/credit balance p\xff\n:quit\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input=script,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    out = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, done.stderr
    assert out.count("That text holds characters I cannot store (such as a NUL).") == 3, out
    assert "Traceback" not in out + done.stderr.decode("utf-8", "replace")


def test_the_console_chooses_any_of_many_projects_in_the_buy_form_by_typing_part_of_it(
    db_url: str,
) -> None:
    adds = "".join(f"/credit project add t{i:03d} Team {i:03d}\n" for i in range(105))
    script = f":lang en\n:as UADMIN\n{adds}:as UMEMBER\n/credit buy\n700\nteam 10\n3\n:quit\n"
    done = console(db_url, script)
    assert done.returncode == 0, done.stderr
    out = done.stdout.replace("\u00a0", " ")
    form = out[out.index("┌ Buy cloud credit") :]
    assert "1. Team 000 (t000)" in form and "100. Team 099 (t099)" in form
    assert "101." not in form
    assert "3. Team 102 (t102)" in form and "└ submitted" in form
    assert "Purchase order *PO-2026-000001* sent to finance" in out or "PO-2026-000001" in out
    assert "Team 102" in out[out.index("└ submitted") :]
    assert "Traceback" not in out + done.stderr
