"""User ids on the command line and in the settings are Slack's: upper case, U/W or S shaped."""

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from tests.cli.runner import Run, command_line


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return command_line(db_url, monkeypatch, capsys, admins="uadmin", finance="ufin, UFIN2")


def test_as_in_lower_case_is_the_same_person_so_four_eyes_still_holds(cli: Run) -> None:
    assert cli("project", "add", "p1", "--name", "P1", "--as", "UADMIN")[0] == 0
    code, po, _ = cli("buy", "300", "--project", "p1", "--as", "ufin", "--json")
    assert code == 0 and po["requested_by"] == "UFIN"
    code, _, err = cli("po", "approve", po["po"], "--as", "UFIN")
    assert code == 1 and "someone else in finance must approve it" in err
    assert cli("po", "approve", po["po"], "--as", "ufin2")[0] == 0


@pytest.mark.parametrize("who", ["bob", "C0123", "S0123", "U-1", ""])
def test_as_refuses_an_id_that_is_not_a_slack_user_id(cli: Run, who: str) -> None:
    code, out, err = cli("project", "add", "p1", "--name", "P1", "--as", who)
    assert code == 1 and "is not a Slack user id" in err and not out
    assert cli("project", "list", "--json")[1] == []


def test_ids_from_the_settings_are_read_in_upper_case() -> None:
    settings = Settings(_env_file=None, finance_approvers="ufin, sfinance", admins="wadmin")  # type: ignore[call-arg]
    assert settings.finance_approvers == ("UFIN", "SFINANCE")
    assert settings.admins == ("WADMIN",)


@pytest.mark.parametrize("value", ["bob", "UFIN,#finance", "C0123"])
def test_settings_refuse_ids_that_are_not_slack_shaped(value: str) -> None:
    with pytest.raises(ValidationError, match="not a Slack user id"):
        Settings(_env_file=None, finance_approvers=value)  # type: ignore[call-arg]


def test_the_console_refuses_an_as_that_is_not_a_slack_user_id(cli: Run) -> None:
    code, _, err = cli("console", "--as", "bob")
    assert code == 1 and "is not a Slack user id" in err
