"""The operator command line: same services, JSON for scripts, errors on stderr with exit 1."""

import subprocess
import sys
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cli.__main__ import main
from bot.cli.parser import build
from ledger.services import Ledger
from ledger.services.projects import add_project
from tests.cli.runner import Run, command_line
from tests.support import ADMIN, environment_without_slack


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return command_line(db_url, monkeypatch, capsys)


def test_the_whole_flow_works_from_the_command_line(cli: Run) -> None:
    assert cli("project", "add", "prod-eu", "--name", "Prod EU", "--as", "UADMIN")[0] == 0
    assert cli("project", "link", "prod-eu", "--channel", "C0123", "--as", "UADMIN")[0] == 0
    code, po, _ = cli("buy", "1 000", "--project", "prod-eu", "--as", "UMEM", "--json")
    assert code == 0
    year = datetime.now(ZoneInfo("Europe/Paris")).year
    assert {
        k: po[k] for k in ("po", "status", "amount_excl_tax", "vat", "amount_incl_tax", "currency")
    } == {
        "po": f"PO-{year}-000001",
        "status": "pending",
        "amount_excl_tax": "1000.00",
        "vat": "200.00",
        "amount_incl_tax": "1200.00",
        "currency": "EUR",
    }
    assert cli("po", "approve", po["po"], "--as", "UFIN")[0] == 0
    code, voucher, _ = cli(
        "voucher",
        "issue",
        "50",
        "--until",
        str(date.today() + timedelta(days=365)),
        "--as",
        "UFIN",
        "--json",
    )
    assert code == 0 and len(voucher["code"]) == 19
    assert cli("voucher", "redeem", voucher["code"], "--project", "prod-eu", "--as", "UMEM")[0] == 0
    code, bill, _ = cli(
        "charge", "120,50", "--project", "prod-eu", "--key", "b1", "--as", "UFIN", "--json"
    )
    assert code == 0
    assert [a["kind"] for a in bill["allocations"]] == ["voucher", "credit"]
    assert bill["amount"] == "120.50" and bill["due_other"] == "0.00"
    code, bal, _ = cli("balance", "--project", "prod-eu", "--json")
    assert bal["available"] == "929.50" and bal["lots"][0]["kind"] == "credit"
    assert set(bal) >= {"project", "currency", "available", "vouchers", "credit", "lots"}
    assert "+" in bal["lots"][0]["expires_at"]
    code, lines, _ = cli("history", "--project", "prod-eu", "--json")
    assert [line["kind"] for line in lines] == ["debit", "debit", "grant", "grant"]
    assert cli("verify")[0] == 0
    code, csv_text, _ = cli("export", "--format", "csv")
    assert code == 0 and csv_text.count("\n") == 5


def test_errors_go_to_stderr_with_exit_code_one_and_change_nothing(cli: Run) -> None:
    cli("project", "add", "p", "--name", "P", "--as", "UADMIN")
    before = cli("export")[1]
    for argv in (
        ("buy", "1,000", "--project", "p", "--as", "U1"),
        ("buy", "10", "--project", "nope", "--as", "U1"),
        ("project", "add", "q", "--name", "Q", "--as", "U1"),
        ("po", "approve", "PO-2026-000009", "--as", "UFIN"),
        ("balance", "--project", "p", "--at", "yesterday"),
    ):
        code, out, err = cli(*argv)
        assert code == 1 and out == "" and err.startswith("error: ")
    assert "ambiguous" in cli("buy", "1,000", "--project", "p", "--as", "U1")[2]
    assert cli("export")[1] == before


def test_verify_exits_non_zero_and_names_each_mismatch(cli: Run, db_url: str) -> None:
    from sqlalchemy import create_engine, text

    cli("project", "add", "p", "--name", "P", "--as", "UADMIN")
    po = cli("buy", "10", "--project", "p", "--as", "U1", "--json")[1]["po"]
    cli("po", "approve", po, "--as", "UFIN")
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("UPDATE lots SET remaining = 1"))
    engine.dispose()
    code, _, err = cli("verify")
    assert code == 1 and "mismatch: lot 1" in err


def test_a_database_not_yet_migrated_is_reported_not_crashed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/fresh.db")
    assert main(["project", "list"]) == 1
    assert "creditbot db upgrade" in capsys.readouterr().err
    assert main(["db", "upgrade"]) == 0
    assert main(["project", "list"]) == 0


def test_invalid_settings_are_reported_by_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CREDITBOT_TIMEZONE", "Mars/Olympus")
    assert main(["project", "list"]) == 1
    assert "CREDITBOT_TIMEZONE" in capsys.readouterr().err


def test_the_console_script_is_installed(tmp_path: Any) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0 and "voucher" in done.stdout


