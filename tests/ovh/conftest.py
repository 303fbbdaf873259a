"""A running OVHcloud stand-in, python-ovh pointed at it, a ledger project linked to it, and
the Slack stand-in the OVHcloud notices are posted to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.ovh.client import OvhProvider, build_client
from bot.ovh.standin import APP_KEY, APP_SECRET, CONSUMER_KEY, OvhStandIn
from bot.settings import Settings
from bot.slack.standin import SlackStandIn
from ledger.services import Ledger
from ledger.services.linked import link_project
from tests.support import ADMIN, FakeClock

SERVICE = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


@pytest.fixture
def ovh(clock: FakeClock) -> Iterator[OvhStandIn]:
    standin = OvhStandIn().start()
    standin.now = clock
    standin.add_project(SERVICE)
    yield standin
    standin.stop()


def provider_for(
    standin: OvhStandIn,
    *,
    application_key: str = APP_KEY,
    application_secret: str = APP_SECRET,
    consumer_key: str = CONSUMER_KEY,
) -> OvhProvider:
    client = build_client(
        standin.url,
        application_key=application_key,
        application_secret=application_secret,
        consumer_key=consumer_key,
        timeout=5,
    )
    return OvhProvider(client, retries=2, backoff=0, sleep=lambda _: None)


@pytest.fixture
def provider(ovh: OvhStandIn) -> OvhProvider:
    return provider_for(ovh)


@pytest.fixture
def linked(ledger: Ledger, project: str, provider: OvhProvider) -> str:
    link_project(ledger, provider, ADMIN, project, SERVICE)
    return project


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    standin = SlackStandIn().start()
    yield standin
    standin.stop()


def slack_settings(slack: SlackStandIn, ovh: OvhStandIn) -> Settings:
    """The bot's settings with both stand-ins: finance in CFINANCE, in English."""
    return Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-test"),
        slack_api_url=slack.api_url,
        finance_channel="CFINANCE",
        finance_approvers=("UFIN",),
        admins=("UADMIN",),
        creditbot_locale="en",
        **ovh.settings(),
    )  # type: ignore[call-arg]
