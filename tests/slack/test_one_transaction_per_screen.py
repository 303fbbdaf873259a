"""Each Slack screen reads the ledger in one transaction: the balance of a linked project,
named or taken from the channel, and the App Home of every role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from ledger.services import Ledger
from ledger.services.billing import charge
from ledger.services.projects import add_project, link_channel
from ledger.services.purchases import approve_purchase, request_purchase
from tests.slack.inprocess import Bot, bot_in_process, plain
from tests.support import ADMIN, FINANCE, MEMBER, eur


@pytest.fixture
def bot(ledger: Ledger) -> Iterator[Bot]:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    link_channel(ledger, ADMIN, "prod-eu", "CPROD")
    po = request_purchase(ledger, MEMBER, "prod-eu", eur("1000"))
    approve_purchase(ledger, FINANCE, po.number)
    charge(ledger, FINANCE, "prod-eu", eur("100"), "bill-1")
    request_purchase(ledger, MEMBER, "prod-eu", eur("500"))
    with bot_in_process(ledger, "en") as running:
        yield running


class Transactions:
    """How many transactions the engine began while counting."""

    def __init__(self, ledger: Ledger) -> None:
        self.engine = ledger.db.engine
        self.begun = 0

    def _count(self, _connection: Any) -> None:
        self.begun += 1

    def __enter__(self) -> Transactions:
        event.listen(self.engine, "begin", self._count)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "begin", self._count)


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("balance prod-eu", "CGENERAL"),
        ("balance", "CPROD"),
        ("forecast prod-eu", "CGENERAL"),
        ("forecast", "CPROD"),
    ],
)
def test_the_balance_and_the_forecast_are_read_in_one_transaction(
    bot: Bot, ledger: Ledger, text: str, channel: str
) -> None:
    with Transactions(ledger) as counted:
        answer = bot.command("UMEMBER", text, channel=channel)
    assert "Prod EU" in plain(answer) or "Prod EU" in str(answer.params)
    assert counted.begun == 1


@pytest.mark.parametrize("user", ["UMEMBER", "UFIN", "UADMIN"])
def test_the_app_home_is_read_in_one_transaction(bot: Bot, ledger: Ledger, user: str) -> None:
    with Transactions(ledger) as counted:
        published = bot.open_home(user)
    assert "Prod EU" in str(published.params)
    assert counted.begun == 1
