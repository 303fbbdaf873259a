"""The main flow read in French, then in English: exact words, dates and amounts."""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.services import Ledger
from tests.slack.inprocess import block_texts, bot_in_process, plain
from tests.support import FakeClock


def test_the_main_flow_reads_in_french(ledger: Ledger, clock: FakeClock) -> None:
    with bot_in_process(ledger, "fr_FR", UADMIN="fr-FR", UMEM="fr-FR", UFIN="fr-FR") as bot:
        bot.command("UADMIN", "projet ajouter prod-eu Prod EU")
        linked = bot.command("UADMIN", "projet lier prod-eu", channel="CPROD")
        assert plain(linked) == "Ce canal appartient désormais au projet *Prod EU*."

        asked = bot.command("UMEM", "acheter 1 500", channel="CPROD")
        assert plain(asked) == (
            "Bon de commande *PO-2026-000001* envoyé à la finance pour approbation. "
            "1 500,00 € HT, 1 800,00 € TTC."
        )
        assert "*TVA 20 %*\n300,00 €" in block_texts(asked)
        finance = bot.posts("CFINANCE")[0]
        assert plain(finance) == (
            "PO-2026-000001 : <@UMEM> demande d’acheter 1 500,00 € HT de crédit pour Prod EU"
        )
        assert "Approuver" in block_texts(finance) and "Refuser" in block_texts(finance)

        bot.click("UFIN", "po_approve", "PO-2026-000001", "CFINANCE", finance.result["ts"])
        updated = bot.standin.of("chat.update")[0]
        assert ":white_check_mark: Approuvé par <@UFIN> le 31 janvier 2026 à 10:00" in block_texts(
            updated
        )
        assert plain(bot.posts("UMEM")[0]) == (
            "Votre bon de commande *PO-2026-000001* a été approuvé par <@UFIN> : 1 500,00 € de "
            "crédit sur *Prod EU*, utilisable jusqu’au 28 février 2027 à 10:00."
        )
        assert plain(bot.posts("CPROD")[0]) == (
            ":moneybag: 1 500,00 € de crédit arrivé sur *Prod EU* (PO-2026-000001), "
            "utilisable jusqu’au 28 février 2027 à 10:00."
        )

        balance = bot.command("UMEM", "solde", channel="CPROD")
        assert plain(balance) == (
            "Prod EU : 1 500,00 € disponible (bons d’achat 0,00 €, crédit 1 500,00 € ; 1 lot) "
            "Au rythme actuel, le crédit dure au-delà du 28 février 2027."
        )
        assert (
            "*Crédit PO-2026-000001* — reste 1 500,00 € sur 1 500,00 € · "
            "jusqu’au 28 février 2027 à 10:00 (393 jours restants)"
        ) in block_texts(balance)

        clock.set(datetime(2027, 2, 21, 8, 0, tzinfo=UTC))
        bot.run_alerts()
        warning = bot.posts("CPROD")[-1]
        assert block_texts(warning) == [
            "Du crédit sur *Prod EU* expire bientôt. Utilisez-le, sinon il sera perdu :",
            ":warning: *Crédit PO-2026-000001* — reste 1 500,00 €, utilisable jusqu’au "
            "28 février 2027 à 10:00 (7 jours restants)",
        ]


def test_the_main_flow_reads_in_english(ledger: Ledger, clock: FakeClock) -> None:
    with bot_in_process(ledger, "en_GB", UADMIN="en-GB", UMEM="en-GB", UFIN="en-US") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        linked = bot.command("UADMIN", "project link prod-eu", channel="CPROD")
        assert plain(linked) == "This channel now belongs to project *Prod EU*."

        asked = bot.command("UMEM", "buy 1 500", channel="CPROD")
        assert plain(asked) == (
            "Purchase order *PO-2026-000001* sent to finance for approval. "
            "€1,500.00 excl. tax, €1,800.00 incl. tax."
        )
        assert "*VAT 20%*\n€300.00" in block_texts(asked)
        finance = bot.posts("CFINANCE")[0]
        assert plain(finance) == (
            "PO-2026-000001: <@UMEM> asks to buy €1,500.00 excl. tax of credit for Prod EU"
        )

        bot.click("UFIN", "po_approve", "PO-2026-000001", "CFINANCE", finance.result["ts"])
        updated = bot.standin.of("chat.update")[0]
        assert ":white_check_mark: Approved by <@UFIN> on 31 Jan 2026 10:00" in block_texts(updated)
        assert plain(bot.posts("UMEM")[0]) == (
            "Your purchase order *PO-2026-000001* was approved by <@UFIN>: €1,500.00 of credit "
            "on *Prod EU*, usable until 28 Feb 2027 10:00."
        )
        assert plain(bot.posts("CPROD")[0]) == (
            ":moneybag: €1,500.00 of credit arrived on *Prod EU* (PO-2026-000001), "
            "usable until 28 Feb 2027 10:00."
        )

        balance = bot.command("UMEM", "balance", channel="CPROD")
        assert plain(balance) == (
            "Prod EU: €1,500.00 available (vouchers €0.00, credit €1,500.00; 1 lot) "
            "At the current rate, credit lasts beyond 28 Feb 2027."
        )
        assert (
            "*Credit PO-2026-000001* — €1,500.00 left of €1,500.00 · "
            "until 28 Feb 2027 10:00 (393 days left)"
        ) in block_texts(balance)

        clock.set(datetime(2027, 2, 21, 8, 0, tzinfo=UTC))
        bot.run_alerts()
        assert block_texts(bot.posts("CPROD")[-1]) == [
            "Credit on *Prod EU* expires soon. Spend it, or it is lost:",
            ":warning: *Credit PO-2026-000001* — €1,500.00 left, usable until "
            "28 Feb 2027 10:00 (7 days left)",
        ]


def test_a_person_reads_their_own_language_while_the_channel_reads_the_workspaces(
    ledger: Ledger,
) -> None:
    with bot_in_process(ledger, "fr_FR", UADMIN="fr-FR", UMEM="en-US", UFIN="fr-FR") as bot:
        bot.command("UADMIN", "projet ajouter prod-eu Prod EU")
        bot.command("UADMIN", "projet lier prod-eu", channel="CPROD")
        asked = bot.command("UMEM", "buy 100", channel="CPROD")
        assert plain(asked).startswith("Purchase order *PO-2026-000001* sent to finance")
        finance = bot.posts("CFINANCE")[0]
        assert plain(finance).startswith("PO-2026-000001 : <@UMEM> demande d’acheter 100,00 €")
        bot.click("UFIN", "po_approve", "PO-2026-000001", "CFINANCE", finance.result["ts"])
        assert plain(bot.posts("UMEM")[0]).startswith("Your purchase order *PO-2026-000001*")
        assert plain(bot.posts("CPROD")[0]).startswith(":moneybag: 100,00 € de crédit arrivé")
