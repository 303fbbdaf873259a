"""`creditbot charge` and `creditbot void`: billing a project, and undoing a mistake."""

from __future__ import annotations

import argparse

from bot.cli import serialise, text
from bot.cli.common import actor, project_currency, reader
from bot.cli.outcome import Outcome
from bot.settings import Settings
from ledger.amounts import parse_amount
from ledger.services import Ledger, billing


def charge(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    amount = parse_amount(args.amount, project_currency(ledger, args.project))
    view = billing.charge(ledger, actor(args, settings), args.project, amount, args.key, args.memo)
    return Outcome(serialise.charge(view, settings.timezone), text.charged(view, reader(settings)))


def void(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    view = billing.void_charge(ledger, actor(args, settings), args.key, args.reason or "")
    return Outcome(serialise.charge(view, settings.timezone), text.voided(view, reader(settings)))