def test_a_charge_is_voided_from_the_command_line(cli: Run) -> None:
    cli("project", "add", "p", "--name", "P", "--as", "UADMIN")
    po = cli("buy", "10", "--project", "p", "--as", "U1", "--json")[1]["po"]
    cli("po", "approve", po, "--as", "UFIN")
    cli("charge", "4", "--project", "p", "--key", "k1", "--as", "UFIN")
    code, data, _ = cli("void", "k1", "--reason", "wrong project", "--as", "UFIN2", "--json")
    assert code == 0 and data["voided_by"] == "UFIN2"
    assert cli("balance", "--project", "p", "--json")[1]["available"] == "10.00"
    assert cli("void", "k1", "--reason", "again", "--as", "UFIN")[0] == 1
    assert cli("verify")[0] == 0


def test_alerts_dry_run_prints_what_would_be_posted_and_changes_nothing(cli: Run) -> None:
    cli("project", "add", "p", "--name", "P", "--as", "UADMIN")
    cli("project", "link", "p", "--channel", "CPROJ", "--as", "UADMIN")
    until = str(date.today() + timedelta(days=3))
    code = cli("voucher", "issue", "5", "--until", until, "--as", "UFIN", "--json")[1]["code"]
    cli("voucher", "redeem", code, "--project", "p", "--as", "U1")
    before = cli("export")[1]
    status, out, _ = cli("alerts", "run", "--dry-run")
    assert status == 0 and "would post" in out and "expires soon" in out
    assert cli("export")[1] == before


def test_a_voucher_for_a_project_refuses_another_currency(cli: Run) -> None:
    cli("project", "add", "order", "--name", "Order", "--as", "UADMIN")
    before = cli("export")[1]
    code, out, err = cli(
        "voucher", "issue", "10", "--project", "order", "--currency", "USD", "--as", "UFIN"
    )
    assert code == 1 and out == "" and "counts in EUR, not USD" in err
    assert cli("export")[1] == before
    code, voucher, _ = cli("voucher", "issue", "10", "--currency", "USD", "--as", "UFIN", "--json")
    assert code == 0 and voucher["currency"] == "USD"


def test_flags_a_command_would_ignore_or_misread_are_refused_in_one_line(cli: Run) -> None:
    cli("project", "add", "p", "--name", "P", "--as", "UADMIN")
    po = cli("buy", "10", "--project", "p", "--as", "U1", "--json")[1]["po"]
    for argv in (
        ("po", "approve", po, "--reason", "fine", "--as", "UFIN"),
        ("po", "cancel", po, "--reason", "changed my mind", "--as", "U1"),
        ("history", "--project", "p", "--limit", "0"),
        ("history", "--project", "p", "--limit", "-1"),
        ("balance", "--project", "p", "--at", "0001-01-01T00:00:00+01:00"),
        ("export", "--json", "--format", "csv"),
        ("--json", "console"),
    ):
        code, out, err = cli(*argv)
        assert (code, out) == (1, ""), argv
        assert err.startswith("error: ") and err.count("\n") == 1, (argv, err)
    assert cli("po", "list", "--json")[1][0]["status"] == "pending"


