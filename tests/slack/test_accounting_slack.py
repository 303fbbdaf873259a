"""`/credit export MONTH` (finance: the month's purchase orders as CSV in a DM) and
`/credit due` with Settle… and its modal, through the real app and the Slack stand-in."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest

from bot.slack.accounting_commands import month_of
from bot.slack.blocks.accounting import SETTLE, SETTLE_MODAL
from ledger.errors import InvalidInput
from ledger.services import Ledger
from ledger.services.accounting import export_purchases
from ledger.services.billing import charge
from ledger.services.projects import add_project, link_channel
from ledger.services.purchases import approve_purchase, request_purchase
from ledger.services.settlements import due_parts, settle
from tests.slack.inprocess import Bot, block_texts, bot_in_process, plain
from tests.support import ADMIN, FINANCE, MEMBER, eur

FIN = "UFIN"


@pytest.fixture
def seeded(ledger: Ledger, project: str) -> Ledger:
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    approve_purchase(ledger, FINANCE, po.number)
    charge(ledger, FINANCE, project, eur("300"), "bill-1", "March")
    charge(ledger, FINANCE, project, eur("50"), "bill-2")
    return ledger


@pytest.mark.parametrize(
    ("words", "today", "month"),
    [
        ([], date(2026, 1, 31), date(2025, 12, 1)),
        (["2026-11"], date(2026, 1, 31), date(2026, 11, 1)),
        (["novembre"], date(2026, 1, 31), date(2025, 11, 1)),
        (["November"], date(2026, 12, 6), date(2026, 11, 1)),
        (["janvier"], date(2026, 1, 31), date(2026, 1, 1)),
        (["Févr."], date(2026, 5, 1), date(2026, 2, 1)),
        (["fevrier", "2024"], date(2026, 5, 1), date(2024, 2, 1)),
        (["aout"], date(2026, 5, 1), date(2025, 8, 1)),
    ],
)
def test_a_month_is_a_year_and_month_or_a_name_meaning_its_latest_one(
    words: list[str], today: date, month: date
) -> None:
    assert month_of(words, today) == month


@pytest.mark.parametrize("words", [["2026-13"], ["brumaire"], ["nov", "soon"], ["1", "2", "3"]])
def test_a_word_that_is_no_month_is_refused(words: list[str]) -> None:
    with pytest.raises(InvalidInput):
        month_of(words, date(2026, 1, 31))


def test_finance_gets_the_months_purchase_orders_as_csv_in_a_direct_message(
    seeded: Ledger,
) -> None:
    with bot_in_process(seeded, "en_GB", UFIN="fr-FR") as bot:
        answer = bot.command(FIN, "exporter janvier")
        assert "janvier 2026 (1 bon) sont dans vos messages privés" in plain(answer)
        asked = bot.standin.of("files.getUploadURLExternal")[0]
        done = bot.standin.of("files.completeUploadExternal")[0]
        assert asked.params["filename"] == "purchases-2026-01.csv"
        assert done.params["channel_id"] == "DUFIN" and done.result["ok"] is True
        sent = bot.standin.uploads[asked.result["file_id"]].decode("utf-8")
    expected = io.StringIO()
    export_purchases(seeded, date(2026, 1, 1), date(2026, 1, 31), expected, "csv")
    assert sent == expected.getvalue() and "PO-2026-000001" in sent


def test_the_export_is_refused_to_a_member_and_to_a_word_that_is_no_month(
    seeded: Ledger,
) -> None:
    with bot_in_process(seeded, "en_GB") as bot:
        refused = plain(bot.command("UMEM", "export 2026-01"))
        assert "Only finance may export the purchases" in refused
        assert "'brumaire' is not a month" in plain(bot.command(FIN, "export brumaire"))
        assert bot.standin.of("files.getUploadURLExternal") == []


def _settle_buttons(answer: Any) -> list[dict[str, Any]]:
    blocks = answer.params["blocks"]
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def submit(bot: Bot, user: str, view: dict[str, Any], reference: str) -> dict[str, Any]:
    return bot.dispatch(
        {
            "type": "view_submission",
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "user": {"id": user},
            "view": {
                "id": view["id"],
                "type": "modal",
                "callback_id": SETTLE_MODAL,
                "private_metadata": view["private_metadata"],
                "state": {
                    "values": {
                        "reference": {"value": {"type": "plain_text_input", "value": reference}}
                    }
                },
            },
        }
    )


def test_finance_settles_a_part_from_the_due_list_through_its_modal(seeded: Ledger) -> None:
    with bot_in_process(seeded, "en_GB") as bot:
        listed = bot.command(FIN, "due")
        assert "C-1" in " ".join(block_texts(listed)) and "€200.00" in plain(listed)
        buttons = _settle_buttons(listed)
        assert [(b["action_id"], b["value"]) for b in buttons] == [(SETTLE, "C-1"), (SETTLE, "C-2")]
        bot.click(FIN, SETTLE, "C-1", "CGENERAL", "1.1")
        opened = bot.standin.of("views.open")[-1].result["view"]
        assert opened["callback_id"] == SETTLE_MODAL
        refused = submit(bot, FIN, opened, "   ")
        assert json.loads(refused["body"])["response_action"] == "errors"
        assert [p.ref for p in due_parts(seeded)] == ["C-1", "C-2"]
        submit(bot, FIN, opened, "INV-2026-0042")
        submit(bot, FIN, opened, "INV-2026-0042")  # Slack retried the submission
        told = bot.standin.of("chat.postEphemeral")
        assert len(told) == 1 and "*C-1* settled: €200.00 paid, reference INV-2026-0042" in plain(
            told[0]
        )
        redrawn = [c for c in bot.standin.of("response") if c.params.get("replace_original")]
        assert len(redrawn) == 1 and "C-1" not in plain(redrawn[0]) and "C-2" in plain(redrawn[0])
    assert [p.ref for p in due_parts(seeded)] == ["C-2"]


def test_only_finance_sees_settle_buttons_and_may_open_the_form(seeded: Ledger) -> None:
    with bot_in_process(seeded, "en_GB", UMEM="fr-FR") as bot:
        listed = bot.command("UMEM", "dû prod-eu")
        assert "2 montants dus par d’autres moyens de paiement" in plain(listed)
        assert _settle_buttons(listed) == []
        bot.click("UMEM", SETTLE, "C-1", "CGENERAL", "1.1")
        assert bot.standin.of("views.open") == []
        refusal = bot.standin.of("response")[-1]
        assert "Seule la finance peut régler ce qui est dû" in plain(refusal)


def test_the_due_list_says_so_when_nothing_is_due(ledger: Ledger, project: str) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        assert plain(bot.command(FIN, "due")) == "Nothing is due by other payment means."


def test_the_history_in_slack_shows_a_settlement_with_its_reference(seeded: Ledger) -> None:
    with bot_in_process(seeded, "en_GB") as bot:
        bot.command(FIN, "due")
        bot.click(FIN, SETTLE, "C-2", "CGENERAL", "1.1")
        submit(bot, FIN, bot.standin.of("views.open")[-1].result["view"], "INV-77")
        shown = plain(bot.command("UMEM", "history prod-eu"))
    assert "*Settled by other payment means* €50.00 · `bill-2` — INV-77" in shown


def test_the_due_list_of_one_project_names_it_when_nothing_is_due_there(
    seeded: Ledger, project: str
) -> None:
    add_project(seeded, ADMIN, "dev", "Dev")
    link_channel(seeded, ADMIN, "dev", "CDEV")
    with bot_in_process(seeded, "en_GB", UFRA="fr-FR") as bot:
        mine = bot.command(FIN, "due", channel="CDEV")
        assert plain(mine) == "Nothing is due by other payment means for Dev."
        named = bot.command(FIN, "due dev")
        assert plain(named) == "Nothing is due by other payment means for Dev."
        french = bot.command("UFRA", "dû", channel="CDEV")
        assert plain(french) == "Rien n’est dû par d’autres moyens de paiement pour Dev."


def test_settling_the_last_part_of_a_projects_list_redraws_it_naming_the_project(
    seeded: Ledger,
) -> None:
    settle(seeded, FINANCE, ["C-1"], "INV-1")
    with bot_in_process(seeded, "en_GB") as bot:
        listed = bot.command(FIN, "due prod-eu")
        (row,) = [b for b in listed.params["blocks"] if b["type"] == "actions"]
        bot.dispatch(
            {
                "type": "block_actions",
                "team": {"id": "T1"},
                "api_app_id": "A1",
                "user": {"id": FIN},
                "trigger_id": "trigger.last",
                "response_url": bot.standin.response_url("last"),
                "container": {"type": "message", "message_ts": "1.1", "channel_id": "CGENERAL"},
                "channel": {"id": "CGENERAL"},
                "actions": [
                    {
                        "type": "button",
                        "action_id": SETTLE,
                        "block_id": row["block_id"],
                        "value": "C-2",
                    }
                ],
            }
        )
        submit(bot, FIN, bot.standin.of("views.open")[-1].result["view"], "INV-2")
        redrawn = [c for c in bot.standin.of("response") if c.params.get("replace_original")]
        assert plain(redrawn[-1]) == "Nothing is due by other payment means for Prod EU."
