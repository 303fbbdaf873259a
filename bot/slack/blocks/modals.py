"""The modals: buying credit (a purchase order) and the reason for a rejection."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    ExternalDataSelectElement,
    InputBlock,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.i18n import Translator
from bot.slack.blocks.common import _md
from bot.slack.project_choice import PROJECT_CHOICE, project_option
from ledger.domain import ProjectView

BUY_MODAL = "buy_modal"
REJECT_MODAL = "po_reject_modal"


def buy_modal(
    selected: ProjectView | None,
    channel_id: str,
    currency_hint: str,
    t: Translator,
) -> dict[str, Any]:
    """The buy form. Its project menu loads its options from the bot as the person types
    (`bot/slack/project_choice.py`), so it holds every project, `selected` chosen already."""
    view = View(
        type="modal",
        callback_id=BUY_MODAL,
        title=t.gettext("Buy cloud credit"),
        submit=t.gettext("Request"),
        close=t.gettext("Cancel"),
        private_metadata=json.dumps({"channel": channel_id}),
        blocks=[
            InputBlock(
                block_id="amount",
                label=t.gettext("Amount excl. tax"),
                element=PlainTextInputElement(
                    action_id="value",
                    placeholder=t.say("e.g. 500 {currency}", currency=currency_hint),
                ),
                hint=t.gettext(
                    "Whole units, excluding tax. Finance approves it before the credit appears."
                ),
            ),
            InputBlock(
                block_id="project",
                label=t.gettext("Project"),
                element=ExternalDataSelectElement(
                    action_id=PROJECT_CHOICE,
                    initial_option=project_option(selected) if selected else None,
                    min_query_length=0,
                    placeholder=t.gettext("Choose a project"),
                ),
            ),
        ],
    )
    return view.to_dict()


def reject_modal(number: str, source: dict[str, str], t: Translator) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=REJECT_MODAL,
        title=t.gettext("Reject purchase order"),
        submit=t.gettext("Reject"),
        close=t.gettext("Back"),
        private_metadata=json.dumps({"po": number, **source}),
        blocks=[
            SectionBlock(
                text=_md(t.say("Reject *{po}*? The requester will see your reason.", po=number))
            ),
            InputBlock(
                block_id="reason",
                label=t.gettext("Why is it rejected?"),
                element=PlainTextInputElement(action_id="value", multiline=True, max_length=500),
            ),
        ],
    )
    return view.to_dict()
