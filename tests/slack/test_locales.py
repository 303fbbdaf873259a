"""Whose language: the person's Slack locale, cached like user groups; the workspace's when
Slack does not say, fails or is slow, and never at the cost of the ack."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from slack_bolt.request import BoltRequest

from bot.settings import Settings
from bot.slack.app import build_client
from bot.slack.locales import Locales
from bot.slack.standin import Failure, SlackStandIn
from ledger.services import Ledger
from tests.slack.inprocess import bot_in_process, plain


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


def locales(standin: SlackStandIn, clock: Clock, timeout: int = 2) -> Locales:
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-test"),
        slack_api_url=standin.api_url,
        creditbot_locale="fr_FR",
        usergroup_cache_seconds=300,
    )  # type: ignore[call-arg]
    return Locales(settings, build_client(settings), clock, timeout=timeout)


def test_a_persons_slack_locale_chooses_their_language(standin: SlackStandIn) -> None:
    standin.locales.update({"UEN": "en-US", "UFR": "fr-CA", "UES": "es-ES"})
    found = locales(standin, Clock())
    assert (found.of("UEN").language, found.of("UEN").locale) == ("en", "en_US")
    assert found.of("UFR").language == "fr"
    assert found.of("UES").locale == "fr_FR"  # a language the bot does not speak: the workspace's
    asked = standin.of("users.info")
    assert {c.params["user"] for c in asked} == {"UEN", "UFR", "UES"}
    assert all(c.params["include_locale"] in ("1", "true") for c in asked)


def test_a_locale_is_cached_for_the_user_group_time_then_asked_again(
    standin: SlackStandIn,
) -> None:
    standin.locales["UEN"] = "en-GB"
    clock = Clock()
    found = locales(standin, clock)
    found.of("UEN")
    clock.now = 299
    standin.locales["UEN"] = "fr-FR"
    assert found.of("UEN").language == "en"
    clock.now = 301
    assert found.of("UEN").language == "fr"
    assert len(standin.of("users.info")) == 2


def test_a_failed_lookup_falls_back_to_the_workspace_and_is_asked_again_later(
    standin: SlackStandIn,
) -> None:
    standin.locales["UEN"] = "en-GB"
    standin.fail("users.info", Failure(error="missing_scope"))
    clock = Clock()
    found = locales(standin, clock)
    assert found.of("UEN").locale == "fr_FR"
    clock.now = 61
    assert found.of("UEN").language == "en"


def test_a_slow_lookup_falls_back_to_the_workspace(standin: SlackStandIn) -> None:
    standin.locales["UEN"] = "en-GB"
    standin.fail("users.info", Failure(delay=3))
    assert locales(standin, Clock(), timeout=1).of("UEN").locale == "fr_FR"


def test_a_lookup_that_times_out_is_logged_once_as_a_warning_and_never_as_an_error(
    standin: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    standin.fail("users.info", Failure(delay=3))
    with caplog.at_level(logging.DEBUG):
        assert locales(standin, Clock(), timeout=1).of("UEN").locale == "fr_FR"
    told = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.levelno, r.name) for r in told] == [(logging.WARNING, "bot.slack.locales")]
    assert "UEN" in told[0].getMessage()


def test_the_ack_never_waits_for_a_slow_lookup_and_the_reply_comes_in_the_workspace_language(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.slack.locales.LOOKUP_TIMEOUT", 1)
    with bot_in_process(ledger, "fr_FR", UADMIN="fr-FR", UEN="en-GB") as bot:
        bot.command("UADMIN", "projet ajouter prod-eu Prod EU")
        bot.standin.fail("users.info", Failure(delay=3))
        acked = bot.app.dispatch(bot_request(bot.standin.response_url("slow")))
        # The ack is back while Slack still holds users.info: it did not wait for it.
        assert acked.status == 200 and not bot.standin.of("users.info")[1:]
        bot.executor.wait_idle()
        reply = next(c for c in bot.standin.of("response") if c.params["_url"] == "/response/slow")
        assert plain(reply).startswith("Prod EU : 0,00 € disponible")


def bot_request(response_url: str) -> BoltRequest:
    return BoltRequest(
        body={
            "command": "/credit",
            "text": "balance prod-eu",
            "user_id": "UEN",
            "channel_id": "CGENERAL",
            "team_id": "T1",
            "response_url": response_url,
            "trigger_id": "t.slow",
        },
        mode="socket_mode",
    )
