"""`creditbot alerts run --dry-run`: what the run would do, told without Slack: no call to
Slack without a token, every order the run would draft listed whatever the channels, and
finance's messages said to have nowhere to go when FINANCE_CHANNEL is unset."""

from __future__ import annotations

import pytest

from bot.cli.__main__ import main
from bot.composition import build_alerts
from bot.settings import Settings
from bot.slack.standin import SlackStandIn
from ledger.services import Ledger, purchases
from ledger.services.autopilot import status, turn_on
from ledger.services.billing import charge
from ledger.services.order_expiry import expire_orders
from ledger.services.projects import add_project, link_channel
from tests.support import ADMIN, FINANCE, MEMBER, TEST_SECRET, FakeClock, eur


def at_a_terminal_without_a_token(
    monkeypatch: pytest.MonkeyPatch, db_url: str, standin: SlackStandIn
) -> None:
    """`creditbot` with no Slack token nor finance channel; any call to Slack would reach
    the stand-in."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("CREDITBOT_SECRET", TEST_SECRET)
    monkeypatch.setenv("SLACK_API_URL", standin.api_url)
    monkeypatch.setenv("CREDITBOT_LOCALE", "fr_FR")
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "FINANCE_CHANNEL"):
        monkeypatch.delenv(name, raising=False)


def test_a_dry_run_without_a_token_asks_slack_nothing_and_words_a_dm_in_the_workspaces_language(
    ledger: Ledger,
    clock: FakeClock,
    db_url: str,
    standin: SlackStandIn,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    po = purchases.request_purchase(ledger, MEMBER, "prod-eu", eur("500"))
    clock.advance(days=31)
    assert expire_orders(ledger) == [po.number]  # its requester's notice waits to be sent
    at_a_terminal_without_a_token(monkeypatch, db_url, standin)
    capsys.readouterr()
    assert main(["alerts", "run", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert standin.calls == []
    assert err == ""
    assert f"Votre bon de commande *{po.number}* (500,00\u00a0€ HT pour *Prod EU*)" in out


def test_a_dry_run_lists_the_autopilots_draft_and_its_channel_news_with_no_finance_channel(
    ledger: Ledger, clock: FakeClock, settings: Settings
) -> None:
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    link_channel(ledger, ADMIN, "prod-eu", "CPROD")
    turn_on(ledger, FINANCE, "prod-eu", cover_days=30)
    clock.advance(days=40)
    charge(ledger, FINANCE, "prod-eu", eur("300"), "march")  # 10 € a day, no credit
    alerts = build_alerts(settings.model_copy(update={"finance_channel": None}), ledger)
    report = alerts.run(dry_run=True)
    (state,) = report.would_draft
    assert state.outlook.draft is not None
    assert (state.project.id, state.outlook.draft.amount) == ("prod-eu", eur("300"))
    assert [(place, draft.text) for place, draft in report.planned] == [
        (
            "CPROD",
            ":robot_face: The autopilot would draft €300.00 for *Prod EU*.\n"
            "Credit runs out on 12 Mar 2026; this order covers 30 days of usage from then,"
            " through 10 Apr 2026.",
        )
    ]
    assert status(ledger, "prod-eu")[0].open_order is None
