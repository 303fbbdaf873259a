"""Anything unexpected is logged with its traceback; the person gets a short apology, nothing more."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from slack_bolt.request import BoltRequest

from bot.composition import build_slack
from bot.console import TrackingExecutor
from bot.i18n import translator
from bot.settings import Settings
from bot.slack import wording
from bot.slack.standin import SlackStandIn
from ledger.services import Ledger
from tests.support import PARIS


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


def dispatch(ledger: Ledger, standin: SlackStandIn, body: dict[str, object]) -> str:
    settings = Settings(
        _env_file=None, slack_bot_token=SecretStr("xoxb-test"), slack_api_url=standin.api_url
    )  # type: ignore[call-arg]
    executor = TrackingExecutor()
    app = build_slack(settings, ledger, listener_executor=executor)
    response = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    executor.wait_idle()
    executor.shutdown()
    return response.body


def test_a_failure_after_the_ack_reaches_the_user_as_an_apology_only(
    ledger: Ledger,
    project: str,
    standin: SlackStandIn,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database exploded: secret-detail")

    monkeypatch.setattr("ledger.services.screens.balance_screen", broken)
    body = {
        "command": "/credit",
        "text": f"balance {project}",
        "user_id": "U1",
        "channel_id": "C1",
        "team_id": "T1",
        "response_url": standin.response_url("boom"),
        "trigger_id": "t1",
    }
    with caplog.at_level(logging.ERROR):
        dispatch(ledger, standin, body)
    replies = standin.wait_calls("response")
    shown = json.dumps([c.params for c in replies])
    assert wording.apology(translator("en_GB", PARIS)) in shown
    assert "secret-detail" not in shown and "Traceback" not in shown
    assert any(
        record.exc_info and "secret-detail" in str(record.exc_info[1]) for record in caplog.records
    )


def test_a_failure_inside_an_ack_is_handled_by_the_one_error_handler(
    ledger: Ledger,
    project: str,
    standin: SlackStandIn,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("validation crashed: secret-detail")

    monkeypatch.setattr("ledger.services.projects.get_project", broken)
    view = {
        "id": "V1",
        "type": "modal",
        "callback_id": "buy_modal",
        "private_metadata": "{}",
        "state": {
            "values": {
                "amount": {"value": {"value": "10"}},
                "project": {"value": {"selected_option": {"value": project}}},
            }
        },
    }
    body = {"type": "view_submission", "user": {"id": "U1"}, "team": {"id": "T1"}, "view": view}
    with caplog.at_level(logging.ERROR):
        answer = dispatch(ledger, standin, body)
    assert "secret-detail" not in answer
    dms = standin.wait_calls("chat.postMessage")
    assert (
        wording.apology(translator("en_GB", PARIS)) in dms[0].params["text"]
        and dms[0].params["channel"] == "U1"
    )
    assert any(
        "secret-detail" in str(record.exc_info[1]) for record in caplog.records if record.exc_info
    )
