"""The command line's human output follows CREDITBOT_LOCALE; its JSON never changes with it."""

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from bot.cli import main
from tests.support import TEST_SECRET

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ADMINS", "UADMIN")
    monkeypatch.setenv("FINANCE_APPROVERS", "UFIN")
    monkeypatch.setenv("CREDITBOT_SECRET", TEST_SECRET)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "FINANCE_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(str(__import__("tempfile").mkdtemp()))

    def run(*argv: str, locale: str = "en_GB") -> tuple[int, str, str]:
        monkeypatch.setenv("CREDITBOT_LOCALE", locale)
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out.replace("\u00a0", " "), err

    return run


def prepare(cli: Run) -> str:
    cli("project", "add", "p", "--name", "P", "--as", "UADMIN")
    cli("project", "link", "p", "--channel", "CPROJ", "--as", "UADMIN")
    cli("buy", "1 500", "--project", "p", "--as", "UMEM")
    cli("po", "list")
    until = str(date.today() + timedelta(days=3))
    code = json.loads(cli("voucher", "issue", "5", "--until", until, "--as", "UFIN", "--json")[1])
    cli("voucher", "redeem", code["code"], "--project", "p", "--as", "UMEM")
    return str(code["last4"])


def test_human_output_is_in_french_when_the_workspace_is(cli: Run) -> None:
    last4 = prepare(cli)
    balance = cli("balance", "--project", "p", locale="fr_FR")[1]
    assert balance.startswith("p : 5,00 € disponible (bons 5,00 €, crédit 0,00 €)")
    assert f"Bon …{last4} : reste 5,00 € sur 5,00 €" in balance
    pending = cli("po", "list", locale="fr_FR")[1]
    assert (
        "PO-" in pending
        and "[en attente] p : 1 500,00 € HT + TVA 20 % 300,00 € = 1 800,00 €" in pending
    )
    status, _, err = cli("balance", "--project", "nowhere", locale="fr_FR")
    assert status == 1 and "il n’y a pas de projet 'nowhere'" in err


def test_human_output_is_in_english_when_the_workspace_is(cli: Run) -> None:
    last4 = prepare(cli)
    balance = cli("balance", "--project", "p", locale="en_GB")[1]
    assert balance.startswith("p: €5.00 available (vouchers €5.00, credit €0.00)")
    assert f"Voucher …{last4}: €5.00 left of €5.00" in balance


@pytest.mark.parametrize(
    "argv",
    [
        ("balance", "--project", "p", "--at", "2030-01-01T00:00:00+01:00"),
        ("history", "--project", "p"),
        ("po", "list"),
        ("project", "list"),
    ],
)
def test_json_output_is_the_same_in_every_language(cli: Run, argv: tuple[str, ...]) -> None:
    prepare(cli)
    said: list[Any] = [
        json.loads(cli(*argv, "--json", locale=locale)[1]) for locale in ("fr_FR", "en_GB")
    ]
    assert said[0] == said[1]


def test_a_dry_run_names_the_channel_it_would_post_to(cli: Run) -> None:
    prepare(cli)
    status, out, _ = cli("alerts", "run", "--dry-run")
    assert status == 0 and "would post to #CPROJ:" in out and "Credit on P expires soon" in out
