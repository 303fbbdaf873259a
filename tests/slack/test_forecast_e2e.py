"""Forecast, chart and App Home through the real server, with the stand-in playing Slack."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from bot.slack.standin import SlackStandIn
from ledger.services import Ledger
from ledger.services.billing import charge
from ledger.services.projects import add_project, link_channel
from ledger.services.purchases import approve_purchase, request_purchase
from tests.slack.workspace import Workspace, running_server, text_of
from tests.support import ADMIN, MEMBER, eur, make_ledger
from tests.support import FINANCE as SERVICE_FINANCE

pytestmark = pytest.mark.slow


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    stand_in.usergroups["SFINANCE"] = ["UFIN2"]
    yield stand_in
    stand_in.stop()


@pytest.fixture
def seeded(db_url: str) -> Iterator[Ledger]:
    ledger = make_ledger(db_url)
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    link_channel(ledger, ADMIN, "prod-eu", "CPROD")
    add_project(ledger, ADMIN, "lonely", "Lonely")
    po = request_purchase(ledger, MEMBER, "prod-eu", eur("1000"))
    approve_purchase(ledger, SERVICE_FINANCE, po.number)
    charge(ledger, SERVICE_FINANCE, "prod-eu", eur("100"), "bill-1")
    yield ledger
    ledger.db.dispose()


@pytest.fixture
def slack(db_url: str, seeded: Ledger, standin: SlackStandIn) -> Iterator[Workspace]:
    with running_server(db_url, standin) as base:
        yield Workspace(base, standin)


def test_forecast_and_the_balance_line_answer_any_member(slack: Workspace) -> None:
    answer = slack.command("UMEM", "forecast", channel="CPROD")
    text = text_of(answer)
    assert answer.params["response_type"] == "ephemeral"
    assert "Forecast for Prod EU" in text and "Runs out on" in text and "Buy at least" in text
    balance = text_of(slack.command("UMEM", "balance prod-eu"))
    assert "At the current rate, credit lasts until" in balance


def test_the_chart_is_uploaded_to_the_requesters_dm_the_way_slack_takes_files(
    slack: Workspace, standin: SlackStandIn
) -> None:
    answer = slack.command("UMEM", "chart prod-eu")
    assert "direct messages" in text_of(answer)
    opened = standin.of("conversations.open")
    assert [c.params["users"] for c in opened] == ["UMEM"]
    asked = standin.of("files.getUploadURLExternal")[0]
    done = standin.of("files.completeUploadExternal")[0]
    assert done.params["channel_id"] == "DUMEM" and done.result["ok"] is True
    file_id = asked.result["file_id"]
    png = standin.uploads[file_id]
    assert len(png) == int(asked.params["length"])
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (1000, 500)
        assert len(image.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 10


def home_of(standin: SlackStandIn, user: str, count: int = 1) -> dict:
    standin.wait_for(
        lambda calls: (
            sum(c.method == "views.publish" and c.params.get("user_id") == user for c in calls)
            >= count
        )
    )
    return [c for c in standin.of("views.publish") if c.params.get("user_id") == user][-1].params[
        "view"
    ]


def buttons(view: dict) -> list[tuple[str, str]]:
    found = []
    for block in view["blocks"]:
        for element in block.get("elements") or []:
            if element.get("type") == "button":
                found.append((element["action_id"], element["value"]))
        accessory = block.get("accessory") or {}
        if accessory.get("type") == "button":
            found.append((accessory["action_id"], accessory["value"]))
    return found


def test_the_home_tab_shows_each_person_what_their_roles_allow(
    slack: Workspace, standin: SlackStandIn, seeded: Ledger
) -> None:
    po = request_purchase(seeded, MEMBER, "prod-eu", eur("500"))
    assert slack.event({"type": "app_home_opened", "user": "UMEM", "tab": "home"}).status == 200
    member = home_of(standin, "UMEM")
    assert member["type"] == "home"
    assert ("home_balance", "prod-eu") in buttons(member)
    assert not [b for b in buttons(member) if b[0].startswith("po_")]
    assert "At the current rate" in str(member)

    slack.event({"type": "app_home_opened", "user": "UFIN", "tab": "home"})
    finance = home_of(standin, "UFIN")
    assert ("po_approve", po.number) in buttons(finance)
    assert ("po_reject", po.number) in buttons(finance)
    assert "Health" not in str(finance)

    slack.event({"type": "app_home_opened", "user": "UADMIN", "tab": "home"})
    admin = str(home_of(standin, "UADMIN"))
    assert "Projects without a channel" in admin and "`lonely`" in admin
    assert "Last alert run*: never" in admin


def test_a_decision_from_the_home_tab_refreshes_every_finance_home(
    slack: Workspace, standin: SlackStandIn, seeded: Ledger
) -> None:
    po = request_purchase(seeded, MEMBER, "prod-eu", eur("500"))
    slack.event({"type": "app_home_opened", "user": "UFIN", "tab": "home"})
    assert ("po_approve", po.number) in buttons(home_of(standin, "UFIN"))
    assert slack.click_home("UFIN", "po_approve", po.number).status == 200
    # UFIN decided; UFIN2 (a member of the finance user group) sees the same list.
    after = home_of(standin, "UFIN", count=2)
    other = home_of(standin, "UFIN2")
    for view in (after, other):
        assert not [b for b in buttons(view) if b[0].startswith("po_")]
        assert "No purchase order is waiting" in str(view)
    dm = standin.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage" and c.params.get("channel") == "UMEMBER" for c in calls
        )
    )
    assert dm


def test_the_balance_button_of_the_home_tab_answers_in_a_dm(
    slack: Workspace, standin: SlackStandIn
) -> None:
    assert slack.click_home("UMEM", "home_balance", "prod-eu").status == 200
    standin.wait_for(
        lambda calls: any(
            c.method == "chat.postMessage" and c.params.get("channel") == "UMEM" for c in calls
        )
    )
    sent = next(c for c in standin.of("chat.postMessage") if c.params.get("channel") == "UMEM")
    assert "Prod EU" in text_of(sent) and "At the current rate" in text_of(sent)
