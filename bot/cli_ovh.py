"""`creditbot po reorder|close` and `creditbot ovh reconcile`: finance's answers to what
OVHcloud did with an order. Wired into the parser by `bot.cli`; same services as Slack."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from bot import serialise
from bot.settings import Settings
from ledger.services import Ledger
from ledger.services.reordering import close_order, reorder

Command = Callable[..., argparse.ArgumentParser]


def cmd_po_reorder(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    from bot import cli

    view = reorder(
        ledger,
        cli._provider(settings),
        cli._actor(args, settings),
        args.number,
        pay=settings.ovh_auto_pay,
    )
    t = cli._t(settings)
    text = cli._po_text(view, t)
    if view.repeated:
        text += "\n" + t.say("{po} was already ordered again", po=view.number)
    return serialise.purchase_order(view, settings.timezone), text


def cmd_po_close(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    from bot import cli

    view = close_order(ledger, cli._actor(args, settings), args.number, args.reason)
    return serialise.purchase_order(view, settings.timezone), cli._po_text(view, cli._t(settings))


def register_po(po: Any, command: Command) -> None:
    p = command(
        "reorder",
        cmd_po_reorder,
        po,
        "order again at OVHcloud a purchase order whose order was cancelled",
        as_user=True,
    )
    p.add_argument("number")
    p = command(
        "close",
        cmd_po_close,
        po,
        "close a purchase order OVHcloud will not deliver (no credit)",
        as_user=True,
    )
    p.add_argument("number")
    p.add_argument("--reason", help="kept on the purchase order")
