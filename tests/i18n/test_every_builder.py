"""Every message the bot builds, every branch, rendered in French: no English sentence may
come through. A word found in both the French and the English rendering must be data (a
project, a number, a code) or one of the few words both languages share."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot import forecast_words, run_outcome
from bot.i18n import Translator, translator
from bot.slack import wording
from bot.slack.blocks import (
    balance,
    charges,
    common,
    help,
    home,
    modals,
    notices,
    order_reminders,
    projects,
    purchase_orders,
    vouchers,
)
from bot.slack.blocks.forecast import chart_sent, forecast_message
from bot.slack.grammar import NoProject
from ledger.domain import (
    Allocation,
    Balance,
    ChargeResult,
    HistoryLine,
    IssuedVoucher,
    LinkedChannel,
    LotKind,
    LotView,
    POStatus,
    ProjectView,
    PurchaseOrderView,
    RedeemedVoucher,
    Role,
)
from ledger.errors import (
    N_,
    AlreadyDecided,
    Forbidden,
    FourEyes,
    LedgerError,
    OwnVoucher,
    Phrase,
    ProjectNotFound,
    TooManyAttempts,
)
from ledger.facts import EntryCause, LotSource
from ledger.money import Money
from ledger.services import Ledger
from ledger.services.billing import charge as bill
from ledger.services.dashboard import Dashboard
from ledger.services.forecasting import Forecast, forecast
from ledger.services.health import PROVIDER_SYNC, SCHEDULED_RUN, Health, LastRun
from ledger.services.order_reminders import Waiting
from ledger.services.projects import add_project
from ledger.services.purchases import approve_purchase, not_pending, request_purchase
from ledger.services.vouchers import issue_voucher, redeem_voucher
from tests.support import ADMIN, FINANCE, MEMBER, PARIS, FakeClock
from tests.support import eur as eur_text

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)
EVERYONE = frozenset({Role.MEMBER, Role.FINANCE, Role.ADMIN})
PROJECT = ProjectView("prod-eu", "Prod EU", "EUR", 2000, ("C1",))
BARE = ProjectView("bare", "Bare", "EUR", 550, ())

# Words French and English share, or that are names rather than sentences.
SHARED = {
    *("lot", "lots", "projection", "total", "messages", "code", "codes", "min", "long", "nul"),
    *("admin", "finance", "cloud", "credit", "ovhcloud", "eur", "prod", "bare", "csv"),
    *("budget", "budgets"),  # the same word in French
}


def eur(cents: int) -> Money:
    return Money(cents, "EUR")


def lot(i: int, days: int, kind: LotKind = LotKind.CREDIT) -> LotView:
    source = (
        LotSource.voucher(f"AB{i:02d}")
        if kind is LotKind.VOUCHER
        else LotSource.provider(1000 + i)
        if i % 3 == 0
        else LotSource.purchase(f"PO-2026-{i:06d}")
    )
    return LotView(i, kind, source, eur(100_000), eur(50_000), NOW, NOW + timedelta(days=days))


def order(status: POStatus, reason: str | None = None) -> PurchaseOrderView:
    decided = status is not POStatus.PENDING
    return PurchaseOrderView(
        "PO-2026-000042",
        PROJECT,
        "UREQ",
        status,
        eur(150_000),
        2000,
        eur(30_000),
        eur(180_000),
        NOW,
        decided_by="UFIN" if decided else None,
        decided_at=NOW if decided else None,
        reason=reason,
        credit_expires_at=NOW + timedelta(days=395) if status is POStatus.APPROVED else None,
    )


def charge(
    allocations: int, due: int, *, repeated: bool = False, memo: str | None = None
) -> ChargeResult:
    spent = tuple(
        Allocation(kind, source, eur(100))
        for kind, source in [
            (LotKind.VOUCHER, LotSource.voucher("AB01")),
            (LotKind.CREDIT, LotSource.purchase("PO-2026-000001")),
            (LotKind.CREDIT, LotSource.provider(1001)),
        ][:allocations]
    )
    return ChargeResult("k", PROJECT, eur(10_000), spent, eur(due), memo, NOW, repeated)


def refusals(t: Translator) -> list[str]:
    errors: list[LedgerError] = [
        AlreadyDecided(N_("already decided"), status="approved", decided_by="UFIN"),
        AlreadyDecided(N_("already decided"), status="rejected", decided_by=None),
        AlreadyDecided(N_("already decided"), status="cancelled", decided_by="UREQ"),
        not_pending("PO-2026-000042", "expired", "creditbot", NOW),
        FourEyes(N_("four-eyes rule")),
        OwnVoucher(N_("four-eyes rule")),
        TooManyAttempts(
            N_("too many failed voucher codes: try again in {minutes} min"),
            hint=N_("check the code with whoever gave it to you"),
            minutes=3,
        ),
        ProjectNotFound(N_("there is no project {project!r}"), project="p9"),
        NoProject(
            N_(
                "Which project? Name it in the command ({example}), "
                "or ask an admin to link this channel: `/credit project link ID`."
            ),
            example=Phrase(N_("`/credit buy 500 prod-eu`")),
        ),
    ]
    for actor in (MEMBER, ADMIN):
        for role in (Role.FINANCE, Role.ADMIN):
            try:
                actor.require(role, N_("charge bills"))
            except Forbidden as refused:
                errors.append(refused)
    return [wording.refusal(error, t) for error in errors] + [
        wording.apology(t),
        wording.unknown_command("x9", t),
        wording.too_long(t),
        wording.unstorable(t),
    ]


def reminders(t: Translator) -> list[Any]:
    """A pending order's reminders (no approval yet, some, waited hours or days, requested
    by the autopilot), an expired order's finance message and its requester's message."""
    pending = order(POStatus.PENDING)
    expired = replace(
        order(POStatus.EXPIRED), decided_by="creditbot", decided_at=NOW + timedelta(days=30)
    )
    soon = NOW + timedelta(days=30)
    return [
        order_reminders.reminder(Waiting(pending, 1, timedelta(hours=25), (), 1, soon), t),
        order_reminders.reminder(
            Waiting(pending, 2, timedelta(days=2, hours=1), (("UFIN", NOW),), 3, soon), t
        ),
        order_reminders.reminder(
            Waiting(replace(pending, requested_by="autopilot"), 3, timedelta(days=3), (), 2, soon),
            t,
        ),
        purchase_orders.po_for_approval(expired, t),
        order_reminders.expired_dm(expired, t),
        run_outcome.words("orders_expired=2", t),
    ]


def rendered(t: Translator) -> list[Any]:
    """Every builder, every branch, as JSON-ready values."""
    everything: list[Any] = []
    full = Balance(
        PROJECT,
        NOW,
        (
            lot(1, 10, LotKind.VOUCHER),
            lot(2, 1),
            lot(3, 0),
            *[lot(i, 60 + i) for i in range(4, 40)],
        ),
    )
    for view in (full, Balance(PROJECT, NOW, ())):
        everything.append(balance.balance_message(view, t))
    history = [
        HistoryLine(1, kind, NOW, eur(500), source, "UFIN", "Q3-42", key)
        for kind, source, key in [
            ("grant", LotSource.purchase("PO-2026-000001"), None),
            ("debit", LotSource.voucher("AB01"), "slack:trigger.1"),
            ("expiry", LotSource.purchase("PO-2026-000001"), None),
            ("void", LotSource.purchase("PO-2026-000001"), "invoice-7"),
            ("refund", LotSource.provider(1001), None),
        ]
    ] + [
        HistoryLine(
            2, "debit", NOW, eur(5), LotSource.provider(1001), "ovh", None, None, cause, eur(9)
        )
        for cause in EntryCause
    ]
    everything += [
        balance.history_message(PROJECT, history, t),
        balance.history_message(PROJECT, [], t),
    ]
    for roles in (frozenset({Role.MEMBER}), frozenset({Role.MEMBER, Role.FINANCE, Role.ADMIN})):
        everything.append(help.help_message(roles, t))
    for status in POStatus:
        po = order(status, reason="Q3" if status is POStatus.REJECTED else None)
        everything += [purchase_orders.po_for_approval(po, t), purchase_orders.po_requested(po, t)]
    everything += [
        purchase_orders.po_requested(order(POStatus.PENDING), t, announced=False),
        purchase_orders.po_decided_dm(order(POStatus.APPROVED), t),
        purchase_orders.po_decided_dm(order(POStatus.REJECTED, "Q3"), t),
        purchase_orders.credit_arrived(order(POStatus.APPROVED), t),
        purchase_orders.po_cancelled("PO-2026-000042", t),
        purchase_orders.pending_list([], t),
        purchase_orders.pending_list([order(POStatus.PENDING)], t),
        purchase_orders.pending_list([order(POStatus.PENDING)] * 20, t),
        notices.po_digest([order(POStatus.PENDING)] * 2, 1, t),
        notices.po_digest([order(POStatus.PENDING)], 3, t),
        notices.all_decided(t),
        *reminders(t),
    ]
    redeemed = RedeemedVoucher("AB01", PROJECT, eur(5000), NOW + timedelta(days=30))
    for project_id in (None, "prod-eu"):
        for code in ("7H2K-9M3P-4Q5R-AB01", None):  # None: a repeated request
            issued = IssuedVoucher(
                code, "AB01", eur(5000), date(2026, 12, 31), NOW, project_id, "UFIN"
            )
            everything += [
                vouchers.voucher_issued(issued, t),
                vouchers.voucher_announced(issued, t),
            ]
    everything += [
        vouchers.voucher_redeemed(redeemed, t),
        vouchers.voucher_redeemed(redeemed, t, who="UMEM"),
        charges.charge_result(charge(2, 0), t),
        charges.charge_result(charge(0, 10_000, repeated=True), t),
        charges.charge_news(charge(2, 0), "UFIN", t),
        charges.charge_news(charge(1, 500, memo="Q3-42"), "UFIN", t),
        projects.project_added(PROJECT, t),
        projects.channel_linked(LinkedChannel(PROJECT, "C1"), t),
        projects.channel_linked(LinkedChannel(PROJECT, "C1", previous="bare"), t),
        projects.project_list([], t),
        projects.project_list([PROJECT, BARE], t),
        modals.buy_modal(PROJECT, "C1", "EUR", t),
        projects.no_project(t),
        modals.reject_modal("PO-2026-000042", {"channel": "C1"}, t),
        notices.expiry_warning("Prod EU", [(lot(i, i % 3), i % 3) for i in range(1, 40)], t),
        notices.forfeiture("Prod EU", [(lot(i, 0), eur(100)) for i in range(1, 40)], t),
        notices.channel_unreachable("C1", "not_in_channel", t),
        t.lot_from(LotSource.voucher("AB01"), eur(1)),
        t.lot_from(LotSource.purchase("PO-2026-000001"), eur(1)),
        t.lot_from(LotSource.provider(1001), eur(1)),
        *refusals(t),
    ]
    return [m.as_kwargs() if isinstance(m, common.Message) else m for m in everything]


HUMAN = {"text", "label", "title", "placeholder", "hint", "submit", "close", "confirm", "deny"}


def human_texts(value: Any) -> list[str]:
    """What a person reads: the texts of a message or view, not Block Kit's keys and types."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for v in value for t in human_texts(v)]
    if isinstance(value, dict):
        found = []
        for key, v in value.items():
            if key in HUMAN and isinstance(v, str):
                found.append(v)
            elif isinstance(v, dict | list):
                found += human_texts(v)
        return found
    return []


