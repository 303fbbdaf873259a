"""Helpers shared by the tests: a hand-moved clock, actors and a ledger factory."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ledger.amounts import parse_amount
from ledger.database import Database
from ledger.domain import Actor, LedgerConfig, Role
from ledger.money import Money
from ledger.services import Ledger

PARIS = ZoneInfo("Europe/Paris")

MEMBER = Actor("UMEMBER")
OTHER_MEMBER = Actor("UOTHER")
FINANCE = Actor("UFINANCE", frozenset({Role.MEMBER, Role.FINANCE}))
FINANCE_2 = Actor("UFINANCE2", frozenset({Role.MEMBER, Role.FINANCE}))
ADMIN = Actor("UADMIN", frozenset({Role.MEMBER, Role.ADMIN}))


@dataclass
class FakeClock:
    """A clock the test moves by hand; the ledger asks it for 'now'."""

    current: datetime = field(default_factory=lambda: datetime(2026, 1, 31, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def set(self, when: datetime) -> datetime:
        self.current = when.astimezone(UTC)
        return self.current


def eur(text: str) -> Money:
    return parse_amount(text, "EUR")


# The server secret of every test ledger and test server, so that both read the same codes.
TEST_SECRET = "test-secret-for-voucher-codes-0123456789"


def make_ledger(url: str, clock: FakeClock | None = None, **config: object) -> Ledger:
    db = Database(url, pool_size=20)
    config.setdefault("voucher_key", TEST_SECRET.encode())
    settings = LedgerConfig(timezone=PARIS, **config)  # type: ignore[arg-type]
    return Ledger(db, settings, clock) if clock is not None else Ledger(db, settings)


ZERO = Money(0, "EUR")


def environment_without_slack(**extra: str) -> dict[str, str]:
    """This process's environment with no Slack setting of the developer's leaking in."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}, **extra}
