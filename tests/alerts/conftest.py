from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.composition import build_alerts
from bot.jobs.alerts import Alerts, Pacer
from bot.settings import Settings
from bot.slack.app import build_client
from bot.slack.standin import SlackStandIn
from ledger.services import Ledger
from tests.support import make_ledger


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def settings(standin: SlackStandIn) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token="xoxb-test",
        slack_api_url=standin.api_url,
        finance_channel="CFINANCE",
        creditbot_timezone="Europe/Paris",
        digest_day="off",  # the weekly digest has tests of its own
    )


@pytest.fixture
def real_clock_ledger(db_url: str) -> Iterator[Ledger]:
    """A ledger on the system clock, which freezegun moves."""
    ledger = make_ledger(db_url)
    yield ledger
    ledger.db.dispose()


@pytest.fixture
def alerts(real_clock_ledger: Ledger, settings: Settings) -> Callable[..., Alerts]:
    def build(**overrides: Any) -> Alerts:
        chosen = settings.model_copy(update=overrides) if overrides else settings
        return build_alerts(
            chosen, real_clock_ledger, client=build_client(chosen), pacer=Pacer(interval=0)
        )

    return build
