"""`/credit autopilot` in Slack, in English and French, and what the daily run posts when
it drafts: finance's card, the project channel's news, no DM to the autopilot."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from bot import autopilot_words
from bot.i18n import translator
from bot.slack.blocks.purchase_orders import po_for_approval
from ledger.services import Ledger
from ledger.services.autopilot import status
from ledger.services.billing import charge
from ledger.services.order_expiry import expire_orders
from ledger.services.purchases import (
    approve_purchase,
    get_purchase_order,
    reject_purchase,
    request_purchase,
)
from tests.slack.inprocess import Bot, block_texts, bot_in_process, plain
from tests.support import FINANCE, MEMBER, FakeClock, eur

FIN = "UFIN"


def _running_out(ledger: Ledger, clock: FakeClock) -> None:
    """prod-eu burns 10 € a day and has no credit left."""
    clock.advance(days=40)
    po = request_purchase(ledger, MEMBER, "prod-eu", eur("100"))
    approve_purchase(ledger, FINANCE, po.number)
    charge(ledger, FINANCE, "prod-eu", eur("300"), "march")


def test_finance_turns_the_autopilot_on_with_cover_and_cap_and_finance_is_told(
    ledger: Ledger, clock: FakeClock
) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        said = plain(bot.command(FIN, "autopilot on prod-eu cover 60 cap 5 000"))
        assert "*Prod EU* (`prod-eu`) · Autopilot on · cover 60 days · monthly cap €5,000" in said
        (state,) = status(ledger, "prod-eu")
        assert (state.enabled, state.cover_days, state.monthly_cap) == (True, 60, eur("5000"))
        (news,) = bot.posts("CFINANCE")
        assert "<@UFIN> turned the autopilot on for *Prod EU*." in plain(news)
        bot.command(FIN, "autopilot off prod-eu")
        assert not status(ledger, "prod-eu")[0].enabled
        assert "<@UFIN> turned the autopilot off for *Prod EU*." in plain(bot.posts("CFINANCE")[1])


def test_turning_off_an_autopilot_already_off_changes_nothing_and_tells_finance_nothing(
    ledger: Ledger,
) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        said = plain(bot.command(FIN, "autopilot off prod-eu"))  # never turned on
        assert "Autopilot off" in said
        bot.command(FIN, "autopilot on prod-eu")
        bot.command(FIN, "autopilot off prod-eu")
        bot.command(FIN, "autopilot off prod-eu")  # again: it already is
        news = [plain(post) for post in bot.posts("CFINANCE")]
    assert len(news) == 2
    assert "turned the autopilot on" in news[0] and "<@UFIN> turned the autopilot off" in news[1]
    assert status(ledger, "prod-eu")[0].changed_by == FIN


def test_the_project_may_come_last_and_the_channel_project_is_the_default(
    ledger: Ledger,
) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        bot.command("UADMIN", "project link prod-eu", channel="CPROD")
        bot.command(FIN, "autopilot on cover 30 cap 1 500 prod-eu")
        assert status(ledger, "prod-eu")[0].monthly_cap == eur("1500")
        bot.command(FIN, "autopilot on cap none", channel="CPROD")
        (state,) = status(ledger, "prod-eu")
        assert (state.cover_days, state.monthly_cap) == (30, None)


def test_anyone_reads_the_state_and_when_the_next_draft_is_expected(
    ledger: Ledger, clock: FakeClock
) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        assert "Autopilot off" in plain(bot.command("UMEM", "autopilot prod-eu"))
        clock.advance(days=40)
        request_purchase(ledger, MEMBER, "prod-eu", eur("1000"))
        approve_purchase(ledger, FINANCE, "PO-2026-000001")
        charge(ledger, FINANCE, "prod-eu", eur("300"), "march")
        bot.command(FIN, "autopilot on prod-eu")
        said = plain(bot.command("UMEM", "autopilot"))
        assert "Next draft expected on 16 May 2026." in said
        assert "Changed by <@UFIN> on 12 Mar 2026" in " ".join(
            block_texts(bot.command("UMEM", "autopilot prod-eu"))
        )


def test_a_member_may_not_turn_the_autopilot_on_or_off_and_nothing_changes(
    ledger: Ledger,
) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        for text in ("autopilot on prod-eu", "autopilot off prod-eu"):
            assert "Only finance may turn the autopilot" in plain(bot.command("UMEM", text))
        assert not status(ledger, "prod-eu")[0].enabled
        assert bot.posts("CFINANCE") == []


def test_a_bad_cover_a_bad_cap_or_an_unknown_project_is_refused_with_the_reason(
    ledger: Ledger,
) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        refusals = {
            "autopilot on prod-eu cover 0": "the cover is from 1 to 400 days",
            "autopilot on prod-eu cover many": "the cover is a number of days",
            "autopilot on prod-eu cap 12,50": "a monthly cap is in whole units",
            "autopilot on prod-eu cap -5": "",
            "autopilot on prod-eu cap": "a cap needs an amount",
            "autopilot on staging": "there is no project 'staging'",
        }
        for text, reason in refusals.items():
            said = plain(bot.command(FIN, text)).casefold()
            assert reason.casefold() in said, (text, said)
        assert not status(ledger, "prod-eu")[0].enabled


def test_french_words_turn_the_autopilot_on_and_answer_in_french(ledger: Ledger) -> None:
    with bot_in_process(ledger, "fr_FR", UFIN="fr-FR", UADMIN="fr-FR") as bot:
        bot.command("UADMIN", "projet ajouter prod-eu Prod EU")
        said = plain(bot.command(FIN, "pilote activer prod-eu couverture 45 plafond 2 000"))
        assert "Pilote automatique activé · couverture de 45 jours" in said
        assert "plafond mensuel de 2 000 €" in said
        (state,) = status(ledger, "prod-eu")
        assert (state.cover_days, state.monthly_cap) == (45, eur("2000"))
        bot.command(FIN, "pilote désactiver prod-eu")
        assert "Pilote automatique désactivé" in plain(bot.command(FIN, "pilote prod-eu"))


def test_pilote_statut_and_arreter_are_french_for_status_and_off(ledger: Ledger) -> None:
    with bot_in_process(ledger, "fr_FR", UFIN="fr-FR", UADMIN="fr-FR") as bot:
        bot.command("UADMIN", "projet ajouter prod-eu Prod EU")
        bot.command(FIN, "pilote activer prod-eu")
        assert "Pilote automatique activé" in plain(bot.command(FIN, "pilote statut prod-eu"))
        bot.command(FIN, "pilote arrêter prod-eu")
        assert not status(ledger, "prod-eu")[0].enabled
        bot.command(FIN, "pilote activer prod-eu")
        bot.command(FIN, "pilote arreter prod-eu")
        assert not status(ledger, "prod-eu")[0].enabled


def test_the_run_drafts_and_finance_reads_it_was_the_autopilot_and_the_channel_is_told(
    ledger: Ledger, clock: FakeClock
) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        bot.command("UADMIN", "project link prod-eu", channel="CPROD")
        bot.command(FIN, "autopilot on prod-eu cover 90 cap 600")
        _running_out(ledger, clock)
        report = bot.run_alerts()
        assert report.drafted == 1
        assert "1 purchase order drafted by the autopilot" in report.summary()
        card = next(c for c in bot.posts("CFINANCE") if "PO-2026-000002" in plain(c))
        texts = " ".join(block_texts(card))
        assert "The autopilot drafted this order for *Prod EU*." in texts
        assert (
            "Credit runs out on 12 Mar 2026; this order covers 60 of the 90 days of usage "
            "asked, through 10 May 2026: cut to €600.00 by the monthly cap." in texts
        )
        assert "*Requested by*\nthe autopilot" in texts
        assert "<@autopilot>" not in texts + plain(card)
        bot.run_alerts()
        (news,) = [c for c in bot.posts("CPROD") if "autopilot" in plain(c)]
        assert "The autopilot drafted purchase order *PO-2026-000002* for €600.00" in plain(news)


def test_whoever_turned_it_on_may_approve_its_draft_and_no_dm_goes_to_the_autopilot(
    ledger: Ledger, clock: FakeClock
) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        bot.command(FIN, "autopilot on prod-eu")
        _running_out(ledger, clock)
        bot.run_alerts()
        card = next(c for c in bot.posts("CFINANCE") if "PO-2026-000002" in plain(c))
        bot.click(FIN, "po_approve", "PO-2026-000002", "CFINANCE", str(card.params.get("ts", "1")))
        approved = status(ledger, "prod-eu")[0]
        assert approved.open_order is None
        assert bot.standin.of("chat.postMessage")  # finance was posted to
        assert not [
            c for c in bot.standin.of("chat.postMessage") if c.params["channel"] == "autopilot"
        ]
        assert not [c for c in bot.standin.of("conversations.open") if "autopilot" in str(c.params)]
        assert not [c for c in bot.standin.of("users.info") if c.params.get("user") == "autopilot"]


def test_a_dry_run_says_what_the_autopilot_would_draft_and_drafts_nothing(
    ledger: Ledger, clock: FakeClock
) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        bot.command(FIN, "autopilot on prod-eu cover 30")
        _running_out(ledger, clock)
        planned = bot.alerts.run(dry_run=True).planned
        assert (
            "CFINANCE",
            "The autopilot would draft €300.00 for *Prod EU*.\nCredit runs out on 12 Mar 2026; "
            "this order covers 30 days of usage from then, through 10 Apr 2026.",
        ) in [
            (channel, plain_text.text.removeprefix(":robot_face: "))
            for channel, plain_text in planned
        ]
        (state,) = status(ledger, "prod-eu")
        assert state.last_draft is None and state.open_order is None


def test_after_finance_rejects_a_draft_slack_says_the_autopilot_is_held_in_english_and_french(
    ledger: Ledger, clock: FakeClock
) -> None:
    with bot_in_process(ledger, "en_GB", UFR="fr-FR") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        bot.command(FIN, "autopilot on prod-eu")
        _running_out(ledger, clock)
        bot.run_alerts()
        reject_purchase(ledger, FINANCE, "PO-2026-000002", "not now")
        clock.advance(days=1)
        assert bot.run_alerts().drafted == 0
        said = plain(bot.command("UMEM", "autopilot prod-eu"))
        assert (
            "Held since PO-2026-000002 was rejected on 12 Mar 2026: turn it on again to resume "
            "(`/credit autopilot on prod-eu`)." in said
        )
        french = bot.command("UFR", "pilote prod-eu")
        assert (
            "En pause depuis le refus de PO-2026-000002 le 12 mars 2026\u00a0: réactivez-le "
            "pour reprendre (`/credit pilote activer prod-eu`)."
            in str(french.params.get("text", ""))
        )
        bot.command(FIN, "autopilot on prod-eu")
        assert "Held since" not in plain(bot.command("UMEM", "autopilot prod-eu"))
        assert bot.run_alerts().drafted == 1


def test_finance_card_of_a_rejected_or_expired_draft_says_the_autopilot_waits_to_be_turned_on(
    ledger: Ledger, clock: FakeClock
) -> None:
    t = translator("en_GB", ZoneInfo("Europe/Paris"))
    said = "The autopilot drafts nothing more for this project until finance turns it on again"
    with bot_in_process(ledger, "en_GB") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        bot.command(FIN, "autopilot on prod-eu")
        _running_out(ledger, clock)
        bot.run_alerts()
        pending = get_purchase_order(ledger, "PO-2026-000002")
        assert said not in str(po_for_approval(pending, t).blocks)
        rejected = reject_purchase(ledger, FINANCE, "PO-2026-000002", "not now")
        card = str(po_for_approval(rejected, t).blocks)
        assert f":pause_button: {said} (`/credit autopilot on prod-eu`)." in card
        clock.advance(days=1)
        bot.command(FIN, "autopilot on prod-eu")
        bot.run_alerts()
        clock.advance(days=ledger.config.po_expire_days)
        assert expire_orders(ledger) == ["PO-2026-000003"]
        expired = get_purchase_order(ledger, "PO-2026-000003")
        assert said in str(po_for_approval(expired, t).blocks)
    by_hand = request_purchase(ledger, MEMBER, "prod-eu", eur("50"))
    refused = reject_purchase(ledger, FINANCE, by_hand.number, "no")
    assert said not in str(po_for_approval(refused, t).blocks)


def _home(bot: Bot, user: str) -> str:
    return json.dumps(bot.open_home(user).params["view"], ensure_ascii=False)


CUT_EN = (
    "Credit runs out on 12 Mar 2026; this order covers 60 of the 90 days of usage asked, "
    "through 10 May 2026: cut to €600.00 by the monthly cap."
)
CUT_FR = (
    "Le crédit s’épuise le 12 mars 2026\u00a0; ce bon de commande couvre 60 des 90\u00a0jours "
    "de consommation demandés, jusqu’au 10 mai 2026\u00a0: réduit à 600,00\u00a0€ par le "
    "plafond mensuel."
)


def test_a_draft_cut_by_the_cap_says_everywhere_how_many_of_the_days_asked_it_covers(
    ledger: Ledger, clock: FakeClock
) -> None:
    with bot_in_process(ledger, "en_GB", UFR="fr-FR") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        bot.command("UADMIN", "project link prod-eu", channel="CPROD")
        bot.command(FIN, "autopilot on prod-eu cover 90 cap 600")
        _running_out(ledger, clock)
        planned = bot.alerts.run(dry_run=True).planned
        drafts = {place: said.text for place, said in planned if "draft" in said.text}
        assert set(drafts) == {"CFINANCE", "CPROD"}  # finance's line, and the channel's news
        assert all(CUT_EN in said for said in drafts.values())
        assert CUT_EN in plain(bot.command("UMEM", "autopilot prod-eu"))
        assert CUT_FR in str(bot.command("UFR", "pilote prod-eu").params.get("text", ""))
        assert CUT_EN in _home(bot, "UMEM")
        assert CUT_FR in _home(bot, "UFR")
        bot.run_alerts()
        card = next(c for c in bot.posts("CFINANCE") if "PO-2026-000002" in plain(c))
        assert CUT_EN in " ".join(block_texts(card))
        bot.run_alerts()
        (news,) = [c for c in bot.posts("CPROD") if "autopilot" in plain(c)]
        assert CUT_EN in plain(news)
    french = get_purchase_order(ledger, "PO-2026-000002")
    t = translator("fr_FR", ZoneInfo("Europe/Paris"))
    assert CUT_FR in json.dumps(po_for_approval(french, t).blocks, ensure_ascii=False)


def test_turned_on_again_the_day_of_a_rejected_draft_slack_says_the_next_comes_tomorrow(
    ledger: Ledger, clock: FakeClock
) -> None:
    with bot_in_process(ledger, "en_GB", UFR="fr-FR") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        bot.command(FIN, "autopilot on prod-eu")
        _running_out(ledger, clock)
        bot.run_alerts()
        reject_purchase(ledger, FINANCE, "PO-2026-000002", "not now")
        clock.advance(minutes=5)
        bot.command(FIN, "autopilot on prod-eu")
        said = (
            "Today's draft PO-2026-000002 was refused; the next draft can come with tomorrow's "
            "run, on 13 Mar 2026."
        )
        assert said in plain(bot.posts("CFINANCE")[-1])  # finance told it is on again
        assert said in plain(bot.command("UMEM", "autopilot prod-eu"))
        assert said in _home(bot, "UMEM")
        french = str(bot.command("UFR", "pilote prod-eu").params.get("text", ""))
        assert (
            "PO-2026-000002, le bon de commande préparé aujourd’hui, a été refusé\u00a0; le "
            "prochain peut venir avec l’exécution planifiée de demain, le 13 mars 2026." in french
        )
        assert "comes after it" not in plain(bot.command("UMEM", "autopilot prod-eu"))


def test_a_draft_that_pays_no_whole_day_or_whose_cover_was_not_kept_says_so() -> None:
    en = translator("en_GB", ZoneInfo("Europe/Paris"))
    fr = translator("fr_FR", ZoneInfo("Europe/Paris"))
    runs_out, day_before = date(2026, 3, 12), date(2026, 3, 11)
    assert autopilot_words.covers(runs_out, 90, day_before, "maximum", eur("5"), en) == (
        "Credit runs out on 12 Mar 2026; this order pays no whole day of the 90 days asked: "
        "cut to €5.00 by the purchase maximum."
    )
    assert autopilot_words.covers(runs_out, 90, None, "useful", eur("250"), fr) == (
        "Le crédit s’épuise le 12 mars 2026\u00a0; ce bon de commande devait couvrir "
        "90\u00a0jours de consommation à partir de cette date\u00a0: réduit à 250,00\u00a0€, "
        "ce qui peut servir avant d’expirer."
    )


def test_after_a_draft_the_forecast_balance_and_home_name_it_as_not_counted_in_both_languages(
    ledger: Ledger, clock: FakeClock
) -> None:
    with bot_in_process(ledger, "en_GB", UFR="fr-FR") as bot:
        bot.command("UADMIN", "project add prod-eu Prod EU")
        bot.command(FIN, "autopilot on prod-eu cover 30")
        _running_out(ledger, clock)
        bot.run_alerts()
        forecast = bot.command("UMEM", "forecast prod-eu")
        balance = bot.command("UMEM", "balance prod-eu")
        french = bot.command("UFR", "prevision prod-eu")
        home = bot.open_home("UMEM")
    line = "PO-2026-000002 for €300.00 is pending approval (not counted above)."
    assert line in block_texts(forecast) and line in plain(forecast)
    assert "buy at least €900.00" in plain(forecast)  # the figures stay those of the lots
    assert any(line in text for text in block_texts(balance))
    assert line in str(home.params["view"]).replace("\u00a0", " ")
    assert "PO-2026-000002 de 300,00 € attend son approbation (non compté ci-dessus)." in (
        block_texts(french)
    )
