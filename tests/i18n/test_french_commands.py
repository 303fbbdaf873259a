"""Sub-commands in French: the help shows a French reader the French words, and every one works."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.i18n import translator
from bot.slack import budget_commands
from bot.slack.blocks.help import help_message
from bot.slack.commands import VERBS, word
from ledger.domain import Role
from ledger.services import Ledger
from tests.slack.inprocess import bot_in_process, plain
from tests.support import PARIS, FakeClock

EVERYONE = frozenset({Role.MEMBER, Role.FINANCE, Role.ADMIN})


def test_the_help_shows_a_french_reader_commands_that_all_run() -> None:
    shown = help_message(EVERYONE, translator("fr_FR", PARIS)).text
    commands = re.findall(r"`/credit ([^`\s]+)(?: ([a-zé]+))?", shown)
    assert {first for first, _ in commands} == {
        "solde",
        "historique",
        "prevision",
        "graphique",
        "acheter",
        "annuler",
        "utiliser",
        "projet",
        "en-attente",
        "facturer",
        "bon",
        "budget",
        "dû",
        "exporter",
        "pilote",
    }
    for first, second in commands:
        assert word(first) in VERBS
        if first in ("projet", "bon"):
            assert word(second) in {"add", "link", "list", "issue", "ovh"}
        if first == "budget" and second:
            assert budget_commands.ALIASES[second] in {"set", "clear"}
        if first == "pilote" and second:
            assert word(second) == "on"
    english = help_message(EVERYONE, translator("en_GB", PARIS)).text
    assert "`/credit balance [PROJECT]`" in english and "solde" not in english


def test_every_french_sub_command_does_what_its_english_one_does(
    ledger: Ledger, clock: FakeClock
) -> None:
    with bot_in_process(ledger, "fr_FR", UADMIN="fr-FR", UMEM="fr-FR", UFIN="fr-FR") as bot:
        assert "Projet *Prod EU* (`prod-eu`) ajouté" in plain(
            bot.command("UADMIN", "projet ajouter prod-eu Prod EU")
        )
        bot.command("UADMIN", "projet lier prod-eu", channel="CPROD")
        assert "`prod-eu` *Prod EU*" in plain(bot.command("UMEM", "projet liste"))
        assert "`/credit solde [PROJET]`" in plain(bot.command("UMEM", "aide"))
        bot.command("UMEM", "acheter 100", channel="CPROD")
        assert "1 bon de commande en attente" in plain(bot.command("UFIN", "en-attente"))
        assert plain(bot.command("UMEM", "annuler PO-2026-000001")) == (
            "Le bon de commande *PO-2026-000001* est annulé."
        )
        until = (clock.current + timedelta(days=30)).date().isoformat()
        issued = plain(bot.command("UFIN", f"bon émettre 50 jusqu’au {until}", channel="CPROD"))
        assert issued.startswith("Bon d’achat de 50,00 €, valable jusqu’au")
        code = issued.rsplit(" ", 1)[1]
        assert plain(bot.command("UMEM", f"utiliser {code}", channel="CPROD")).startswith(
            f":tada: Bon d’achat …{code[-4:]} utilisé : 50,00 € sur *Prod EU*"
        )
        assert plain(bot.command("UFIN", "facturer 20 prod-eu", channel="CPROD")).startswith(
            "20,00 € facturé à *Prod EU*"
        )
        assert "*Dépensé* 20,00 €" in plain(bot.command("UMEM", "historique", channel="CPROD"))
        assert "30,00 € disponible" in plain(bot.command("UMEM", "solde prod-eu"))
