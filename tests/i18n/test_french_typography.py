"""French typography: a no-break space before `: ; ! ?` and inside « », months in full."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel.messages.pofile import read_po

from bot.i18n import CATALOGS, DOMAIN, translator
from ledger.errors import AmountError
from ledger.money import WholeMoney
from tests.i18n.typography import missing_spaces
from tests.support import PARIS


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
        "Project *{name}* (`{id}`) added, in {currency}, VAT {vat}%.",
        name="P",
        id="p",
        currency="EUR",
        vat="20",
    )


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
