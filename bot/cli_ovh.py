"""`creditbot po reorder|close` and `creditbot ovh reconcile`: finance's answers to what
OVHcloud did with an order. Wired into the parser by `bot.cli`; same services as Slack."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from bot import serialise
from bot.settings import Settings
from ledger.money import Money
from ledger.services import Ledger
from ledger.services.reconcile import Reconciliation, StrayOrder, project_names, reconcile
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


def _money(value: Money | None) -> str | None:
    return serialise.money(value) if value is not None else None


def _stray(stray: StrayOrder) -> dict[str, Any]:
    return {
        "order_id": stray.order_id,
        "placed_at": stray.placed_at.isoformat() if stray.placed_at else None,
        "price_excl_tax": serialise.money(stray.excl_tax),
        "currency": stray.excl_tax.currency,
        "services": list(stray.services),
        "duplicate_of": stray.duplicate_of,
    }


def reconciliation_data(found: Reconciliation) -> dict[str, Any]:
    return {
        "orders": [
            {
                "po": row.number,
                "project": row.project_id,
                "order_id": row.order_id,
                "state": row.state,
                "status": row.status,
                "paid": row.paid,
                "bill": row.bill,
                "credit_id": row.credit_id,
                "delivered": _money(row.delivered),
                "amount_excl_tax": serialise.money(row.amount_excl_tax),
                "price_excl_tax": _money(row.provider_excl_tax),
                "price_incl_tax": _money(row.provider_incl_tax),
                "currency": row.amount_excl_tax.currency,
            }
            for row in found.orders
        ],
        "orphans": [_stray(s) for s in found.orphans],
        "duplicates": [_stray(s) for s in found.duplicates],
        "gone": [
            {
                "project": g.project_id,
                "credit_id": g.credit_id,
                "gone_at": g.gone_at.isoformat(),
                "removed": serialise.money(g.removed),
                "currency": g.removed.currency,
            }
            for g in found.gone
        ],
    }


def cmd_ovh_reconcile(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    from bot import cli
    from bot.slack.blocks import ovh_reconcile

    found = reconcile(ledger, cli._provider(settings))
    t = cli._t(settings)
    text = "\n".join(ovh_reconcile.lines(found, project_names(ledger), t))
    return reconciliation_data(found), text


def register_ovh(ovh: Any, command: Command) -> None:
    command(
        "reconcile",
        cmd_ovh_reconcile,
        ovh,
        "purchase orders against OVHcloud's orders, bills and credits",
    )
