"""The catalogs: complete in French, the same as what the package loads, and up to date with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.i18n import CATALOGS, DOMAIN, LANGUAGES, translator
from tests.support import PARIS

ROOT = Path(__file__).resolve().parents[2]
FIELDS = re.compile(r"\{([^{}]*)\}")


def catalog(language: str) -> Catalog:
    with open(CATALOGS / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
        return read_po(po, locale=language)


def forms(message: object) -> list[str]:
    string = message.string  # type: ignore[attr-defined]
    return list(string) if isinstance(string, tuple | list) else [string]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_says_exactly_what_the_po_file_says(language: str) -> None:
    compiled = Translations.load(str(CATALOGS), [language], DOMAIN)
    assert isinstance(compiled, Translations), "the .mo file is missing"
    for message in catalog(language):
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            singular, plural = message.id
            for n, text in zip((1, 2), forms(message), strict=False):
                expected = text or (singular if n == 1 else plural)
                assert compiled.ngettext(singular, plural, n) == expected, message.id
        elif message.context:  # a word whose translation depends on what it speaks of
            said = compiled.pgettext(message.context, message.id)
            assert said == (message.string or message.id), message.id
        else:
            assert compiled.gettext(message.id) == (message.string or message.id), message.id


def test_every_french_message_is_translated_and_none_is_fuzzy() -> None:
    french = catalog("fr")
    assert french.plural_forms == "nplurals=2; plural=(n > 1);"
    missing = [m.id for m in french if m.id and (m.fuzzy or not all(forms(m)))]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_translation_fills_the_same_fields_as_its_english_sentence(language: str) -> None:
    for message in catalog(language):
        if not message.id:
            continue
        ids = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
        wanted = set(FIELDS.findall(ids[-1])) | ({"n"} if len(ids) > 1 else set())
        for text in forms(message):
            if text:
                assert set(FIELDS.findall(text)) <= wanted, (message.id, text)
                assert set(FIELDS.findall(text)) >= set(FIELDS.findall(ids[0])) - {"n"}, text


def test_the_catalogs_hold_every_sentence_of_the_code() -> None:
    """A sentence added to the code without `make i18n` fails here (same keywords as the Makefile)."""
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "say": None, "say_n": (1, 2)}
    in_code = {
        message if isinstance(message, str) else message[0]
        for folder in ("bot", "ledger")
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT / folder), [("**.py", "python")], keywords=keywords
        )
        if message
    }
    french = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog("fr") if m.id}
    assert sorted(in_code - french) == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr_FR", ["0 jour restant", "1 jour restant", "2 jours restants"]),
        ("en_GB", ["0 days left", "1 day left", "2 days left"]),
    ],
)
def test_plural_forms_follow_each_languages_rule_at_zero_one_and_two(
    language: str, expected: list[str]
) -> None:
    t = translator(language, PARIS)
    assert [t.say_n("{n} day left", "{n} days left", n) for n in (0, 1, 2)] == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr_FR",
            [
                "(bons d’achat 0,00 €, crédit 0,00 € ; 0 lot)",
                "(bons d’achat 0,00 €, crédit 0,00 € ; 1 lot)",
                "(bons d’achat 0,00 €, crédit 0,00 € ; 2 lots)",
            ],
        ),
        (
            "en_GB",
            [
                "(vouchers €0.00, credit €0.00; 0 lots)",
                "(vouchers €0.00, credit €0.00; 1 lot)",
                "(vouchers €0.00, credit €0.00; 2 lots)",
            ],
        ),
    ],
)
def test_lots_are_counted_in_the_readers_plural(language: str, expected: list[str]) -> None:
    from ledger.money import Money

    t = translator(language, PARIS)
    zero = t.money(Money(0, "EUR"))
    said = [
        t.say_n(
            "(vouchers {vouchers}, credit {credit}; {n} lot)",
            "(vouchers {vouchers}, credit {credit}; {n} lots)",
            n,
            vouchers=zero,
            credit=zero,
        ).replace("\u00a0", " ")
        for n in (0, 1, 2)
    ]
    assert said == expected
