"""`creditbot balance|history|forecast|chart`: what a project has, had and will need."""

from __future__ import annotations

import argparse

from bot.budget_words import use_line
from bot.cli import serialise, text
from bot.cli.common import reader
from bot.cli.outcome import Outcome
from bot.i18n import Translator
from bot.settings import Settings
from ledger.clock import parse_moment
from ledger.periods import BudgetView
from ledger.services import Ledger, budgets, forecasting, reading


def balance(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    view = reading.balance(
        ledger, args.project, parse_moment(args.at, settings.timezone) if args.at else None
    )
    budget = None if args.at else budgets.budget_of(ledger, args.project)
    data = {**serialise.balance(view, settings.timezone)}
    if not args.at:  # a budget's use is the current period's: not shown at a past instant
        data["budget"] = serialise.budget(budget, settings.timezone)
    t = reader(settings)
    return Outcome(data, text.balance(view, t) + _budget_line(budget, t))


def history(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    lines = reading.history(ledger, args.project, args.limit)
    rows = [serialise.history_line(line, settings.timezone) for line in lines]
    return Outcome(rows, text.history(lines, reader(settings)))


def forecast(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    seen = forecasting.forecast(ledger, args.project)
    budget = budgets.budget_of(ledger, args.project)
    data = {**serialise.forecast(seen), "budget": serialise.budget(budget, settings.timezone)}
    t = reader(settings)
    return Outcome(data, text.forecast(seen, t) + _budget_line(budget, t))


def _budget_line(budget: BudgetView | None, t: Translator) -> str:
    return f"\n{use_line(budget, t)}" if budget else ""


def chart(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    from bot import chart

    t = reader(settings)
    png = chart.draw(ledger, args.project, t)
    with open(args.out, "wb") as out:
        out.write(png)
    return Outcome({"out": args.out, "bytes": len(png)}, text.chart_written(args.out, len(png), t))
