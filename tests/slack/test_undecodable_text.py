"""A command holding a NUL or a lone surrogate, as it reaches the HTTP endpoint (a form, where
a lone surrogate can only be %-escapes that are not UTF-8): the same polite refusal as over
Socket Mode, in the ack, and nothing changed."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.composition import build_slack
from bot.console import TrackingExecutor
from bot.http import EVENTS_PATH, SlackEdge
from bot.i18n import translator
from bot.settings import Settings
from bot.slack import wording
from bot.slack.standin import SlackStandIn
from ledger.services import Ledger
from tests.slack.workspace import SECRET, sign
from tests.support import PARIS

EN = translator("en_GB", PARIS)


@pytest.fixture
def endpoint(ledger: Ledger, project: str) -> Iterator[tuple[SlackEdge, SlackStandIn]]:
    standin = SlackStandIn().start()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-test"),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=standin.api_url,
        admins="UADMIN",
    )
    executor = TrackingExecutor()
    app = build_slack(settings, ledger, listener_executor=executor)
    yield SlackEdge(app, executor), standin
    executor.shutdown()
    standin.stop()


def post(endpoint: SlackEdge, form: str) -> tuple[int, str]:
    body = form.encode("ascii")
    stamp = int(time.time())
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": EVENTS_PATH,
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": str(stamp),
        "HTTP_X_SLACK_SIGNATURE": sign(body, stamp),
        "wsgi.input": io.BytesIO(body),
    }
    status, _headers, answer = endpoint.answer(environ)
    return status, answer.decode()


@pytest.mark.parametrize("typed", ["%00", "%ED%A0%80", "%ED%B2%80x", "%FF"])
def test_a_command_over_http_holding_a_nul_or_a_lone_surrogate_is_refused_politely(
    endpoint: tuple[SlackEdge, SlackStandIn], typed: str
) -> None:
    slack, standin = endpoint
    form = (
        "command=%2Fcredit&user_id=UADMIN&channel_id=C1&team_id=T1&trigger_id=t1"
        f"&response_url={standin.response_url('r')}&text=project+add+p2+Name{typed}"
    )
    status, body = post(slack, form)
    assert status == 200
    assert json.loads(body) == {"response_type": "ephemeral", "text": wording.unstorable(EN)}
    assert isinstance(slack.executor, TrackingExecutor)
    slack.executor.wait_idle()
    assert standin.of("response") == []  # nothing ran after the ack
