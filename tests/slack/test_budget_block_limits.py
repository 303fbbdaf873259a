"""The budget builders, fed the largest data the bot accepts (300 budgeted projects with the
longest hostile names, amounts of 13 digits), in French and English, held to Slack's limits
like every other builder (tests/slack/test_block_limits.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.budget_words import use_line
from bot.i18n import translator
from bot.slack.blocks import balance, budgets, home, purchase_orders
from bot.slack.blocks.forecast import forecast_message
from ledger.domain import Balance, POStatus
from ledger.periods import BudgetPeriod, BudgetView
from ledger.services import Ledger
from ledger.services.budget_notices import BudgetNews
from ledger.services.dashboard import Dashboard
from tests.slack.limits import problems
from tests.slack.test_block_limits import (
    BIG,
    EVERYONE,
    LANGUAGES,
    LOTS,
    MANY,
    NAME,
    NOW,
    PROJECTS,
    eur,
    forecasts,
    order,
)
from tests.support import PARIS, FakeClock


def view(i: int, period: BudgetPeriod = BudgetPeriod.QUARTERLY, use: int = 10**13) -> BudgetView:
    return BudgetView(
        PROJECTS[i],
        period,
        eur(10**12),
        date(2026, 1, 1),
        date(2026, 3, 31),
        eur(use),
        "U" + "X" * 63,
        NOW,
    )


def news(event: str, threshold: int | None = None) -> BudgetNews:
    return BudgetNews(
        event,
        BIG.id,
        NAME,
        BudgetPeriod.MONTHLY,
        date(2026, 3, 1),
        date(2026, 3, 31),
        eur(10**12),
        eur(10**13),
        threshold,
        "U" + "Y" * 63,
    )


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_budget_message_with_the_largest_data_is_within_slacks_limits(locale: str) -> None:
    t = translator(locale, PARIS)
    periods = list(BudgetPeriod)
    views = [view(i, periods[i % 3], use=(10**12 // 2) * (i % 4)) for i in range(MANY)]
    line = use_line(view(1), t)
    over = replace(order(3), over_budget=eur(10**13))
    messages = {
        "budget list": budgets.budget_list(views, t),
        "one budget": budgets.budget_list(views[:1], t),
        "no budget": budgets.no_budget(NAME, t),
        "no budgets": budgets.budget_list([], t),
        "budget set": budgets.budget_set(view(1), t),
        "budget cleared": budgets.budget_cleared(view(1), t),
        "news 80": budgets.budget_news(news("use", 80), t),
        "news 100": budgets.budget_news(news("use", 100), t),
        "news set": budgets.budget_news(news("set"), t),
        "news cleared": budgets.budget_news(news("cleared"), t),
        "order over budget": purchase_orders.po_for_approval(over, t),
        "order over budget decided": purchase_orders.po_for_approval(
            replace(over, status=POStatus.APPROVED), t
        ),
        "requested over budget": purchase_orders.po_requested(over, t),
        "order over budget, approvals cut": purchase_orders.po_for_approval(
            replace(over, approvals_needed=9, approvals_asked=10), t
        ),
        "balance with budget": balance.balance_message(
            Balance(BIG, NOW, LOTS), t, "outlook", "synced", line
        ),
    }
    found = [p for name, m in messages.items() for p in problems(m.as_kwargs(), name)]
    assert found == []
    last = messages["budget list"].blocks[-1]
    assert "…" in str(last)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_forecast_and_home_with_a_budget_on_every_project_are_within_slacks_limits(
    locale: str, ledger: Ledger, clock: FakeClock
) -> None:
    t = translator(locale, PARIS)
    seen = forecasts(ledger, clock)
    line = use_line(view(1), t)
    found = problems(forecast_message(seen[0], t, line).as_kwargs(), "forecast")
    by_project = {s.project.id: replace(view(0), project=s.project) for s in seen}
    data = Dashboard(tuple(seen), tuple(order(i) for i in range(MANY)), None, budgets=by_project)
    found += problems(home.home_view(EVERYONE, data, t), "home")
    assert found == []
    blocks = forecast_message(seen[0], t, line).blocks
    assert line in [e["text"] for b in blocks for e in b.get("elements", [])]
