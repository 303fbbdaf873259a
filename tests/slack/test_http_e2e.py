"""The real server on loopback, a stand-in for Slack, and requests signed the way Slack signs them."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.slack.standin import SlackStandIn
from ledger.services.audit import export_json
from tests.slack.workspace import Workspace, running_server, sign, text_of
from tests.support import make_ledger

pytestmark = pytest.mark.slow


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    stand_in.usergroups["SFINANCE"] = ["UFIN2"]
    yield stand_in
    stand_in.stop()


@pytest.fixture
def slack(db_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    from ledger import migrate
    from ledger.database import Database

    db = Database(db_url)
    assert migrate.is_current(db.engine)
    db.dispose()
    with running_server(db_url, standin) as base:
        yield Workspace(base, standin)


def announced(standin: SlackStandIn, number: str) -> tuple[str, str]:
    post = next(
        c
        for c in standin.of("chat.postMessage")
        if c.params.get("channel") == "CFINANCE" and number in text_of(c)
    )
    return post.params["channel"], post.result["ts"]


def setup_project(slack: Workspace) -> None:
    assert "added" in text_of(slack.command("UADMIN", "project add prod-eu Prod EU"))
    assert "belongs to project" in text_of(
        slack.command("UADMIN", "project link prod-eu", channel="CPROD")
    )


def test_the_whole_credit_flow_works_over_http(slack: Workspace, standin: SlackStandIn) -> None:
    setup_project(slack)
    # A member buys; the confirmation is ephemeral and finance gets a message with two buttons.
    answer = slack.command("UMEM", "buy 1 500", channel="CPROD")
    assert answer.params["response_type"] == "ephemeral" and "PO-" in text_of(answer)
    number = text_of(answer).split("*")[1]
    standin.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage" and c.params.get("channel") == "CFINANCE" for c in calls
        )
    )
    channel, ts = announced(standin, number)
    post = next(c for c in standin.of("chat.postMessage") if c.params.get("channel") == "CFINANCE")
    actions = next(b for b in post.params["blocks"] if b["type"] == "actions")
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        ("po_approve", number),
        ("po_reject", number),
    ]

    # Finance approves from the button: the message is updated in place, the requester DMed, the channel told.
    reply, _ = slack.click("UFIN", "po_approve", number, channel=channel, ts=ts)
    assert reply.status == 200
    update = standin.wait_calls("chat.update")[0]
    assert update.params["ts"] == ts and "Approved by" in text_of(update)
    assert not [b for b in update.params["blocks"] if b["type"] == "actions"]
    standin.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage" and c.params.get("channel") == "UMEM" for c in calls
        )
    )
    standin.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage" and c.params.get("channel") == "CPROD" for c in calls
        )
    )

    # The balance shows the credit, in the channel's project.
    assert "€1,500.00" in text_of(slack.command("UMEM", "balance", channel="CPROD"))

    # A voucher, issued by finance (shown once) and redeemed by a member.
    issued = text_of(slack.command("UFIN", "voucher issue 50 prod-eu"))
    code = next(
        word.strip("`")
        for word in issued.split()
        if word.count("-") == 3 and word.strip('`"').replace("-", "").isalnum()
    )
    redeemed = slack.command("UMEM", f"redeem {code.strip('`').strip(chr(34))}", channel="CPROD")
    assert "redeemed" in text_of(redeemed)

    # A charge spends the voucher first.
    charged = text_of(slack.command("UFIN", "charge 80 prod-eu March compute"))
    assert charged.index("voucher") < charged.index("credit PO-")
    assert "€50.00 from voucher" in charged and "€30.00 from credit" in charged

    history = slack.command("UMEM", "history prod-eu").params["text"]
    assert history.count("Spent") == 2 and history.count("Granted") == 2

    # Reject with a reason, through the modal.
    number2 = text_of(slack.command("UMEM", "buy 10 prod-eu")).split("*")[1]
    slack.click("UFIN", "po_reject", number2)
    modal = standin.wait_calls("views.open")[-1].params["view"]
    assert modal["callback_id"] == "po_reject_modal"
    refused = json.loads(slack.submit("UFIN", modal, {"reason": {"value": "   "}}).body)
    assert refused["response_action"] == "errors" and "reason" in refused["errors"]
    assert slack.submit("UFIN", modal, {"reason": {"value": "over budget"}}).status == 200
    standin.wait_for(
        lambda calls: any(
            "rejected by" in text_of(c) and c.params.get("channel") == "UMEM" for c in calls
        )
    )

    # Cancel one's own pending order.
    number3 = text_of(slack.command("UMEM", "buy 20 prod-eu")).split("*")[1]
    assert "cancelled" in text_of(slack.command("UMEM", f"cancel {number3}"))
    assert "No purchase order is waiting" in text_of(slack.command("UFIN", "pending"))


def test_buy_without_an_amount_opens_a_modal_that_shows_errors_next_to_the_field(
    slack: Workspace, standin: SlackStandIn
) -> None:
    setup_project(slack)
    reply, _ = slack.click(
        "UMEM", "unused", "x"
    )  # an unknown action id is a polite 4xx, not an error
    assert 400 <= reply.status < 500 or reply.status == 200
    form = {
        "command": "/credit",
        "text": "buy",
        "user_id": "UMEM",
        "channel_id": "CPROD",
        "team_id": "T1",
        "response_url": standin.response_url("buy"),
        "trigger_id": "trigger.buy",
    }
    from urllib.parse import urlencode

    assert slack.post(urlencode(form).encode(), "application/x-www-form-urlencoded").status == 200
    modal = standin.wait_calls("views.open")[-1].params["view"]
    assert modal["callback_id"] == "buy_modal"
    for bad in ("1,000", "0", "-5", "12.50", "500 USD", "300000", "NaN"):
        answer = slack.submit(
            "UMEM",
            modal,
            {"amount": {"value": bad}, "project": {"selected_option": {"value": "prod-eu"}}},
        )
        assert json.loads(answer.body)["response_action"] == "errors", bad
    good = slack.submit(
        "UMEM",
        modal,
        {"amount": {"value": "700"}, "project": {"selected_option": {"value": "prod-eu"}}},
    )
    assert good.status == 200 and good.body == ""
    standin.wait_for(
        lambda calls: any(c.method == "chat.postEphemeral" and "PO-" in text_of(c) for c in calls)
    )


def test_refusals_say_why_and_change_nothing(
    slack: Workspace, standin: SlackStandIn, db_url: str
) -> None:
    ledger = make_ledger(db_url)
    setup_project(slack)
    number = text_of(slack.command("UFIN", "buy 100 prod-eu")).split("*")[1]
    # A member clicking Approve, and finance approving their own order.
    slack.click("UMEM", "po_approve", number, response="member-click")
    assert "only finance" in text_of(slack.response("member-click")).lower()
    slack.click("UFIN", "po_approve", number, response="own-click")
    assert "four-eyes" in text_of(slack.response("own-click"))
    # A user-group member (resolved with usergroups.users.list) may approve.
    slack.click("UFIN2", "po_approve", number, response="group-click")
    standin.wait_calls("chat.update")
    assert standin.of("usergroups.users.list")
    assert "1 lot)" in text_of(slack.command("UMEM", "balance prod-eu"))

    before = export_json(ledger)
    assert "no project 'nowhere'" in text_of(slack.command("UMEM", "balance nowhere"))
    assert "link this channel" in text_of(slack.command("UMEM", "balance", channel="CELSEWHERE"))
    for bad, why in [
        ("1,000", "ambiguous"),
        ("-5", "negative"),
        ("0", "more than zero"),
        ("NaN", "not a number"),
        ("1e3", "exponent"),
        ("12.505", "ambiguous"),
        ("12.5055", "decimals"),
        ("500 USD", "not usd"),
        ("200 001", "between €1 and €200,000"),
    ]:
        assert why in text_of(slack.command("UMEM", f"buy {bad} prod-eu")).lower(), bad
    assert "not valid" in text_of(slack.command("UMEM", "redeem AAAA-BBBB-CCCC-DDDD prod-eu"))
    assert "don't know" in text_of(slack.command("UMEM", "frobnicate"))
    assert "only an admin" in text_of(slack.command("UMEM", "project add x X")).lower()
    assert "only finance" in text_of(slack.command("UMEM", "charge 5 prod-eu")).lower()
    assert "too late" in text_of(slack.command("UMEM", f"cancel {number}")).lower()
    assert export_json(ledger) == before


def test_a_reused_expired_or_guessed_voucher_code_is_refused_and_the_sixth_failure_blocks(
    slack: Workspace,
) -> None:
    setup_project(slack)
    code = next(
        w
        for w in text_of(slack.command("UFIN", "voucher issue 5")).replace("`", " ").split()
        if w.count("-") == 3
    )
    assert "redeemed" in text_of(slack.command("UMEM", f"redeem {code} prod-eu"))
    assert "already redeemed" in text_of(slack.command("UMEM", f"redeem {code} prod-eu"))
    for i in range(4):
        assert "not valid" in text_of(
            slack.command("UGUESS", f"redeem WRONG-CODE-{i:04d}-XXXX prod-eu")
        )
    assert "already redeemed" in text_of(
        slack.command("UGUESS", f"redeem {code} prod-eu")
    )  # the fifth failure
    assert (
        "too many failed"
        in text_of(slack.command("UGUESS", "redeem WRONG-CODE-9999-XXXX prod-eu")).lower()
    )


def test_two_approvers_clicking_at_once_make_one_lot_and_the_loser_is_told_who_decided(
    slack: Workspace, standin: SlackStandIn
) -> None:
    setup_project(slack)
    number = text_of(slack.command("UMEM", "buy 100 prod-eu")).split("*")[1]
    with ThreadPoolExecutor(4) as pool:
        clicks = [
            pool.submit(slack.click, user, "po_approve", number, response=f"race-{i}")
            for i, user in enumerate(["UFIN", "UFIN2", "UFIN", "UFIN2"])
        ]
        assert all(c.result()[0].status == 200 for c in clicks)
    losers = [slack.response(f"race-{i}") for i in range(4)]
    told = [text_of(c) for c in losers if "Too late" in text_of(c)]
    assert len(told) == 3 and all("approved by" in t for t in told)
    balance = text_of(slack.command("UMEM", "balance prod-eu"))
    assert "€100.00" in balance and "1 lot)" in balance


def test_hostile_requests_get_a_4xx_or_a_polite_reply_never_a_5xx(slack: Workspace) -> None:
    body = b"command=%2Fcredit&text=balance&user_id=U1&channel_id=C1&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fx"
    now = int(time.time())
    assert (
        slack.post(body, "application/x-www-form-urlencoded", signature="v0=deadbeef").status == 401
    )
    assert slack.post(body, "application/x-www-form-urlencoded", timestamp=now - 360).status == 401
    assert slack.post(body, "application/x-www-form-urlencoded", signature="").status == 401
    assert (
        slack.post(
            body, "application/x-www-form-urlencoded", headers={"X-Slack-Request-Timestamp": ""}
        ).status
        == 401
    )
    for payload in (
        b"payload=%7Bnot-json",
        b"payload=%5B1%2C2%5D",
        b"payload=",
        b"\xff\xfe",
        b"payload=%7B%22type%22%3A%22block_actions%22%7D",
        b'{"type": "block_actions", "actions": [',
        b"command=%2Fcredit",
        b"a" * 10_000,
        b"payload="
        + json.dumps(
            {"type": "block_actions", "actions": [{"action_id": "po_approve"}], "user": {}}
        ).encode(),
    ):
        status = slack.post(payload, "application/x-www-form-urlencoded").status
        assert status < 500, payload[:40]
    long_text = "balance " + "x" * 10_000
    form = f"command=%2Fcredit&text={long_text}&user_id=U1&channel_id=C1&response_url={slack.standin.response_url('long')}".encode()
    assert slack.post(form, "application/x-www-form-urlencoded").status == 200
    assert "far too long" in text_of(slack.response("long"))
    assert slack.post(b"x" * 300_000, "application/x-www-form-urlencoded").status == 413
    stamp = int(time.time())
    assert (
        slack.post(b"ok", "text/plain", timestamp=stamp, signature=sign(b"other", stamp)).status
        == 401
    )
