"""The command line's human output is in the language of the person at the terminal
(LC_ALL, LC_MESSAGES, LANG); what it posts to channels follows CREDITBOT_LOCALE; its JSON
never changes with either."""

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from bot.cli.__main__ import main
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

    def run(
        *argv: str, lang: str = "C", locale: str = "en_GB", **terminal: str
    ) -> tuple[int, str, str]:
        """`lang`: LANG; `locale`: CREDITBOT_LOCALE (channels); `terminal`: LC_ALL, LC_MESSAGES."""
        monkeypatch.setenv("LANG", lang)
        monkeypatch.setenv("CREDITBOT_LOCALE", locale)
        for name in ("LC_ALL", "LC_MESSAGES"):
            if name in terminal:
                monkeypatch.setenv(name, terminal[name])
            else:
                monkeypatch.delenv(name, raising=False)
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


def test_human_output_is_in_french_at_a_french_terminal(cli: Run) -> None:
    last4 = prepare(cli)
    balance = cli("balance", "--project", "p", lang="fr_FR.UTF-8")[1]
    assert balance.startswith("P : 5,00 € disponible (bons d’achat 5,00 €, crédit 0,00 €)")
    assert f"Bon d’achat …{last4} : reste 5,00 € sur 5,00 €" in balance
    pending = cli("po", "list", lang="fr_FR.UTF-8")[1]
    assert (
        "PO-" in pending
        and "[en attente] P : 1 500,00 € HT + TVA 20 % 300,00 € = 1 800,00 €" in pending
    )
    status, _, err = cli("balance", "--project", "nowhere", lang="fr_FR.UTF-8")
    assert status == 1 and err.startswith("erreur\u00a0: ") and "il n’y a pas de projet" in err


@pytest.mark.parametrize("lang", ["C", "POSIX", "C.UTF-8", ""])
def test_human_output_is_in_english_at_a_c_terminal_even_in_a_french_workspace(
    cli: Run, lang: str
) -> None:
    last4 = prepare(cli)
    balance = cli("balance", "--project", "p", lang=lang, locale="fr_FR")[1]
    assert balance.startswith("P: €5.00 available (vouchers €5.00, credit €0.00)")
    assert f"Voucher …{last4}: €5.00 left of €5.00" in balance
    status, _, err = cli("balance", "--project", "nowhere", lang=lang, locale="fr_FR")
    assert status == 1 and err.startswith("error: there is no project")


def test_the_first_of_lc_all_lc_messages_and_lang_that_is_set_chooses_the_language(
    cli: Run,
) -> None:
    prepare(cli)
    french = "P : 5,00 € disponible"
    assert cli("balance", "--project", "p", lang="C", LC_MESSAGES="fr_FR.UTF-8")[1].startswith(
        french
    )
    said = cli("balance", "--project", "p", lang="fr_FR.UTF-8", LC_ALL="C", LC_MESSAGES="fr_FR")[1]
    assert said.startswith("P: €5.00 available")
    assert cli("balance", "--project", "p", lang="de_DE.UTF-8")[1].startswith("P: €5.00 available")


def test_a_usage_error_is_in_the_terminals_language(cli: Run) -> None:
    status, _, err = cli("balance", "--nonsense", lang="fr_FR.UTF-8")
    assert (
        status == 1
        and err.startswith("erreur\u00a0: ")
        and "(voir `creditbot balance --help`)" in err
    )


@pytest.mark.parametrize(
    ("argv", "french", "english"),
    [
        (
            ("balance", "--project", "p", "--nonsense"),
            "arguments inconnus : --nonsense",
            "unrecognized arguments",
        ),
        (
            ("po", "list", "--status", "bogus"),
            "argument --status : choix invalide : 'bogus' (choisir parmi 'pending',",
            "invalid choice: 'bogus' (choose from 'pending',",
        ),
        (
            ("budget", "set", "--as", "UFIN"),
            "arguments obligatoires manquants : --project, --amount, --period",
            "the following arguments are required: --project, --amount, --period",
        ),
        (("po", "show", "--project"), "arguments obligatoires manquants", "are required"),
        (("buy", "5", "--project"), "argument --project : une valeur attendue", "expected one"),
    ],
)
def test_argparse_s_own_complaints_are_in_the_terminals_language(
    cli: Run, argv: tuple[str, ...], french: str, english: str
) -> None:
    status, _, err = cli(*argv, lang="fr_FR.UTF-8")
    said = err.replace("\u00a0", " ")
    assert status == 1 and french in said and english not in said
    status, _, err = cli(*argv, lang="C")
    assert status == 1 and english in err and "erreur" not in err


def test_the_help_keeps_its_english_headings_at_a_french_terminal(cli: Run) -> None:
    status, out, _ = cli("budget", "set", "--help", lang="fr_FR.UTF-8")
    assert status == 0 and out.startswith("usage: creditbot budget set") and "options:" in out


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
        json.loads(cli(*argv, "--json", lang=lang, locale=locale)[1])
        for lang, locale in (("fr_FR.UTF-8", "fr_FR"), ("C", "en_GB"), ("C", "fr_FR"))
    ]
    assert said[0] == said[1] == said[2]


def test_a_dry_run_names_the_channel_it_would_post_to(cli: Run) -> None:
    prepare(cli)
    status, out, _ = cli("alerts", "run", "--dry-run")
    assert status == 0 and "would post to #CPROJ:" in out and "Credit on P expires soon" in out


def test_a_dry_run_speaks_to_the_terminal_and_shows_the_channels_words(cli: Run) -> None:
    prepare(cli)
    status, out, _ = cli("alerts", "run", "--dry-run", lang="C", locale="fr_FR")
    assert (
        status == 0 and "would post to #CPROJ:" in out and "Du crédit sur P expire bientôt" in out
    )


def test_alerts_status_names_every_state_in_the_terminals_language(cli: Run) -> None:
    prepare(cli)
    status, out, _ = cli("alerts", "status", lang="fr_FR.UTF-8")
    assert status == 0
    assert out.strip() == (
        "1 en attente, 0 en cours d’envoi, 0 publiée, 0 impossible à remettre, "
        "0 abandonnée (plus rien à signaler)"
    )
    english = cli("alerts", "status")[1].strip()
    assert english == (
        "1 pending, 0 sending, 0 posted, 0 undeliverable, 0 dropped (nothing left to warn about)"
    )
    assert json.loads(cli("alerts", "status", "--json", lang="fr_FR.UTF-8")[1])["counts"] == {
        "pending": 1,
        "sending": 0,
        "posted": 0,
        "undeliverable": 0,
        "dropped": 0,
    }
