"""The console reads the bot in French or English with `:lang`."""

import subprocess
import sys

import pytest

from tests.support import environment_without_slack

pytestmark = pytest.mark.slow


def test_lang_switches_the_console_between_french_and_english(db_url: str) -> None:
    script = ":lang fr\n/credit aide\n:lang en\n/credit help\n:lang de\n:quit\n"
    env = environment_without_slack(DATABASE_URL=db_url, CREDITBOT_LOCALE="fr_FR")
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
    out = done.stdout
    assert out.startswith("Console locale sur ")  # CREDITBOT_LOCALE=fr_FR
    french, english = out.split("(the bot now answers you in English)")
    assert "(le bot vous répond désormais en français)" in french
    assert "`/credit solde [PROJET]` — ce que le projet peut dépenser" in french
    assert "`/credit balance [PROJECT]` — what the project can spend" in english
    assert "(languages: :lang fr or :lang en)" in english
