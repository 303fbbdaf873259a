"""Issue 16, item 3: the backtest's usage file, `date,amount` a day; each refusal names
the first line at fault."""

from __future__ import annotations

from datetime import date

import pytest

from bot.backtest_words import panel_title
from bot.i18n import translator
from ledger.backtest import MAX_DAYS, Usage, read_usage
from ledger.errors import InvalidInput
from tests.support import PARIS


def refusal(*lines: str, currency: str = "EUR") -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        read_usage(lines, currency)
    return caught.value


def test_a_usage_file_is_read_into_minor_units_with_or_without_its_header() -> None:
    with_header = read_usage(["date,amount", "2026-01-01,12.50", "2026-01-02,0", "2026-01-03,7"])
    without = read_usage(["2026-01-01,12.50", "2026-01-02,0", "2026-01-03,7"])
    assert with_header == without == Usage("EUR", date(2026, 1, 1), (1250, 0, 700))
    assert with_header.last == date(2026, 1, 3) and with_header.total == 1950


def test_a_day_missing_between_two_lines_is_a_day_of_zero_usage() -> None:
    usage = read_usage(["2026-01-30,1", "2026-02-02,2"])
    assert usage.amounts == (100, 0, 0, 200)


def test_amounts_follow_the_currency_s_decimals() -> None:
    assert read_usage(["2026-01-01,1500"], "JPY").amounts == (1500,)
    error = refusal("2026-01-01,15.5", currency="JPY")
    assert error.params["line"] == 1 and "more than 0 decimals" in error.message


@pytest.mark.parametrize(
    ("lines", "line", "words"),
    [
        (["date,amount", "2026-01-01,1", "2026-13-02,1"], 3, "is not a date"),
        (["2026-01-01,1", "Jan 2 2026,1"], 2, "is not a date"),
        (["2026-01-01,1", "2026-01-02,-3"], 2, "is negative"),
        (["2026-01-01,abc"], 1, "is not an amount"),
        (["2026-01-01,1", "2026-01-02,NaN"], 2, "is not an amount"),
        (["2026-01-01,1", "2026-01-02,1e3"], 2, "is not an amount"),
        (["2026-01-01,1", "2026-01-02,1.005"], 2, "more than 2 decimals"),
        (["2026-01-01,1000000", "2026-01-02,1000000.01"], 2, "more than one charge may be"),
        (["2026-01-01,1", "2026-01-03,1", "2026-01-02,1"], 3, "days must be in order"),
        (["2026-01-01,1", "2026-01-02,1", "2026-01-02,2"], 3, "appears twice"),
        (["2026-01-01,1", "2026-01-02"], 2, "expected two fields"),
        (["2026-01-01,1,2"], 1, "expected two fields"),
        ([], 1, "holds no usage"),
        (["date,amount", ""], 2, "holds no usage"),
    ],
)
def test_a_malformed_usage_file_is_refused_naming_the_line(
    lines: list[str], line: int, words: str
) -> None:
    error = refusal(*lines)
    assert error.params["line"] == line
    assert error.message.startswith(f"usage file, line {line}: ")
    assert words in error.message


def test_five_years_of_days_are_read_and_one_more_is_refused() -> None:
    first = date(2026, 1, 1)
    last = date.fromordinal(first.toordinal() + MAX_DAYS - 1)
    assert len(read_usage([f"{first},1", f"{last},1"]).amounts) == MAX_DAYS == 1827
    beyond = date.fromordinal(last.toordinal() + 1)
    error = refusal(f"{first},1", f"{last},1", f"{beyond},1")
    assert error.params["line"] == 3 and "more than 1826 days" in error.message


def test_the_header_may_be_written_in_french_as_the_french_hint_tells() -> None:
    # A French reader is told "chaque ligne est date,montant", so that header is theirs too.
    french = read_usage(["date,montant", "2026-01-01,12.50"])
    assert french == read_usage(["Date,Montant", "2026-01-01,12.50"])
    assert french == Usage("EUR", date(2026, 1, 1), (1250,))


def test_each_panel_of_the_backtest_chart_is_titled_with_french_typography_in_french() -> None:
    english = panel_title("yearly", translator("en_GB", PARIS))
    french = panel_title("yearly", translator("fr_FR", PARIS))
    assert english == "yearly: a year of usage bought once a year"
    assert french == "yearly\u00a0: une année de consommation achetée une fois par an"
