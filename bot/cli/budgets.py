"""`creditbot budget set|show|clear`: purchase budgets per calendar period."""

from __future__ import annotations

import argparse

from bot import budget_words as words
from bot.cli import serialise
from bot.cli.common import actor, project_currency, reader
from bot.cli.outcome import Outcome
from bot.settings import Settings
from ledger.amounts import parse_amount
from ledger.services import Ledger, budgets, projects


def set_budget(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    who = actor(args, settings)
    amount = parse_amount(args.amount, project_currency(ledger, args.project))
    view = budgets.set_budget(ledger, who, args.project, amount, words.period_word(args.period))
    t = reader(settings)
    said = words.budget_now(view, view.project.name, t) + "\n" + words.use_line(view, t)
    return Outcome(serialise.budget(view, settings.timezone), said)


def show(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    t = reader(settings)
    if args.project:
        found = budgets.budget_of(ledger, args.project)
        if found is None:
            name = projects.get_project(ledger, args.project).name
            return Outcome(None, words.no_budget(name, t))
        return Outcome(serialise.budget(found, settings.timezone), words.shown(found, t))
    views = budgets.all_budgets(ledger)
    rows = [serialise.budget(view, settings.timezone) for view in views]
    said = "\n".join(words.shown(view, t) for view in views) or words.no_budgets(t)
    return Outcome(rows, said)


def clear(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    view = budgets.clear_budget(ledger, actor(args, settings), args.project)
    said = words.budget_gone(view, view.project.name, reader(settings))
    return Outcome(serialise.budget(view, settings.timezone), said)
