"""French typography: a no-break space before `: ; ! ?` and inside « », months in full."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.messages.pofile import read_po

from bot import budget_words
from bot.budget_words import use_line
from bot.console import Console
from bot.i18n import CATALOGS, DOMAIN, translator
from bot.slack.blocks.budgets import budget_news
from bot.slack.blocks.purchase_orders import pending_list, po_for_approval, po_outcome
from ledger.domain import ProjectView
from ledger.errors import AmountError
from ledger.money import WholeMoney
from ledger.periods import BudgetPeriod, BudgetView
from ledger.services import Ledger
from ledger.services.budget_notices import BudgetNews
from ledger.services.budgets import set_budget
from ledger.services.projects import link_channel
from ledger.services.purchases import reject_purchase, request_purchase
from tests.i18n.test_every_builder import human_texts
from tests.i18n.typography import missing_spaces
from tests.slack.inprocess import bot_in_process
from tests.support import ADMIN, FINANCE, MEMBER, PARIS, eur


def french_sentences() -> list[str]:
    with open(CATALOGS / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
        catalog = read_po(po, locale="fr")
    out: list[str] = []
    for message in catalog:
        if message.id:
            string = message.string
            out += list(string) if isinstance(string, tuple | list) else [string]
    return out


def test_every_french_translation_has_a_no_break_space_before_high_punctuation() -> None:
    wrong = {s: missing_spaces(s) for s in french_sentences() if missing_spaces(s)}
    assert wrong == {}


@pytest.mark.parametrize(
    ("sentence", "missing"),
    [
        ("Approuver et payer ?", 1),
        ("Projet: Prod EU", 1),
        ("un « bon» d’achat", 2),
        ("Projet\u00a0: Prod EU\u00a0; fin\u00a0!", 0),
        ("«\u00a0bon\u00a0» :lang fr, {key!r}, `a:b`, 10:00, :warning:, https://x.y/?a", 0),
    ],
)
def test_the_typography_scan_finds_what_it_should(sentence: str, missing: int) -> None:
    assert len(missing_spaces(sentence)) == missing


def test_french_dates_have_months_in_full_and_a_for_the_time() -> None:
    t = translator("fr_FR", PARIS)
    assert t.date(date(2026, 12, 6)) == "6 décembre 2026"
    assert t.moment(datetime(2026, 12, 6, 1, 9, tzinfo=UTC)) == "6 décembre 2026 à 02:09"
    assert t.last_day(datetime(2027, 2, 28, 9, 0, tzinfo=UTC)) == "28 février 2027 à 10:00"
    english = translator("en_GB", PARIS)
    assert english.moment(datetime(2026, 12, 6, 1, 9, tzinfo=UTC)) == "6 Dec 2026 02:09"


def french_dates_of(day: int) -> list[str]:
    """Every date the translator writes, in French, of one day of December 2026 (Paris)."""
    t = translator("fr_FR", PARIS)
    noon = datetime(2026, 12, day, 11, 0, tzinfo=UTC)
    return [
        t.date(date(2026, 12, day)),
        t.day(noon),
        t.moment(noon),
        t.last_day(noon),
        t.last_day(datetime(2026, 12, day, 23, 0, tzinfo=UTC)),  # 00:00 the next day in Paris
        t.deadline(date(2026, 12, day), date(2026, 12, 31)),
        t.value(date(2026, 12, day)),
        t.value(noon),
        t.refusal(AmountError("due on {day}", day=date(2026, 12, day)))[0],
    ]


def test_french_dates_write_the_first_of_a_month_1er() -> None:
    said = french_dates_of(1)
    assert all("1er décembre 2026" in text for text in said), said
    assert said[2] == "1er décembre 2026 à 12:00"
    assert translator("fr_FR", PARIS).date(date(2027, 3, 1)) == "1er mars 2027"


@pytest.mark.parametrize("day", [11, 21, 31])
def test_french_dates_write_other_days_as_plain_numbers(day: int) -> None:
    said = french_dates_of(day)
    assert all(f"{day} décembre 2026" in text for text in said), said
    assert not any("1er" in text for text in said), said


def test_english_dates_write_the_first_of_a_month_1() -> None:
    t = translator("en_GB", PARIS)
    assert t.date(date(2026, 12, 1)) == "1 Dec 2026"
    assert t.moment(datetime(2026, 12, 1, 11, 0, tzinfo=UTC)) == "1 Dec 2026 12:00"


def test_french_names_each_thing_with_its_own_words() -> None:
    t = translator("fr_FR", PARIS)
    assert t.say("Voucher …{last4}", last4="ABCD") == "Bon d’achat …ABCD"
    assert t.gettext("split a larger purchase into several orders").endswith("bons de commande")
    voided, cancelled = t.gettext("Voided"), t.gettext("cancelled")
    assert voided == "Contre-passé" and cancelled == "annulé"
    assert t.gettext("write it as YYYY-MM-DD") == "écrivez-la AAAA-MM-JJ"  # une date
    english = translator("en_GB", PARIS)
    assert "VAT 20%" in english.say(
        "Project *{name}* (`{id}`) added, in {currency}, VAT {vat}.",
        name="P",
        id="p",
        currency="EUR",
        vat=english.rate(2000),
    )


@pytest.mark.parametrize(
    ("locale", "value", "places", "said"),
    [
        ("en_GB", 80, 0, "80%"),
        ("en_GB", 1250, 0, "1,250%"),
        ("en_GB", 1234567, 0, "1,234,567%"),
        ("en_GB", Decimal("1234.5"), 2, "1,234.50%"),
        ("fr_FR", 80, 0, "80\u00a0%"),
        ("fr_FR", 1250, 0, "1\u00a0250\u00a0%"),
        ("fr_FR", Decimal("1234.5"), 2, "1\u00a0234,50\u00a0%"),
    ],
)
def test_a_percentage_is_grouped_like_every_number_of_the_locale(
    locale: str, value: int | Decimal, places: int, said: str
) -> None:
    assert translator(locale, PARIS).percent(value, places) == said


def test_a_vat_rate_is_a_percentage_without_zero_decimals() -> None:
    french, english = translator("fr_FR", PARIS), translator("en_GB", PARIS)
    assert [french.rate(bp) for bp in (2000, 550, 0)] == ["20\u00a0%", "5,5\u00a0%", "0\u00a0%"]
    assert [english.rate(bp) for bp in (2000, 550, 10000)] == ["20%", "5.5%", "100%"]


def test_every_percentage_a_reader_sees_over_1000_is_grouped() -> None:
    """A budget used 12.5 times over, in the budget's line and in finance's notice."""
    view = BudgetView(
        project=ProjectView("prod-eu", "Prod EU", "EUR", 2000, ()),
        period=BudgetPeriod.MONTHLY,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
        amount=eur("1000"),
        use=eur("12500"),
        set_by="UFIN",
        set_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    news = BudgetNews(
        project_id="prod-eu",
        project_name="Prod EU",
        event="use",
        period=BudgetPeriod.MONTHLY,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
        amount=eur("1000"),
        use=eur("12500"),
        threshold=100,
    )
    for t, percent in (
        (translator("en_GB", PARIS), "(1,250%)"),
        (translator("fr_FR", PARIS), "(1\u00a0250\u00a0%)"),
    ):
        assert percent in use_line(view, t)
        assert percent in budget_news(news, t).text


def test_purchase_bounds_are_written_in_whole_units() -> None:
    refused = AmountError(
        "a purchase is between {low} and {high}",
        low=WholeMoney(100, "EUR"),
        high=WholeMoney(20_000_000, "EUR"),
    )
    assert translator("fr_FR", PARIS).refusal(refused)[0] == (
        "un achat est compris entre 1\u00a0€ et 200\u00a0000\u00a0€"
    )
    assert translator("en_GB", PARIS).refusal(refused)[0] == "a purchase is between €1 and €200,000"


def test_sentences_joined_at_a_colon_have_a_no_break_space_before_it_in_french(
    ledger: Ledger, project: str
) -> None:
    """A rejection and its reason (finance's card, the pending list), a budget at the
    terminal, a list's text for notifications, and the console's form prompts and errors."""
    french = translator("fr_FR", PARIS)
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    rejected = reject_purchase(ledger, FINANCE, po.number, "trop cher")
    view = set_budget(ledger, FINANCE, project, eur("80000"), BudgetPeriod.MONTHLY)
    card = po_for_approval(rejected, french).as_kwargs()
    pending = pending_list([rejected, request_purchase(ledger, MEMBER, project, eur("5"))], french)
    said = [po_outcome(rejected, french), *human_texts([card, pending.as_kwargs()])]
    said.append(budget_words.shown(view, french))
    assert said[0].endswith("\u00a0: trop cher")
    assert pending.text.startswith("1 bon de commande en attente\u00a0:\n")
    assert said[-1].startswith("Prod EU (prod-eu)\u00a0: 80\u00a0000,00\u00a0€ par mois")
    form = io.StringIO()
    with bot_in_process(ledger, "fr_FR", UMEMBER="fr-FR") as bot:
        link_channel(ledger, ADMIN, project, "CGENERAL")
        console = Console(bot.app, bot.standin, bot.executor, "UMEMBER", "CGENERAL", form, t=french)
        console.run(iter(["/credit acheter", "", "beaucoup", "", "", ":cancel", ":quit"]))
    asked = form.getvalue()
    assert "│ Projet [prod-eu]\u00a0: " in asked
    assert "│ ! Projet\u00a0: Il n’y a pas de projet 'beaucoup'." in asked
    assert "│ ! Montant HT\u00a0: Aucun montant donné." in asked
    said += [line.removeprefix("│ ").removeprefix("! ") for line in asked.splitlines()]  # frame
    wrong = {s: missing_spaces(s) for s in said if missing_spaces(s)}
    assert wrong == {}
