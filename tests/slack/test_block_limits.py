"""Every builder, fed the largest data the bot accepts (300 projects, names and memos of the
longest length, full of `<!channel>` and `&`), in French and English, parsed back with
slack_sdk's models and held to Slack's documented limits (tests/slack/limits.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.forecast_words import balance_outlook
from bot.i18n import Translator, translator
from bot.slack import project_choice, wording
from bot.slack.blocks import (
    autopilot,
    balance,
    charges,
    common,
    help,
    home,
    notices,
    order_reminders,
    ovh,
    purchase_orders,
    vouchers,
)
from bot.slack.blocks.forecast import chart_sent, forecast_message
from bot.slack.blocks.modals import buy_modal, reject_modal
from bot.slack.blocks.projects import channel_linked, no_project, project_added, project_list
from ledger.domain import (
    AUTOPILOT,
    Allocation,
    Balance,
    ChargeResult,
    DraftedOrder,
    HistoryLine,
    IssuedVoucher,
    LinkedChannel,
    LotKind,
    LotView,
    POStatus,
    ProjectView,
    ProviderOrderView,
    PurchaseOrderView,
    RedeemedVoucher,
    Role,
)
from ledger.drafting import Draft, Skip
from ledger.errors import N_, InvalidInput, ProjectNotFound
from ledger.facts import LotSource
from ledger.money import Money
from ledger.services import Ledger
from ledger.services.autopilot import AutopilotState, Held, LastDraft, Outlook
from ledger.services.billing import MAX_MEMO
from ledger.services.billing import charge as bill
from ledger.services.dashboard import Dashboard
from ledger.services.forecasting import Forecast, forecast
from ledger.services.health import PROVIDER_SYNC, SCHEDULED_RUN, Health, LastRun
from ledger.services.linked import LinkView, SyncReport
from ledger.services.open_orders import OpenOrder
from ledger.services.order_reminders import Waiting
from ledger.services.projects import add_project
from ledger.services.purchases import MAX_REASON, approve_purchase, request_purchase
from tests.slack.limits import option_problems, problems, unescaped
from tests.support import ADMIN, FINANCE, MEMBER, PARIS, FakeClock
from tests.support import eur as eur_text

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)
EVERYONE = frozenset({Role.MEMBER, Role.FINANCE, Role.ADMIN})
HOSTILE = "<!channel> & <b>é</b> "
# `&` grows five-fold once escaped: the longest texts once shown.
NAME = ((HOSTILE + "&" * 20) * 10)[:200].strip()  # a project name: 1 to 200 characters
MEMO = ((HOSTILE + "&" * 40) * 20)[:MAX_MEMO]
REASON = ((HOSTILE + "&" * 40) * 20)[:MAX_REASON]
KEY = ("<k>&" * 40)[:120]  # a charge's key, as `creditbot charge --key` accepts it
MANY = 300
LANGUAGES = ("fr_FR", "en_GB")


def eur(cents: int) -> Money:
    return Money(cents, "EUR")


def project(i: int) -> ProjectView:
    pid = f"{i:03d}-" + "p" * 60
    return ProjectView(
        pid, f"{i:03d} {NAME}"[:200], "EUR", 2000, tuple(f"C{j:08d}" for j in range(30))
    )


BIG = project(1)
PROJECTS = [project(i) for i in range(MANY)]


def lot(i: int, days: int, kind: LotKind = LotKind.CREDIT) -> LotView:
    source = (
        LotSource.voucher(f"{i:04d}")
        if kind is LotKind.VOUCHER
        else LotSource.purchase(f"PO-2026-{i:06d}")
    )
    return LotView(
        i, kind, source, eur(10**13), eur(10**13 - 1), NOW, NOW + timedelta(days=days, hours=1)
    )


LOTS = tuple(lot(i, i % 400, LotKind.VOUCHER if i % 3 else LotKind.CREDIT) for i in range(MANY))
# A project's open orders, not counted in its forecast: pending, or approved and on its way.
OPEN_ORDERS = tuple(
    OpenOrder(f"PO-2026-{i:06d}", eur(10**13), POStatus.APPROVED if i % 2 else POStatus.PENDING)
    for i in range(MANY)
)


def order(i: int, status: POStatus = POStatus.PENDING) -> PurchaseOrderView:
    decided = status is not POStatus.PENDING
    return PurchaseOrderView(
        f"PO-2026-{i:06d}",
        BIG,
        "U" + "X" * 63,
        status,
        eur(20_000_000),
        2000,
        eur(4_000_000),
        eur(24_000_000),
        NOW,
        decided_by="U" + "Y" * 63 if decided else None,
        decided_at=NOW if decided else None,
        reason=REASON if status is POStatus.REJECTED else None,
        credit_expires_at=NOW + timedelta(days=395) if status is POStatus.APPROVED else None,
    )


OUTLOOKS = (
    Outlook(Draft(eur(10**13), date(2027, 12, 31), date(2028, 12, 30), "cap", 400)),
    Outlook(None, Skip.NOT_YET, date(2027, 12, 31)),
    Outlook(None, Held.OPEN_ORDER, order="PO-2026-000042"),
    Outlook(None, Held.EXPIRED, order="PO-2026-000042", since=NOW),
    Outlook(None, Skip.CAP_REACHED),
)


def pilot(i: int, of: ProjectView) -> AutopilotState:
    """A project's autopilot with every line it can show, at its longest."""
    last = LastDraft("PO-2026-000042", date(2027, 9, 30), eur(10**13), date(2027, 10, 5), 400)
    return AutopilotState(
        of, i % 5 != 4, 400, eur(10**15), eur(10**13), "U" + "Z" * 63, NOW, None, last,
        OUTLOOKS[i % len(OUTLOOKS)],
    )  # fmt: skip


