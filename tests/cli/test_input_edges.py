"""Input bounded at the edge: each mistake is one clear line and changes nothing."""

from pathlib import Path

import pytest
from freezegun import freeze_time
from pydantic import ValidationError

from bot.settings import Settings
from tests.cli.runner import Run, command_line


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    run = command_line(db_url, monkeypatch, capsys)
    assert run("project", "add", "p1", "--name", "P1", "--as", "UADMIN")[0] == 0
    return run


def test_an_as_longer_than_a_stored_user_id_is_refused_in_one_line(cli: Run) -> None:
    code, out, err = cli("buy", "300", "--project", "p1", "--as", "U" + "A" * 5000)
    assert code == 1 and "is not a Slack user id" in err and not out
    assert len(err.splitlines()) == 1 and len(err) < 300
    assert cli("po", "list", "--json")[1] == []


def test_settings_refuse_a_user_id_longer_than_a_stored_one() -> None:
    with pytest.raises(ValidationError, match="not a Slack user id"):
        Settings(_env_file=None, finance_approvers="U" + "A" * 100)  # type: ignore[call-arg]


def test_a_database_url_naming_a_file_that_is_not_a_database_is_one_line(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("these are notes, not a database\n" * 200)
    run = command_line(f"sqlite:///{junk}", monkeypatch, capsys)
    code, out, err = run("project", "list")
    assert code == 1 and not out
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "not a database" in err


def test_an_empty_imported_code_is_refused_not_replaced_by_a_random_one(cli: Run) -> None:
    code, out, err = cli("voucher", "issue", "10", "--code", "", "--as", "UFIN")
    assert code == 1 and not out and "code" in err
    code, out, err = cli("voucher", "issue", "10", "--code", "   ", "--as", "UFIN")
    assert code == 1 and not out


@pytest.mark.parametrize("currency", ["XXX", "XTS", "XAU", "ABC", "FRF", "EURO"])
def test_a_currency_must_be_a_real_iso_4217_code(cli: Run, currency: str) -> None:
    code, _, err = cli(
        "project", "add", "p2", "--name", "P2", "--currency", currency, "--as", "UADMIN"
    )
    assert code == 1 and "is not an ISO 4217 currency code" in err
    assert [p["id"] for p in cli("project", "list", "--json")[1]] == ["p1"]


def test_a_currency_is_read_in_any_case_everywhere(cli: Run) -> None:
    assert (
        cli("project", "add", "p2", "--name", "P2", "--currency", "usd", "--as", "UADMIN")[0] == 0
    )
    code, voucher, _ = cli(
        "voucher", "issue", "10", "--currency", "Usd", "--project", "p2", "--as", "UFIN", "--json"
    )
    assert code == 0 and voucher["currency"] == "USD"
    code, po, _ = cli("buy", "20 usd", "--project", "p2", "--as", "UMEM", "--json")
    assert code == 0 and po["currency"] == "USD"
    code, charged, _ = cli("charge", "5 usd", "--project", "p2", "--as", "UFIN", "--json")
    assert code == 0 and charged["amount"] == "5.00"


@pytest.mark.parametrize("text", ["late\x07", "esc\x1b[31m", "del\x7f", "c1\x85x", "bidi\u202etxt"])
def test_control_characters_in_reasons_and_memos_are_refused(cli: Run, text: str) -> None:
    code, po, _ = cli("buy", "300", "--project", "p1", "--as", "UMEM", "--json")
    code, _, err = cli("po", "reject", po["po"], "--reason", text, "--as", "UFIN")
    assert code == 1 and "control characters" in err
    assert cli("po", "list", "--json")[1][0]["status"] == "pending"
    code, _, err = cli("charge", "5", "--project", "p1", "--memo", text, "--as", "UFIN")
    assert code == 1 and "control characters" in err
    code, bill, _ = cli("charge", "5", "--project", "p1", "--as", "UFIN", "--json")
    code, _, err = cli("void", bill["key"], "--reason", text, "--as", "UFIN")
    assert code == 1 and "control characters" in err
    assert cli("history", "--project", "p1", "--json")[1][0]["kind"] == "due"


def test_a_reason_on_several_lines_is_kept_on_one(cli: Run) -> None:
    code, po, _ = cli("buy", "300", "--project", "p1", "--as", "UMEM", "--json")
    code, rejected, _ = cli(
        "po", "reject", po["po"], "--reason", "over\n budget\tthis month", "--as", "UFIN", "--json"
    )
    assert code == 0 and rejected["reason"] == "over budget this month"


def test_balance_at_a_day_means_the_end_of_that_day_in_the_workspace_zone(cli: Run) -> None:
    with freeze_time("2026-12-06T22:30:00Z"):  # 23:30 in Paris, 6 December
        code, po, _ = cli("buy", "300", "--project", "p1", "--as", "UMEM", "--json")
        assert cli("po", "approve", po["po"], "--as", "UFIN")[0] == 0
    with freeze_time("2026-12-10T10:00:00Z"):
        code, on_the_day, _ = cli("balance", "--project", "p1", "--at", "2026-12-06", "--json")
        assert code == 0 and on_the_day["available"] == "300.00"
        code, day_before, _ = cli("balance", "--project", "p1", "--at", "2026-12-05", "--json")
        assert code == 0 and day_before["available"] == "0.00"


def test_a_charge_above_charge_max_amount_is_refused(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli("charge", "1000000.01", "--project", "p1", "--as", "UFIN")
    assert code == 1 and "at most" in err and "1,000,000.00" in err
    assert cli("history", "--project", "p1", "--json")[1] == []
    assert cli("charge", "1000000", "--project", "p1", "--as", "UFIN")[0] == 0
    monkeypatch.setenv("CHARGE_MAX_AMOUNT", "50")
    code, _, err = cli("charge", "51", "--project", "p1", "--as", "UFIN")
    assert code == 1 and "€50.00" in err
