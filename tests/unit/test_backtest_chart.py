"""The backtest's chart draws, per policy, the balance of each morning and each day's
usage of that policy's replay, in the reader's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.backtest_chart import figure, render
from bot.backtest_words import panel_title
from bot.i18n import translator
from ledger.backtest import Policy, Usage
from ledger.services.backtest import ReplayRules, backtest
from tests.support import PARIS

USAGE = Usage("EUR", date(2026, 1, 1), tuple(1_000 + 50 * (day % 7) for day in range(120)))


def test_each_panel_draws_its_policy_s_balances_and_usage_day_by_day() -> None:
    outcomes = backtest(USAGE, PARIS, ReplayRules(), list(Policy))
    t = translator("en", PARIS)
    drawn = figure(outcomes, t)
    panels = [axes for axes in drawn.axes if axes.get_title(loc="left")]
    assert len(panels) == len(outcomes) == 4
    for axes, outcome in zip(panels, outcomes, strict=True):
        assert axes.get_title(loc="left") == panel_title(outcome.policy, t)
        (balance,) = axes.get_lines()
        (usage,) = [
            line
            for twin in drawn.axes
            if twin is not axes and twin.bbox.bounds == axes.bbox.bounds
            for line in twin.get_lines()
        ]
        cents = Decimal(100)
        assert [Decimal(str(y)) for y in balance.get_ydata()] == [
            point.balance / cents for point in outcome.days
        ]
        assert [Decimal(str(y)) for y in usage.get_ydata()] == [
            point.usage / cents for point in outcome.days
        ]
        assert len(balance.get_xdata()) == len(USAGE.amounts)
    # The policies differ, so the panels do too: no panel repeats another's balances.
    drawn_balances = {tuple(axes.get_lines()[0].get_ydata()) for axes in panels}
    assert len(drawn_balances) == 4


def test_the_chart_s_words_follow_the_reader_s_language() -> None:
    outcomes = backtest(USAGE, PARIS, ReplayRules(), [Policy.THRESHOLD])
    french = figure(outcomes, translator("fr", PARIS))
    (panel,) = [axes for axes in french.axes if axes.get_title(loc="left")]
    labels = [text.get_text() for text in panel.get_legend().get_texts()]
    assert labels == ["solde", "consommation"]
    assert render(outcomes, translator("fr", PARIS)).startswith(b"\x89PNG")