def drafted(status: POStatus = POStatus.PENDING) -> PurchaseOrderView:
    return replace(
        order(9, status),
        requested_by=AUTOPILOT,
        drafted=DraftedOrder(date(2027, 9, 30), 400, "useful", date(2028, 9, 29)),
    )


def charge(allocations: int) -> ChargeResult:
    spent = tuple(Allocation(lot.kind, lot.source, eur(100)) for lot in LOTS[:allocations])
    return ChargeResult(KEY, BIG, eur(10**13), spent, eur(10**12), MEMO, NOW)


def history() -> list[HistoryLine]:
    kinds = ("debit", "due")  # the kinds shown with their memo
    return [
        HistoryLine(i, kinds[i % 2], NOW, eur(10**13), LOTS[i].source, "UFIN", MEMO, KEY)
        for i in range(40)  # the history's 20 journal lines and up to 20 parts due otherwise
    ]


def messages(t: Translator) -> dict[str, Any]:
    """Every message builder with the largest data, by name."""
    issued = IssuedVoucher(
        "7H2K-9M3P-4Q5R-AB01", "AB01", eur(10**13), date(2027, 12, 31), NOW, BIG.id, "UFIN"
    )
    redeemed = RedeemedVoucher("AB01", BIG, eur(10**13), NOW + timedelta(days=30))
    out: dict[str, Any] = {
        "help": help.help_message(EVERYONE, t),
        "balance": balance.balance_message(Balance(BIG, NOW, LOTS), t, "outlook", "synced"),
        "history": balance.history_message(BIG, history(), t),
        "pending": purchase_orders.pending_list([order(i) for i in range(MANY)], t),
        "digest of orders": notices.po_digest([order(i) for i in range(MANY)], 3, t),
        "project list": project_list(PROJECTS, t),
        "charge": charges.charge_result(charge(MANY), t),
        "charge news": charges.charge_news(charge(2), "UFIN", t),
        "voucher issued": vouchers.voucher_issued(issued, t),
        "voucher announced": vouchers.voucher_announced(issued, t),
        "voucher redeemed": vouchers.voucher_redeemed(redeemed, t),
        "voucher redeemed news": vouchers.voucher_redeemed(redeemed, t, who="UMEM"),
        "project added": project_added(BIG, t),
        "channel linked": channel_linked(LinkedChannel(BIG, "C1", previous=NAME), t),
        "expiry warning": notices.expiry_warning(NAME, [(lot, 7) for lot in LOTS], t),
        "forfeiture": notices.forfeiture(NAME, [(lot, eur(10**13)) for lot in LOTS], t),
        "credit arrived": purchase_orders.credit_arrived(order(1, POStatus.APPROVED), t),
        "chart sent": chart_sent(NAME, t),
        "project refused": common.error_message(
            wording.refusal(
                ProjectNotFound(N_("there is no project {project!r}"), project=HOSTILE), t
            )
        ),
        "amount refused": common.error_message(
            wording.refusal(
                InvalidInput(N_("{text!r} is not a usable project id"), text=HOSTILE), t
            )
        ),
        "unknown command": common.error_message(wording.unknown_command(HOSTILE, t)),
        "no project": no_project(t),
    }
    for status in POStatus:
        po = order(7, status)
        out[f"finance message {status.value}"] = purchase_orders.po_for_approval(po, t)
        out[f"requested {status.value}"] = purchase_orders.po_requested(po, t)
    out["decided dm"] = purchase_orders.po_decided_dm(order(7, POStatus.REJECTED), t)
    expired = replace(order(9, POStatus.EXPIRED), decided_at=NOW + timedelta(days=400))
    out["expired dm"] = order_reminders.expired_dm(expired, t)
    # A reminder of an order many approvers have approved already, the longest ids.
    approvals = tuple(("U" + f"{i:02d}" + "A" * 61, NOW) for i in range(60))
    waited = Waiting(order(10), 3, timedelta(days=400), approvals, 61, NOW)
    out["reminder"] = order_reminders.reminder(waited, t)
    for status in (POStatus.PENDING, POStatus.APPROVED):
        out[f"drafted order {status.value}"] = purchase_orders.po_for_approval(drafted(status), t)
    out["autopilot states"] = autopilot.autopilot_message(
        [pilot(i, p) for i, p in enumerate(PROJECTS)], t
    )
    out["autopilot drafted news"] = autopilot.drafted_news(drafted(), t)
    out["autopilot would draft"] = autopilot.draft_due_news(pilot(0, BIG), t)
    for i in range(2):
        out[f"autopilot changed {i}"] = autopilot.changed_news(pilot(i + 3, BIG), t)
    provider = ProviderOrderView(
        "ordered", 77, "https://example.invalid/77", eur(100), eur(20), eur(120), REASON
    )
    out["finance message ordered"] = purchase_orders.po_for_approval(
        replace(order(8, POStatus.APPROVED), provider=provider), t
    )
    link = LinkView(BIG.id, "s" * 64, NOW, NOW, NOW, "gone", REASON)
    out["sync failure"] = common.text_message(ovh.failure_notice(link, t))
    out["linked"] = common.text_message(
        ovh.linked_text(SyncReport(BIG.id, "s" * 64, 2, 0, eur(5)), t)
    )
    return {name: m.as_kwargs() for name, m in out.items()}


