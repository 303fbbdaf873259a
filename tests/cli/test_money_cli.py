"""The command line's side of money controls: arguments that cannot be stored, the
server secret, and vouchers announced to finance."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.standin import SlackStandIn
from tests.cli.runner import Run, command_line


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return command_line(db_url, monkeypatch, capsys, finance="UFIN")


@pytest.mark.parametrize("name", ["Prod\x00EU", "Prod EU\udcff"])
def test_an_argument_that_cannot_be_stored_is_refused_in_one_line(cli: Run, name: str) -> None:
    code, out, err = cli("project", "add", "prod-eu", "--name", name, "--as", "UADMIN")
    assert code == 1 and not out
    assert (
        err.strip() == "error: an argument holds characters that cannot be stored (such as a NUL)"
    )
    assert cli("project", "list", "--json")[1] == []


@pytest.mark.parametrize(
    ("command", "slack"),
    [
        ("serve", {"SLACK_SIGNING_SECRET": "s"}),
        ("run", {"SLACK_SIGNING_SECRET": "s"}),
        ("run", {"SLACK_APP_TOKEN": "xapp-1"}),
    ],
)
def test_the_bot_refuses_to_serve_slack_without_the_server_secret(
    cli: Run, monkeypatch: pytest.MonkeyPatch, command: str, slack: dict[str, str]
) -> None:
    monkeypatch.delenv("CREDITBOT_SECRET")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    for name, value in slack.items():
        monkeypatch.setenv(name, value)
    code, _, err = cli(command)
    assert code == 2 and "set CREDITBOT_SECRET" in err


def test_a_short_server_secret_is_refused(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDITBOT_SECRET", "short")
    code, _, err = cli("project", "list")
    assert code == 1 and "CREDITBOT_SECRET needs at least 32 characters" in err


def test_a_voucher_issued_from_the_command_line_is_announced_without_its_code(
    cli: Run, monkeypatch: pytest.MonkeyPatch, standin: SlackStandIn
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_API_URL", standin.api_url)
    monkeypatch.setenv("FINANCE_CHANNEL", "CFINANCE")
    code, voucher, _ = cli("voucher", "issue", "40", "--as", "UFIN", "--json")
    assert code == 0
    (news,) = standin.of("chat.postMessage")
    text = news.params["text"]
    assert news.params["channel"] == "CFINANCE" and "<@UFIN>" in text
    assert f"…{voucher['last4']}" in text and voucher["code"] not in text
    assert not any(re.search(r"[0-9a-f]{64}", json.dumps(v)) for v in voucher.values())


def test_a_voucher_issued_without_slack_says_finance_was_not_told(cli: Run) -> None:
    code, _, err = cli("voucher", "issue", "40", "--as", "UFIN")
    assert code == 0 and "voucher not announced to finance" in err


@pytest.mark.parametrize(
    ("config", "said"),
    [
        ("missing.conf.py", "No such file"),
        ("workers = 'many'\n", "workers"),
        ("worker_class = \n", "invalid syntax"),
    ],
)
def test_serve_refuses_a_gunicorn_config_it_cannot_use_in_one_line(
    cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, config: str, said: str
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    path = tmp_path / "gunicorn.conf.py"
    if config.endswith(".py"):
        path = tmp_path / config
    else:
        path.write_text(config)
    code, out, err = cli("serve", "--config", str(path))
    assert code == 2 and not out
    assert err.startswith("error: gunicorn settings: ") and said in err, err
    assert "Traceback" not in err
