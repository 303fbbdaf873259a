"""The App Home stays within Slack's limits, summarising what does not fit."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import translator
from bot.slack.blocks.home import (
    MAX_HOME_BLOCKS,
    MAX_ORDERS_SHOWN,
    MAX_PROJECTS_SHOWN,
    home_view,
)
from ledger.domain import Actor, POStatus, Role
from ledger.services import Ledger
from ledger.services.dashboard import dashboard
from ledger.services.health import PROVIDER_SYNC, SCHEDULED_RUN, record_run
from ledger.services.projects import add_project
from ledger.services.purchases import list_purchase_orders, request_purchase
from tests.support import ADMIN, MEMBER, FakeClock, eur

FMT = translator("en_GB", ZoneInfo("Europe/Paris"))
EVERYONE = frozenset({Role.MEMBER, Role.FINANCE, Role.ADMIN})


def test_fifty_projects_and_forty_orders_fit_in_a_hundred_blocks_with_summaries(
    ledger: Ledger, clock: FakeClock
) -> None:
    for n in range(50):
        add_project(ledger, ADMIN, f"p{n:02d}", f"Project {n:02d}")
    for n in range(40):
        request_purchase(ledger, MEMBER, f"p{n % 50:02d}", eur("100"))
    record_run(ledger, SCHEDULED_RUN, clock.current, "posted=3")
    data = dashboard(ledger, Actor("UBOTH", EVERYONE))
    assert [po.number for po in data.pending] == [
        po.number for po in list_purchase_orders(ledger, POStatus.PENDING)
    ]
    assert data.pending == tuple(list_purchase_orders(ledger, POStatus.PENDING))
    view = home_view(EVERYONE, data, FMT)
    text = str(view)
    assert view["type"] == "home" and len(view["blocks"]) <= MAX_HOME_BLOCKS
    shown = [b for b in view["blocks"] if (b.get("accessory") or {}).get("action_id")]
    assert len(shown) == MAX_PROJECTS_SHOWN
    assert f"…and {50 - MAX_PROJECTS_SHOWN} more projects" in text
    approvals = [b for b in view["blocks"] if b["type"] == "actions"]
    assert len(approvals) == MAX_ORDERS_SHOWN
    assert f"…and {40 - MAX_ORDERS_SHOWN} more" in text
    assert "posted 3 messages" in text


def test_a_member_sees_projects_only(ledger: Ledger) -> None:
    add_project(ledger, ADMIN, "p1", "One")
    data = dashboard(ledger, Actor("UMEM"))
    assert data.pending == () and data.health is None
    view = home_view(frozenset({Role.MEMBER}), data, FMT)
    assert [b["type"] for b in view["blocks"]] == ["header", "section"]
    assert "lasts beyond" not in str(view) and "One" in str(view)


def test_the_home_blocks_are_what_slack_sdks_models_produce() -> None:
    from slack_sdk.models.blocks import (
        ButtonElement,
        ContextBlock,
        DividerBlock,
        HeaderBlock,
        MarkdownTextObject,
        PlainTextObject,
        SectionBlock,
    )

    from bot.slack.blocks import home, purchase_orders

    assert (
        home.po_buttons("PO-2026-000007", FMT)
        == purchase_orders.po_buttons("PO-2026-000007", FMT).to_dict()
    )
    assert home._header("Projects") == HeaderBlock(text=PlainTextObject(text="Projects")).to_dict()
    assert home._context("c") == ContextBlock(elements=[MarkdownTextObject(text="c")]).to_dict()
    assert DividerBlock().to_dict() == home.DIVIDER
    button = {
        "action_id": "home_balance",
        "text": home._plain("Balance"),
        "type": "button",
        "value": "p1",
    }
    assert (
        home._section("x", button)
        == SectionBlock(
            text=MarkdownTextObject(text="x"),
            accessory=ButtonElement(text="Balance", action_id="home_balance", value="p1"),
        ).to_dict()
    )


def test_the_health_line_words_the_last_run_in_the_admins_language(
    ledger: Ledger, clock: FakeClock
) -> None:
    record_run(ledger, SCHEDULED_RUN, clock.current, "expired=1;claimed=3;posted=3")
    record_run(ledger, PROVIDER_SYNC, clock.current, "projects=2;synced=1;entries=4")
    data = dashboard(ledger, Actor("UADMIN", EVERYONE))
    french = str(home_view(EVERYONE, data, translator("fr_FR", ZoneInfo("Europe/Paris"))))
    assert "1 lot expiré" in french and "3 messages publiés" in french
    assert "posted" not in french and "synced" not in french
    english = str(home_view(EVERYONE, data, FMT))
    assert "expired 1 lot; claimed 3 notices; posted 3 messages" in english
    assert "synced 1 of 2 OVHcloud projects; 4 entries posted" in english


def test_a_run_outcome_written_as_a_sentence_before_is_shown_as_it_was(
    ledger: Ledger, clock: FakeClock
) -> None:
    record_run(ledger, SCHEDULED_RUN, clock.current, "posted 3 messages")
    data = dashboard(ledger, Actor("UADMIN", EVERYONE))
    assert "posted 3 messages" in str(home_view(EVERYONE, data, FMT))


def test_the_home_shows_each_projects_autopilot_on_with_its_next_draft_or_off(
    ledger: Ledger, clock: FakeClock
) -> None:
    from ledger.services.autopilot import turn_on
    from tests.support import FINANCE

    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    add_project(ledger, ADMIN, "staging", "Staging")
    turn_on(ledger, FINANCE, "prod-eu", 45, eur("2000"))
    view = home_view(frozenset({Role.MEMBER}), dashboard(ledger, MEMBER), FMT)
    sections = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    (prod,) = [s for s in sections if "*Prod EU*" in s]
    (staging,) = [s for s in sections if "*Staging*" in s]
    assert (
        ":robot_face: Autopilot on · cover 45 days · monthly cap €2,000 (€0.00 used this month)"
        " — No draft: nothing was charged lately, so there is no burn." in prod
    )
    assert staging.endswith(":robot_face: Autopilot off")


def test_the_home_says_the_autopilot_is_held_after_finance_rejects_its_draft(
    ledger: Ledger, clock: FakeClock
) -> None:
    from ledger.services.autopilot import draft_due, turn_on
    from ledger.services.purchases import reject_purchase
    from tests.ledger.test_autopilot import running_out
    from tests.support import FINANCE

    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    running_out(ledger, "prod-eu", clock)
    turn_on(ledger, FINANCE, "prod-eu")
    (drafted,) = draft_due(ledger)
    reject_purchase(ledger, FINANCE, drafted.number or "", "not now")
    view = home_view(frozenset({Role.MEMBER}), dashboard(ledger, MEMBER), FMT)
    assert (
        f" — Held since {drafted.number} was rejected on 12 Mar 2026: turn it on again to resume "
        "(`/credit autopilot on prod-eu`)." in str(view)
    )
