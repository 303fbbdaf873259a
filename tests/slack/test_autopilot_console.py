"""The autopilot in the local console: turned on, drafting at `:alerts`, its state read,
in English and in French."""

import pytest

from tests.slack.test_console import console

pytestmark = pytest.mark.slow

SCRIPT = """\
:as UADMIN
/credit project add prod-eu Prod EU
/credit project link prod-eu
:as UMEMBER
/credit buy 100
:as UFINANCE
1
/credit charge 300
/credit {on}
:alerts
/credit {state}
:quit
"""


def test_the_console_turns_the_autopilot_on_drafts_at_the_run_and_shows_its_state(
    db_url: str,
) -> None:
    done = console(db_url, SCRIPT.format(on="autopilot on cover 30", state="autopilot"))
    assert done.returncode == 0, done.stderr
    out = done.stdout.replace("\u00a0", " ")
    assert "@UFINANCE turned the autopilot on for *Prod EU*." in out or (
        "turned the autopilot on for Prod EU" in out
    )
    assert "The autopilot drafted this order for" in out
    assert "The autopilot drafted purchase order" in out  # the project's channel
    assert "Drafted PO-2026-000002 today" in out
    assert "@autopilot" not in out
    assert "Traceback" not in out + done.stderr


def test_the_console_speaks_french_to_a_french_terminal(db_url: str) -> None:
    script = SCRIPT.format(on="pilote activer couverture 30", state="pilote")
    done = console(db_url, script, env={"LANG": "fr_FR.UTF-8", "CREDITBOT_LOCALE": "fr_FR"})
    assert done.returncode == 0, done.stderr
    out = done.stdout.replace("\u00a0", " ")
    assert "Le pilote automatique a préparé ce bon de commande pour" in out
    assert "PO-2026-000002 préparé aujourd’hui" in out
    assert "Traceback" not in out + done.stderr