def modals(t: Translator) -> dict[str, dict[str, Any]]:
    return {
        "buy, nothing chosen": buy_modal(None, "C1", "EUR", t),
        "buy, the last of many chosen": buy_modal(PROJECTS[-1], "C1", "EUR", t),
        "reject": reject_modal("PO-2026-000042", {"channel": "C1", "response_url": "h" * 300}, t),
    }


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_message_and_modal_with_the_largest_data_is_within_slacks_limits(locale: str) -> None:
    t = translator(locale, PARIS)
    found = [p for name, m in messages(t).items() for p in problems(m, name)]
    found += [p for name, v in modals(t).items() for p in problems(v, name)]
    assert found == []


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_long_list_says_how_many_more_it_does_not_show(locale: str) -> None:
    t = translator(locale, PARIS)
    for name, message in messages(t).items():
        if name in ("project list", "pending", "expiry warning", "forfeiture", "autopilot states"):
            last = message["blocks"][-1]
            assert "…" in str(last), (name, last)


def test_the_buy_forms_project_menu_offers_any_of_many_projects_within_slacks_limits() -> None:
    for typed in ("", "299", NAME[:12], "<!channel> &", "nothing like it"):
        shown = project_choice.options(PROJECTS, typed)
        assert option_problems(shown, typed) == []
    assert len(project_choice.options(PROJECTS, "")) == 100
    last = project_choice.options(PROJECTS, PROJECTS[-1].id)
    assert [o["value"] for o in last] == [PROJECTS[-1].id]
    assert [o["value"] for o in project_choice.options(PROJECTS, "25")][:1] == [PROJECTS[250].id]


