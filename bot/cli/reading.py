"""`creditbot balance|history|forecast|chart`: what a project has, had and will need."""

from __future__ import annotations

import argparse

from bot.cli import serialise, text
from bot.cli.common import reader
from bot.cli.outcome import Outcome
from bot.settings import Settings
from ledger.clock import parse_moment
from ledger.services import Ledger, forecasting, reading


def balance(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    view = reading.balance(
        ledger, args.project, parse_moment(args.at, settings.timezone) if args.at else None
    )
    data = serialise.balance(view, settings.timezone)
    return Outcome(data, text.balance(view, reader(settings)))


def history(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    lines = reading.history(ledger, args.project, args.limit)
    rows = [serialise.history_line(line, settings.timezone) for line in lines]
    return Outcome(rows, text.history(lines, reader(settings)))


def forecast(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    seen = forecasting.forecast(ledger, args.project)
    return Outcome(serialise.forecast(seen), text.forecast(seen, reader(settings)))


def chart(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    from bot import chart

    t = reader(settings)
    png = chart.draw(ledger, args.project, t)
    with open(args.out, "wb") as out:
        out.write(png)
    return Outcome({"out": args.out, "bytes": len(png)}, text.chart_written(args.out, len(png), t))