def words(value: Any) -> set[str]:
    text = " ".join(human_texts(value))
    text = re.sub(r"`[^`]*`|<[@#][A-Z0-9]+>|:[a-z_]+:|…[0-9A-Z]{4}", " ", text)
    return {w.casefold() for w in re.findall(r"[^\W\d_]{3,}", text)}


@pytest.fixture(scope="module")
def both() -> tuple[list[Any], list[Any]]:
    return rendered(translator("fr_FR", PARIS)), rendered(translator("en_GB", PARIS))


def test_no_english_sentence_comes_out_of_any_builder_in_french(
    both: tuple[list[Any], list[Any]],
) -> None:
    french, english = both
    assert len(french) == len(english)
    for fr, en in zip(french, english, strict=True):
        shared = (words(fr) & words(en)) - SHARED
        assert not shared, (shared, fr)


def test_every_builder_reads_french_dates_and_amounts(both: tuple[list[Any], list[Any]]) -> None:
    french = json.dumps(both[0], ensure_ascii=False).replace("\\u00a0", " ").replace("\u00a0", " ")
    assert "1 500,00 €" in french and "€1,500.00" not in french
    assert "mars 2026" in french and "Mar 2026" not in french


def forecast_states(ledger: Ledger, clock: FakeClock) -> list[Forecast]:
    """Forecasts in every state the builders tell apart: no credit at all; credit that lasts;
    credit that runs out with a purchase to make in time, and too late; a voucher that will
    expire unused."""
    names = (("idle", "Idle"), ("steady", "Steady"), ("tight", "Tight"), ("empty", "Empty"))
    for project, name in names:
        add_project(ledger, ADMIN, project, name)
    for project, amount in (("steady", "10 000"), ("tight", "300")):
        po = request_purchase(ledger, MEMBER, project, eur_text(amount))
        approve_purchase(ledger, FINANCE, po.number)
    code = issue_voucher(ledger, FINANCE, eur_text("50"), clock.current.date() + timedelta(days=9))
    redeem_voucher(ledger, MEMBER, code.code, "steady")
    clock.advance(days=3)
    bill(ledger, FINANCE, "steady", eur_text("1"), "bill-steady")
    bill(ledger, FINANCE, "tight", eur_text("290"), "bill-tight")
    bill(ledger, FINANCE, "empty", eur_text("5"), "bill-empty")
    return [forecast(ledger, p) for p, _ in names]


