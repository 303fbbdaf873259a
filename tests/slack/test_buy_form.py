"""The buy form through the real app and the Slack stand-in: no form with nothing to choose
from, and a project menu that reaches every project, loaded as the person types."""

from __future__ import annotations

import json
from typing import Any

from bot.i18n import translator
from bot.slack import wording
from ledger.orm import PurchaseOrder
from ledger.services import Ledger
from ledger.services.projects import add_project, link_channel
from tests.slack.inprocess import Bot, bot_in_process, plain
from tests.support import ADMIN, PARIS

EN = translator("en_GB", PARIS)


def suggestion(bot: Bot, user: str, typed: str) -> list[dict[str, Any]]:
    """What Slack asks when the person opens the menu or types in it: the options shown."""
    answer = bot.dispatch(
        {
            "type": "block_suggestion",
            "user": {"id": user},
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "action_id": "buy_project",
            "block_id": "project",
            "value": typed,
            "view": {"id": "V1", "callback_id": "buy_modal", "type": "modal"},
        }
    )
    assert answer["status"] == 200
    options: list[dict[str, Any]] = json.loads(answer["body"])["options"]
    return options


def test_buy_with_no_project_says_how_to_add_one_instead_of_opening_an_empty_form(
    ledger: Ledger,
) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        answer = plain(bot.command("UMEM", "buy"))
        assert "No project yet. An admin adds one with `/credit project add ID NAME`." in answer
        assert wording.apology(EN) not in json.dumps([c.params for c in bot.standin.calls])
        assert bot.standin.of("views.open") == []


def test_the_buy_forms_menu_reaches_the_300th_project_preselected_and_typed(
    ledger: Ledger,
) -> None:
    ids = [f"p{i:03d}" for i in range(300)]
    for pid in ids:
        add_project(ledger, ADMIN, pid, f"Project {pid}")
    link_channel(ledger, ADMIN, "p299", "CLAST")
    with bot_in_process(ledger, "en_GB") as bot:
        bot.dispatch(
            {
                "command": "/credit",
                "text": "buy",
                "user_id": "UMEM",
                "channel_id": "CLAST",
                "team_id": "T1",
                "response_url": bot.standin.response_url("buy"),
                "trigger_id": "trigger.buy",
            }
        )
        opened = bot.standin.of("views.open")
        assert opened and opened[-1].result["ok"], opened
        element = opened[-1].params["view"]["blocks"][1]["element"]
        assert element["type"] == "external_select"
        assert element["initial_option"]["value"] == "p299"
        assert [o["value"] for o in suggestion(bot, "UMEM", "")] == ids[:100]
        assert [o["value"] for o in suggestion(bot, "UMEM", "P299")] == ["p299"]
        assert [o["text"]["text"] for o in suggestion(bot, "UMEM", "project p29")][:1] == [
            "Project p290 (p290)"
        ]
        bot.dispatch(
            {
                "type": "view_submission",
                "team": {"id": "T1"},
                "user": {"id": "UMEM"},
                "view": {
                    "id": "VBUY1",
                    "type": "modal",
                    "callback_id": "buy_modal",
                    "private_metadata": json.dumps({"channel": "CLAST"}),
                    "state": {
                        "values": {
                            "amount": {"value": {"type": "plain_text_input", "value": "700"}},
                            "project": {
                                "buy_project": {
                                    "type": "external_select",
                                    "selected_option": {"value": "p299"},
                                }
                            },
                        }
                    },
                },
            }
        )
    with ledger.db.read() as session:
        orders = session.query(PurchaseOrder).all()
        assert [o.project_id for o in orders] == ["p299"]
