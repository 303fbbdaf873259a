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