def rendered_forecasts(t: Translator, seen: list[Forecast], health: Health) -> list[Any]:
    everything: list[Any] = []
    for one in seen:
        everything += [
            forecast_message(one, t),
            forecast_words.lasts_until(one, t),
            notices.weekly_digest(one, eur(700), one.lots, t),
        ]
    everything.append(chart_sent("Prod EU", t))
    data = Dashboard(tuple(seen) * 11, (order(POStatus.PENDING),) * 25, health)
    everything.append(home.home_view(EVERYONE, data, t))
    everything.append(home.home_view(frozenset({Role.MEMBER}), Dashboard(()), t))
    return [m.as_kwargs() if isinstance(m, common.Message) else m for m in everything]


def test_no_english_sentence_comes_out_of_the_forecast_digest_or_home_in_french(
    ledger: Ledger, clock: FakeClock
) -> None:
    seen = forecast_states(ledger, clock)
    idle, steady, tight, empty = (s.projection for s in seen)
    assert idle.runs_out_on is None and steady.expiring_unused
    assert tight.advice.buy_by is not None and tight.advice.buy_by < tight.today
    assert empty.runs_out_on == empty.today
    runs = {
        SCHEDULED_RUN: LastRun(NOW, NOW, "expired=0;claimed=3;posted=3;retry_later=0"),
        PROVIDER_SYNC: LastRun(NOW, None, None),
    }
    health = Health(("idle",), ("C9",), runs)
    french = rendered_forecasts(translator("fr_FR", PARIS), seen, health)
    english = rendered_forecasts(translator("en_GB", PARIS), seen, health)
    for fr, en in zip(french, english, strict=True):
        shared = (words(fr) & words(en)) - SHARED - {"idle", "steady", "tight", "empty"}
        assert not shared, (shared, fr)
