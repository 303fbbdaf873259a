"""The Slack edge of money controls and input robustness, through the real Bolt app:
text that cannot be stored, repeated requests, voucher news, currencies and codes."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from pydantic import SecretStr
from slack_bolt import App
from slack_bolt.request import BoltRequest
from sqlalchemy import func, select

from bot.composition import build_slack
from bot.console import TrackingExecutor
from bot.i18n import translator
from bot.settings import Settings
from bot.slack import wording
from bot.slack.standin import Call, SlackStandIn
from ledger.orm import Project, PurchaseOrder, Voucher
from ledger.services import Ledger
from ledger.services.purchases import request_purchase
from ledger.services.vouchers import failed_attempts, issue_voucher
from tests.support import FINANCE, MEMBER, PARIS, eur

EN = translator("en_GB", PARIS)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


class Bot:
    """The real app over the test ledger, fed request bodies as Slack would send them."""

    def __init__(self, ledger: Ledger, standin: SlackStandIn) -> None:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            slack_bot_token=SecretStr("xoxb-test"),
            slack_api_url=standin.api_url,
            finance_channel="CFINANCE",
            finance_approvers="UFINANCE,UFINANCE2",
            admins="UADMIN",
        )
        self.ledger = ledger
        self.standin = standin
        self.executor = TrackingExecutor()
        self.app: App = build_slack(settings, ledger, listener_executor=self.executor)

    def send(self, body: dict[str, Any]) -> tuple[int, str]:
        response = self.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        self.executor.wait_idle()
        return response.status, response.body

    def command(
        self, user: str, text: str, *, trigger: str = "t1", channel: str = "CGENERAL"
    ) -> dict[str, Any]:
        return {
            "command": "/credit",
            "text": text,
            "user_id": user,
            "channel_id": channel,
            "team_id": "T1",
            "response_url": self.standin.response_url(trigger),
            "trigger_id": trigger,
        }

    def replies(self, trigger: str) -> list[str]:
        return [
            _text(c)
            for c in self.standin.of("response")
            if c.params.get("_url") == f"/response/{trigger}"
        ]

    def count(self, model: type[object]) -> int:
        with self.ledger.db.read() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _text(call: Call) -> str:
    blocks = json.dumps(call.params.get("blocks") or [], ensure_ascii=False)
    return f"{call.params.get('text', '')}\n{blocks}".replace("\u00a0", " ")


@pytest.fixture
def bot(ledger: Ledger, project: str, standin: SlackStandIn) -> Iterator[Bot]:
    made = Bot(ledger, standin)
    yield made
    made.executor.shutdown()


# --- text that cannot be stored -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "text"),
    [
        ("UMEMBER", "cancel PO-2026-\x00001"),
        ("UADMIN", "project add p2 Na\x00me"),
        ("UADMIN", "project add p2 Name\ud800"),
        ("UFINANCE", "charge 10 prod-eu memo\x00"),
        ("UMEMBER", "buy 10 prod-eu\udc80"),
    ],
)
def test_a_command_holding_a_nul_or_a_lone_surrogate_is_refused_politely(
    bot: Bot, user: str, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        status, answer = bot.send(bot.command(user, text))
    assert status == 200 and wording.unstorable(EN) in answer
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert wording.apology(EN) not in json.dumps([c.params for c in bot.standin.calls])
    assert (bot.count(Project), bot.count(PurchaseOrder)) == (1, 0)


def test_a_button_whose_value_holds_a_nul_is_refused_politely(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    body = {
        "type": "block_actions",
        "user": {"id": "UFINANCE"},
        "team": {"id": "T1"},
        "trigger_id": "t1",
        "response_url": bot.standin.response_url("click"),
        "container": {"type": "message", "channel_id": "CFINANCE", "message_ts": "1.1"},
        "actions": [{"type": "button", "action_id": "po_approve", "value": "\x00"}],
    }
    with caplog.at_level(logging.INFO):
        status, _ = bot.send(body)
    assert status == 200
    assert wording.unstorable(EN) in bot.replies("click")[0]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_modal_field_holding_a_nul_is_refused_next_to_that_field(bot: Bot) -> None:
    body = _buy_submission("V1", "1\x0000")
    status, answer = bot.send(body)
    assert status == 200
    assert json.loads(answer) == {
        "response_action": "errors",
        "errors": {"amount": wording.unstorable(EN)},
    }
    assert bot.count(PurchaseOrder) == 0


# --- one request id, one effect ---------------------------------------------------------------


def test_the_same_buy_command_sent_three_times_makes_one_order_and_three_same_answers(
    bot: Bot,
) -> None:
    for _ in range(3):
        bot.send(bot.command("UMEMBER", "buy 7 prod-eu", trigger="same"))
    replies = bot.replies("same")
    assert bot.count(PurchaseOrder) == 1 and len(replies) == 3
    assert all("PO-2026-000001" in r for r in replies)
    assert len(bot.standin.of("chat.postMessage")) == 1  # finance was told once


def test_the_same_voucher_issue_sent_three_times_issues_one_voucher_announced_once(
    bot: Bot,
) -> None:
    for _ in range(3):
        bot.send(bot.command("UFINANCE", "voucher issue 5 prod-eu", trigger="same"))
    first, *repeats = bot.replies("same")
    assert bot.count(Voucher) == 1
    assert "This code is shown once." in first
    assert all("shown once and is not kept" in r for r in repeats) and len(repeats) == 2
    assert len(bot.standin.of("chat.postMessage")) == 1


def test_the_same_project_add_sent_three_times_adds_one_project_and_says_so_each_time(
    bot: Bot,
) -> None:
    for _ in range(3):
        bot.send(bot.command("UADMIN", "project add staging Staging", trigger="same"))
    replies = bot.replies("same")
    assert bot.count(Project) == 2
    assert len(replies) == 3 and all("added" in r for r in replies)


def _buy_submission(view_id: str, amount: str) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "user": {"id": "UMEMBER"},
        "team": {"id": "T1"},
        "trigger_id": f"trigger-{amount}",
        "view": {
            "id": view_id,
            "type": "modal",
            "callback_id": "buy_modal",
            "private_metadata": "{}",
            "state": {
                "values": {
                    "amount": {"value": {"value": amount}},
                    "project": {"value": {"selected_option": {"value": "prod-eu"}}},
                }
            },
        },
    }


def test_the_same_buy_modal_submitted_three_times_makes_one_order(bot: Bot) -> None:
    for _ in range(3):
        bot.send(_buy_submission("VSAME", "7"))
    assert bot.count(PurchaseOrder) == 1
    dms = [c for c in bot.standin.of("chat.postMessage") if c.params["channel"] == "UMEMBER"]
    assert len(dms) == 3 and all("PO-2026-000001" in _text(c) for c in dms)
    bot.send(_buy_submission("VOTHER", "7"))
    assert bot.count(PurchaseOrder) == 2


def test_the_same_reject_modal_submitted_three_times_rejects_once_and_tells_once(
    bot: Bot,
) -> None:
    po = request_purchase(bot.ledger, MEMBER, "prod-eu", eur("7"))
    body = {
        "type": "view_submission",
        "user": {"id": "UFINANCE"},
        "team": {"id": "T1"},
        "view": {
            "id": "VREJECT",
            "type": "modal",
            "callback_id": "po_reject_modal",
            "private_metadata": json.dumps({"po": po.number}),
            "state": {"values": {"reason": {"value": {"value": "too much"}}}},
        },
    }
    for _ in range(3):
        bot.send(body)
    to_requester = [
        c for c in bot.standin.of("chat.postMessage") if c.params["channel"] == "UMEMBER"
    ]
    assert len(to_requester) == 1 and "too much" in _text(to_requester[0])
    assert not [c for c in bot.standin.calls if wording.apology(EN) in _text(c)]
    assert not [c for c in bot.standin.calls if "Too late" in _text(c)]


# --- vouchers under four-eyes ---------------------------------------------------------------------


def test_each_issued_voucher_is_announced_to_finance_without_its_code(bot: Bot) -> None:
    bot.send(bot.command("UFINANCE", "voucher issue 25 until 2026-12-31 prod-eu"))
    (news,) = bot.standin.of("chat.postMessage")
    code = re.findall(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", bot.replies("t1")[0])[0]
    shown = _text(news)
    assert news.params["channel"] == "CFINANCE"
    assert "<@UFINANCE>" in shown and "€25.00" in shown and "*Prod EU*" in shown
    assert "31 Dec 2026" in shown and f"…{code[-4:]}" in shown
    assert code not in shown and code.replace("-", "")[:12] not in shown


@pytest.mark.parametrize(
    "text",
    [
        "voucher issue 250 prod-eu until 2027-03-01",
        "voucher issue 250 until 2027-03-01 prod-eu",
        "voucher issue until 2027-03-01 250 prod-eu",
        "voucher issue prod-eu 250 until 2027-03-01",
        "voucher issue 250 € until 2027-03-01 Prod EU",
    ],
)
def test_voucher_issue_takes_its_amount_day_and_project_in_any_order(bot: Bot, text: str) -> None:
    bot.send(bot.command("UFINANCE", text))
    assert "This code is shown once." in bot.replies("t1")[0]
    with bot.ledger.db.read() as session:
        voucher = session.scalars(select(Voucher)).one()
    assert (voucher.amount, voucher.valid_until, voucher.project_id) == (
        25000,
        date(2027, 3, 1),
        "prod-eu",
    )


def test_a_voucher_above_the_purchase_limit_is_refused(bot: Bot) -> None:
    bot.send(bot.command("UFINANCE", "voucher issue 9999999999999,99 prod-eu"))
    assert "at most €200,000.00" in bot.replies("t1")[0]
    assert bot.count(Voucher) == 0 and not bot.standin.of("chat.postMessage")


def test_the_issuer_of_a_voucher_is_told_someone_else_must_redeem_it(bot: Bot) -> None:
    code = issue_voucher(bot.ledger, FINANCE, eur("5"), date(2026, 12, 31)).code
    bot.send(bot.command("UFINANCE", f"redeem {code} prod-eu"))
    assert "someone else must redeem it (four-eyes rule)" in bot.replies("t1")[0]


# --- one currency rule, one project rule -------------------------------------------------------


def test_buy_in_another_currency_says_which_currency_the_project_counts_in(bot: Bot) -> None:
    bot.send(bot.command("UADMIN", "project link prod-eu", channel="CPROD", trigger="link"))
    bot.send(bot.command("UMEMBER", "buy 500 USD", channel="CPROD"))
    bot.send(bot.command("UMEMBER", "buy 500 USD prod-eu", trigger="t2"))
    for reply in bot.replies("t1") + bot.replies("t2"):
        assert "This project counts in EUR, not USD." in reply
    assert bot.count(PurchaseOrder) == 0


def test_a_mistyped_project_after_a_valid_code_is_named_and_not_held_against_the_user(
    bot: Bot,
) -> None:
    code = issue_voucher(bot.ledger, FINANCE, eur("5"), date(2026, 12, 31)).code
    bot.send(bot.command("UADMIN", "project link prod-eu", channel="CPROD", trigger="link"))
    bot.send(bot.command("UMEMBER", f"redeem {code} prod-ue", channel="CPROD"))
    assert "There is no project 'prod-ue'" in bot.replies("t1")[0]
    assert failed_attempts(bot.ledger, "UMEMBER") == 0


@pytest.mark.parametrize(("text", "currency"), [("usd", "USD"), ("Chf", "CHF"), ("GBP", "GBP")])
def test_project_add_reads_its_currency_in_any_case(bot: Bot, text: str, currency: str) -> None:
    bot.send(bot.command("UADMIN", f"project add p2 Staging {text}"))
    with bot.ledger.db.read() as session:
        added = session.get(Project, "p2")
    assert added is not None and (added.name, added.currency) == ("Staging", currency)


def test_project_add_refuses_a_code_that_names_no_currency(bot: Bot) -> None:
    bot.send(bot.command("UADMIN", "project add p2 Staging XXX"))
    assert "is not an ISO 4217 currency code" in bot.replies("t1")[0]
    assert bot.count(Project) == 1
