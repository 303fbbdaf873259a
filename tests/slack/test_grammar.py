import pytest

from bot.slack.grammar import (
    NoProject,
    Projects,
    amount_project_memo,
    amount_then_project,
    code_then_project,
    words_of,
)
from ledger.amounts import parse_amount
from ledger.domain import ProjectView
from ledger.errors import AmountError, ProjectNotFound, WrongCurrency
from ledger.money import Money

PROD = ProjectView("prod-eu", "Prod EU", "EUR", 2000)
US = ProjectView("us-east", "US East", "USD", 0)
PROJECTS = Projects(lambda: [PROD, US], channel_project=PROD)
UNLINKED = Projects(lambda: [PROD, US], channel_project=None)


def read(text: str, project: ProjectView) -> Money:
    return parse_amount(text, project.currency)


@pytest.mark.parametrize(
    ("text", "amount", "project"),
    [
        ("500", Money(50000, "EUR"), PROD),
        ("1 500", Money(150000, "EUR"), PROD),
        ("500 EUR", Money(50000, "EUR"), PROD),
        ("1 234,56 prod-eu", Money(123456, "EUR"), PROD),
        ("250 us east", Money(25000, "USD"), US),
        ("$250 US-EAST", Money(25000, "USD"), US),
    ],
)
def test_an_amount_may_hold_spaces_and_be_followed_by_a_project(
    text: str, amount: Money, project: ProjectView
) -> None:
    assert amount_then_project(PROJECTS, words_of(text), read) == (amount, project)


def test_a_readable_amount_followed_by_an_unknown_word_names_the_missing_project() -> None:
    with pytest.raises(ProjectNotFound, match="staging"):
        amount_then_project(PROJECTS, words_of("500 staging"), read)


def test_without_a_project_or_a_linked_channel_the_reply_says_how_to_name_one() -> None:
    with pytest.raises(NoProject):
        amount_then_project(UNLINKED, words_of("500"), read)
    with pytest.raises(NoProject):
        UNLINKED.exactly([])


def test_a_charge_reads_the_longest_amount_then_a_project_then_the_memo() -> None:
    assert amount_project_memo(PROJECTS, words_of("1 500 us-east March compute"), read) == (
        Money(150000, "USD"),
        US,
        "March compute",
    )
    assert amount_project_memo(PROJECTS, words_of("120,50 invoice 42"), read) == (
        Money(12050, "EUR"),
        PROD,
        "invoice 42",
    )


def test_a_charge_with_an_unreadable_amount_is_refused_with_the_amount_error() -> None:
    with pytest.raises(AmountError, match="ambiguous"):
        amount_project_memo(PROJECTS, words_of("1,000 prod-eu"), read)


def test_project_names_match_whatever_their_case() -> None:
    assert PROJECTS.exactly(["PROD", "eu"]) == PROD
    assert PROJECTS.exactly(["Prod-EU"]) == PROD


def test_the_project_list_is_not_read_when_the_channel_project_is_enough() -> None:
    def unreadable() -> list[ProjectView]:
        raise AssertionError("the project list was read")

    assert Projects(unreadable, channel_project=PROD).exactly([]) == PROD


@pytest.mark.parametrize("text", ["500 USD", "500USD", "$500", "500 usd"])
def test_a_purchase_in_another_currency_says_which_currency_the_project_counts_in(
    text: str,
) -> None:
    with pytest.raises(WrongCurrency, match="counts in EUR, not USD"):
        amount_then_project(PROJECTS, words_of(text), read)


def test_a_charge_in_another_currency_is_refused_rather_than_read_as_a_memo() -> None:
    with pytest.raises(WrongCurrency, match="counts in EUR, not USD"):
        amount_project_memo(PROJECTS, words_of("500 USD March bill"), read)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ABCD-EFGH-JKMN-PQRS", "ABCD-EFGH-JKMN-PQRS"),
        ("ABCD EFGH JKMN PQRS", "ABCDEFGHJKMNPQRS"),
        ("abcd efgh jkmn pqrs prod-eu", "abcdefghjkmnpqrs"),
    ],
)
def test_a_code_may_be_typed_in_groups_and_followed_by_a_project(text: str, code: str) -> None:
    assert code_then_project(PROJECTS, words_of(text)) == (code, PROD)


def test_a_mistyped_project_after_a_whole_code_is_named_as_an_unknown_project() -> None:
    with pytest.raises(ProjectNotFound, match="'prod-ue'"):
        code_then_project(PROJECTS, words_of("ABCD-EFGH-JKMN-PQRS prod-ue"))
