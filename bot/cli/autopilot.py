"""`creditbot autopilot set|off|status`: finance turns a project's autopilot on (or changes
its cover and cap) and off; anyone reads its state and when it drafts next. (`autopilot
backtest` replays usage; it lives in its own module.)"""

from __future__ import annotations

import argparse

from bot.cli import serialise, text
from bot.cli.common import actor, project_currency, reader
from bot.cli.outcome import Outcome
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
