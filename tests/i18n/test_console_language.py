"""The console speaks the terminal's language (LC_ALL, LC_MESSAGES, LANG) and switches with
`:lang`; what the bot posts to channels stays in CREDITBOT_LOCALE."""

import subprocess
import sys

import pytest

from bot.i18n import terminal_locale
from tests.support import environment_without_slack

pytestmark = pytest.mark.slow


def console(db_url: str, script: str, **env: str) -> str:
    terminal = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C", **env}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input=script,
        capture_output=True,
        text=True,
        env=environment_without_slack(DATABASE_URL=db_url, **terminal),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_lang_switches_the_console_between_french_and_english(db_url: str) -> None:
    script = ":lang fr\n/credit aide\n:lang en\n/credit help\n:lang de\n:quit\n"
    out = console(db_url, script, LANG="fr_FR.UTF-8", CREDITBOT_LOCALE="en_GB")
    assert out.startswith("Console locale sur ")  # LANG=fr_FR.UTF-8
    french, english = out.split("(the bot now answers you in English)")
    assert "(le bot vous répond désormais en français)" in french
    assert "`/credit solde [PROJET]` — ce que le projet peut dépenser" in french
    assert "`/credit balance [PROJECT]` — what the project can spend" in english
    assert "(languages: :lang fr or :lang en)" in english


def test_an_english_terminal_reads_the_console_in_english_and_channels_in_french(
    db_url: str,
) -> None:
    script = (
        ":as UADMIN\n/credit project add prod-eu Prod EU\n/credit project link prod-eu\n"
        ":as UMEMBER\n/credit buy 100\n:quit\n"
    )
    out = console(db_url, script, LANG="C", CREDITBOT_LOCALE="fr_FR")
    assert out.startswith("Local console on ")
    assert "OVHcloud stand-in: project " in out
    assert "Purchase order *PO-2026-000001* sent to finance for approval." in out
    finance = out.split("── #CFINANCE ")[1]
    assert "demande d’acheter du crédit pour *Prod EU*" in finance
    assert "*Projet*       Prod EU (`prod-eu`)" in finance and "*Projet*:" not in finance


def test_lc_all_wins_over_lang_at_the_console(db_url: str) -> None:
    out = console(db_url, ":quit\n", LC_ALL="fr_FR.UTF-8", LANG="C", CREDITBOT_LOCALE="en_GB")
    assert out.startswith("Console locale sur ")
    assert "OVHcloud simulé\u00a0: projet " in out


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr_FR"),
        ({"LANG": "fr_CA.UTF-8@latin"}, "fr_CA"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "C"}, "en"),
        ({"LANG": "C", "LC_ALL": "fr_FR.UTF-8", "LC_MESSAGES": "C"}, "fr_FR"),
        ({"LANG": "fr_FR.UTF-8", "LC_ALL": ""}, "fr_FR"),
    ],
)
def test_the_terminals_language_is_the_first_of_lc_all_lc_messages_and_lang(
    environ: dict[str, str], language: str
) -> None:
    assert terminal_locale(environ) == language