def forecasts(ledger: Ledger, clock: FakeClock) -> list[Forecast]:
    """Forecasts that run out, expire unused and need a purchase, under the longest name."""
    for pid, name in (("steady", "Steady"), ("tight", "Tight")):
        add_project(ledger, ADMIN, pid, name)
        po = request_purchase(ledger, MEMBER, pid, eur_text("300"))
        approve_purchase(ledger, FINANCE, po.number)
    clock.advance(days=3)
    bill(ledger, FINANCE, "tight", eur_text("290"), "bill-tight")
    seen = [forecast(ledger, p) for p in ("steady", "tight")]
    return [
        replace(s, project=project(i), lots=LOTS, open_orders=OPEN_ORDERS)
        for i, s in enumerate(seen * 150)
    ]


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_forecast_digest_and_home_with_the_largest_data_are_within_slacks_limits(
    locale: str, ledger: Ledger, clock: FakeClock
) -> None:
    t = translator(locale, PARIS)
    seen = forecasts(ledger, clock)
    runs = {SCHEDULED_RUN: LastRun(NOW, NOW, REASON[:200]), PROVIDER_SYNC: LastRun(NOW, None, None)}
    health = Health(tuple(p.id for p in PROJECTS), tuple(f"C{i:08d}" for i in range(MANY)), runs)
    found: list[str] = []
    for one in seen[:2]:
        found += problems(forecast_message(one, t).as_kwargs(), "forecast")
        found += problems(notices.weekly_digest(one, eur(10**13), LOTS, t).as_kwargs(), "digest")
        outlook = balance_outlook(one, t)
        said = balance.balance_message(Balance(BIG, NOW, LOTS), t, outlook, "synced", "budget")
        found += problems(said.as_kwargs(), "balance with open orders")
    pilots = {one.project.id: pilot(i, one.project) for i, one in enumerate(seen)}
    data = Dashboard(tuple(seen), tuple(order(i) for i in range(MANY)), health, autopilot=pilots)
    found += problems(home.home_view(EVERYONE, data, t), "home")
    assert found == []


def test_the_limits_checker_sees_raw_user_text_and_what_slack_would_refuse() -> None:
    assert unescaped("<@U1> in <#C1>: a &amp; b &lt;x&gt;") == []
    assert unescaped("<!channel> &amp") == ["<", ">", "&"]
    assert problems(
        {
            "text": "x",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
        },
        "m",
    )
    assert option_problems([{"text": {"type": "plain_text", "text": "x" * 76}, "value": "v"}], "o")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_charge_news_with_the_longest_memo_keeps_its_last_sentence_and_every_escape_whole(
    locale: str,
) -> None:
    t = translator(locale, PARIS)
    due = t.say("{amount} is due by other payment means.", amount=t.money(eur(10**12)))
    for cut in range(MAX_MEMO - 12, MAX_MEMO + 1):  # every position of the last escape
        memo = ("é" * 30 + "&" * MAX_MEMO)[:cut]
        news = charges.charge_news(replace(charge(2), memo=memo), "UFIN", t).as_kwargs()
        section = news["blocks"][0]["text"]["text"]
        assert section.endswith(due) and news["text"].endswith(due), (cut, section[-80:])
        assert unescaped(section) == [] and unescaped(news["text"]) == []


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_branch_of_every_builder_is_within_slacks_limits(locale: str) -> None:
    from tests.i18n.test_every_builder import rendered
    from tests.i18n.test_ovhcloud_words import rendered_ovhcloud

    t = translator(locale, PARIS)
    found: list[str] = []
    for index, payload in enumerate(rendered(t) + rendered_ovhcloud(t)):
        if isinstance(payload, str):  # a sentence shown in a message of its own
            payload = common.error_message(payload).as_kwargs()
        found += problems(payload, f"payload {index}")
    # That data repeats one order in its lists on purpose; real orders have their own numbers.
    assert [
        p for p in found if not re.search(r"block_id '(pending|digest):PO-.*' repeated", p)
    ] == []
