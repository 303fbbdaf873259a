"""`creditbot autopilot set|off|status`: finance turns a project's autopilot on (or changes
its cover and cap) and off; anyone reads its state and when it drafts next. (`autopilot
backtest` replays usage; it lives in its own module.)"""

from __future__ import annotations

import argparse

from bot.cli import serialise, text
from bot.cli.backtest import days_between, run_backtest
from bot.cli.common import actor, project_currency, reader
from bot.cli.outcome import Outcome
from bot.cli.table import Arg, Command
from bot.settings import Settings
from ledger.amounts import parse_amount
from ledger.services import Ledger, autopilot

NO_CAP = ("none", "aucun")


def set_on(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    who = actor(args, settings)
    cap, clear = None, False
    if args.monthly_cap is not None:
        if args.monthly_cap.strip().casefold() in NO_CAP:
            clear = True
        else:
            cap = parse_amount(args.monthly_cap, project_currency(ledger, args.project))
    state = autopilot.turn_on(ledger, who, args.project, args.cover_days, cap, clear_cap=clear)
    return _shown([state], settings)


def off(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    state = autopilot.turn_off(ledger, actor(args, settings), args.project)
    return _shown([state], settings)


def status(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    return _shown(autopilot.status(ledger, args.project), settings)


def _shown(states: list[autopilot.AutopilotState], settings: Settings) -> Outcome:
    rows = [serialise.autopilot_state(s, settings.timezone) for s in states]
    return Outcome(rows, text.autopilot_states(states, reader(settings)))


# The rows of these commands in the command table (`parser.COMMANDS`).
COMMANDS = (
    Command(
        ("autopilot", "backtest"),
        "replay a daily usage file: the autopilot against three usual policies",
        run_backtest,
        (
            Arg("--usage", required=True, metavar="FILE.csv", help="date,amount a day, 5 years"),
            Arg("--currency", default="EUR", help="the amounts' currency (default EUR)"),
            Arg("--cover-days", type=days_between(1, 400), default=90, metavar="C"),
            Arg("--lead-days", type=days_between(0, 365), default=5, metavar="L"),
            Arg("--approval-days", type=days_between(0, 365), default=3, metavar="A"),
            Arg(
                "--rise-days",
                type=days_between(0, 364),
                metavar="R",
                help="the burn follows a rise seen over R days (default FORECAST_RISE_DAYS)",
            ),
            Arg("--chart", metavar="FILE.png", help="also draw balance and usage per policy"),
        ),
        offline=True,
    ),
    Command(
        ("autopilot", "set"),
        "turn a project's autopilot on, or change its cover and cap (finance)",
        set_on,
        (
            Arg("--project", required=True),
            Arg("--cover-days", type=int, metavar="C", help="1 to 400 (default 90)"),
            Arg("--monthly-cap", metavar="AMOUNT", help="whole units; `none` removes it"),
        ),
        as_user=True,
    ),
    Command(
        ("autopilot", "off"),
        "turn it off (finance)",
        off,
        (Arg("--project", required=True),),
        as_user=True,
    ),
    Command(("autopilot", "status"), "each project's autopilot", status, (Arg("--project"),)),
)
