"""APPROVAL_TIERS: how many distinct finance approvers an order needs by its amount, and the
settings that are refused at start-up."""

import pytest
from pydantic import ValidationError

from bot.composition import ledger_config
from bot.settings import Settings
from ledger import approval_tiers
from ledger.domain import LedgerConfig
from ledger.errors import InvalidInput
from tests.support import PARIS, eur

TIERS = LedgerConfig(timezone=PARIS, approval_tiers=((5000, 2), (50000, 3)))


@pytest.mark.parametrize(
    ("amount", "needed"),
    [("1", 1), ("4999", 1), ("5000", 2), ("49999", 2), ("50000", 3), ("200000", 3)],
)
def test_an_order_needs_the_approvals_of_the_highest_tier_its_amount_reaches(
    amount: str, needed: int
) -> None:
    assert approval_tiers.needed(TIERS, eur(amount)) == needed


def test_without_tiers_every_order_needs_one_approval() -> None:
    assert approval_tiers.needed(LedgerConfig(timezone=PARIS), eur("200000")) == 1
    assert approval_tiers.parse("") == () and approval_tiers.parse("  ") == ()


def test_tiers_are_read_with_spaces_around_their_parts() -> None:
    assert approval_tiers.parse(" 5000 : 2 , 50000:3 ") == ((5000, 2), (50000, 3))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("5000:2,5000:3", "amounts must increase"),
        ("50000:2,5000:3", "amounts must increase"),
        ("5000:3,50000:2", "must need more approvers"),
        ("5000:2,50000:2", "must need more approvers"),
        ("5000:1", "must need more approvers"),
        ("5000:0", "from 1 to 10 approvers, not 0"),
        ("5000:11", "from 1 to 10 approvers, not 11"),
        ("0:2", "an amount is at least 1"),
        ("-5:2", "AMOUNT:APPROVERS pairs"),
        ("5000", "AMOUNT:APPROVERS pairs"),
        ("5000:two", "AMOUNT:APPROVERS pairs"),
        ("5k:2", "AMOUNT:APPROVERS pairs"),
        ("5000.5:2", "AMOUNT:APPROVERS pairs"),
        ("5000:2,", "AMOUNT:APPROVERS pairs"),
        ("5000:2,,50000:3", "AMOUNT:APPROVERS pairs"),
    ],
)
def test_a_malformed_tier_list_is_refused_with_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        approval_tiers.parse(text)


def test_settings_hand_the_tiers_to_the_ledger() -> None:
    settings = Settings(_env_file=None, approval_tiers="5000:2,50000:3")  # type: ignore[call-arg]
    assert ledger_config(settings).approval_tiers == ((5000, 2), (50000, 3))
    unset = Settings(_env_file=None)  # type: ignore[call-arg]
    assert ledger_config(unset).approval_tiers == ()


def test_settings_refuse_a_tier_no_order_can_reach() -> None:
    with pytest.raises(ValidationError, match="above PO_MAX_AMOUNT"):
        Settings(_env_file=None, approval_tiers="300000:2")  # type: ignore[call-arg]


def test_settings_refuse_more_approvers_than_finance_names_people() -> None:
    with pytest.raises(ValidationError, match="asks for 3 approvers but FINANCE_APPROVERS names 2"):
        Settings(_env_file=None, approval_tiers="5000:2,50000:3", finance_approvers="UFIN1,UFIN2")  # type: ignore[call-arg]
    # A user group may hold any number of people: nothing to count.
    Settings(_env_file=None, approval_tiers="5000:2,50000:3", finance_approvers="UFIN1,SFINANCE")  # type: ignore[call-arg]