@pytest.mark.parametrize(
    "url",
    [
        "nonsense",
        "postgresql://someone:hunter2@127.0.0.1:1/nowhere",
        "sqlite:////no/such/directory/ledger.db",
    ],
)
def test_a_database_that_cannot_be_used_is_one_error_line_without_its_password(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    for argv in (["balance", "--project", "p"], ["db", "upgrade"], ["console"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and "hunter2" not in err


def test_json_is_accepted_before_or_after_the_command_and_by_every_command(cli: Run) -> None:
    cli("project", "add", "p", "--name", "P", "--as", "UADMIN")
    assert cli("--json", "balance", "--project", "p")[1]["available"] == "0.00"
    assert cli("balance", "--project", "p", "--json")[1]["available"] == "0.00"
    assert cli("--json", "db", "upgrade")[1]["up_to_date"] is True
    assert cli("alerts", "run", "--dry-run", "--json")[1]["would_post"] == []
    assert cli("--json", "alerts", "status")[1]["counts"]["sending"] == 0


def test_export_writes_amounts_as_decimal_strings_like_every_other_output(cli: Run) -> None:
    cli("project", "add", "p", "--name", "P", "--as", "UADMIN")
    po = cli("buy", "60", "--project", "p", "--as", "U1", "--json")[1]["po"]
    cli("po", "approve", po, "--as", "UFIN")
    cli("charge", "12,5", "--project", "p", "--key", "k", "--as", "UFIN")
    dump = cli("export", "--json")[1]
    assert dump["purchase_orders"][0]["amount_excl_tax"] == "60.00"
    assert dump["purchase_orders"][0]["amount_incl_tax"] == "72.00"
    assert dump["lots"][0]["initial"] == "60.00" and dump["lots"][0]["remaining"] == "47.50"
    assert dump["charges"][0]["amount"] == "12.50" and dump["charges"][0]["due_other"] == "0.00"
    assert {e["amount"] for e in dump["entries"]} == {"60.00", "12.50"}


def test_piping_into_a_reader_that_stops_early_is_not_an_error_trace(ledger: Ledger) -> None:
    for i in range(800):  # an export far larger than a pipe's buffer
        add_project(ledger, ADMIN, f"project-{i}", f"Project number {i}")
    env = environment_without_slack(DATABASE_URL=ledger.db.engine.url.render_as_string(False))
    piped = subprocess.run(
        f"{sys.executable} -m bot.cli export | head -c 10",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert piped.stdout.startswith("{") and len(piped.stdout) == 10
    assert piped.stderr == ""


def test_importing_the_command_line_leaves_out_the_slack_runtime_and_the_scheduler() -> None:
    probe = (
        "import sys, bot.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('slack_bolt', 'slack_sdk', 'apscheduler', 'prometheus_client', 'gunicorn') or m in "
        "('bot.jobs.alerts', 'bot.jobs.scheduler', 'bot.http', 'bot.serve', 'bot.console')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_history_from_the_command_line_shows_a_bill_no_credit_paid(cli: Run) -> None:
    cli("project", "add", "jp", "--name", "JP", "--currency", "JPY", "--as", "UADMIN")
    assert cli("charge", "10", "--project", "jp", "--key", "k", "--as", "UFIN")[0] == 0
    code, lines, _ = cli("history", "--project", "jp", "--json")
    assert code == 0 and [(r["kind"], r["amount"], r["currency"]) for r in lines] == [
        ("due", "10", "JPY")
    ]
    text = cli("history", "--project", "jp")[1]
    assert "due" in text.casefold() and "other payment means" in text


def test_the_same_command_line_run_twice_creates_two_things(cli: Run) -> None:
    cli("project", "add", "p", "--name", "P", "--as", "UADMIN")
    orders = {cli("buy", "5", "--project", "p", "--as", "U1", "--json")[1]["po"] for _ in "ab"}
    assert len(orders) == 2
    issue = ("voucher", "issue", "5", "--project", "p", "--as", "UFIN", "--json")
    assert cli(*issue)[1]["last4"] != cli(*issue)[1]["last4"]
    assert cli("project", "add", "q", "--name", "Q", "--as", "UADMIN")[0] == 0
    assert {p["id"] for p in cli("project", "list", "--json")[1]} == {"p", "q"}


def test_arguments_out_of_range_or_unwritable_files_are_one_error_line(
    cli: Run, tmp_path: Any
) -> None:
    cli("project", "add", "p", "--name", "P", "--as", "UADMIN")
    for argv in (
        ("history", "--project", "p", "--limit", "99999999999999999999"),
        ("balance", "--project", "p", "--at", "9999-12-31T23:59:59+00:00"),
        ("balance", "--project", "p", "--at", "9999-12-31T23:59:59+00:00", "--json"),
        ("chart", "--project", "p", "--out", f"{tmp_path}/"),
        ("chart", "--project", "p", "--out", f"{tmp_path}/nonexistent/x.png"),
        ("voucher", "issue", "5", "--until", "9999-12-31", "--as", "UFIN"),
        ("charge", "1", "--project", "p", "--key", "k" * 300, "--as", "UFIN"),
    ):
        code, out, err = cli(*argv)
        assert (code, out) == (1, ""), argv
        assert err.startswith("error: ") and err.count("\n") == 1, (argv, err)
    assert cli("history", "--project", "p", "--json")[1] == []


def test_a_voided_charge_that_drew_nothing_shows_as_voided_in_history(cli: Run) -> None:
    cli("project", "add", "p2", "--name", "P2", "--currency", "JPY", "--as", "UADMIN")
    cli("charge", "5", "--project", "p2", "--key", "k1", "--as", "UFIN")
    assert cli("void", "k1", "--reason", "oops", "--as", "UFIN")[0] == 0
    rows = cli("history", "--project", "p2", "--json")[1]
    assert [(r["kind"], r["amount"], r["charge_key"]) for r in rows] == [
        ("void", "5", "k1"),
        ("due", "5", "k1"),
    ]
    assert rows[0]["memo"] == "oops"


def test_the_command_list_says_what_export_and_the_scheduler_now_do() -> None:
    said = " ".join(build().format_help().split())
    assert "export dump the ledger, or the accountant's exports (purchases, due)" in said
    assert "scheduler run only the scheduled jobs (warnings, expiry, reminders, autopilot)" in said
