"""`creditbot buy` and `creditbot po approve|reject|cancel|show|list`: purchase orders."""

from __future__ import annotations

import argparse

from bot.cli import serialise, text
from bot.cli.common import actor, project_currency, reader
from bot.cli.outcome import Outcome
from bot.composition import build_provider
from bot.settings import Settings
from ledger.amounts import parse_amount
from ledger.domain import POStatus
from ledger.services import Ledger, ordering, purchases


def buy(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    amount = parse_amount(args.amount, project_currency(ledger, args.project))
    view = purchases.request_purchase(ledger, actor(args, settings), args.project, amount)
    data = serialise.purchase_order(view, settings.timezone)
    return Outcome(data, text.purchase_order(view, reader(settings)))


def decide(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    """A decision at the terminal; Slack hears of it through the outbox (`decision_news`)."""
    who = actor(args, settings)
    if args.decision == "approve":
        view = ordering.approve_and_order(
            ledger,
            build_provider(settings),
            who,
            args.number,
            pay=settings.ovh_auto_pay,
            announce=True,
        )
    elif args.decision == "reject":
        view = purchases.reject_purchase(ledger, who, args.number, args.reason, announce=True)
    else:
        view = purchases.cancel_purchase(ledger, who, args.number, announce=True)
    data = serialise.purchase_order(view, settings.timezone)
    return Outcome(data, text.purchase_order(view, reader(settings)))


def show(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    view = purchases.get_purchase_order(ledger, args.number)
    data = serialise.purchase_order(view, settings.timezone)
    return Outcome(data, text.purchase_order(view, reader(settings)))


def list_all(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    status = POStatus(args.status) if args.status else None
    views = purchases.list_purchase_orders(ledger, status)
    rows = [serialise.purchase_order(v, settings.timezone) for v in views]
    return Outcome(rows, text.purchase_orders(views, reader(settings)))
