"""`/credit reconcile` (finance's view of purchase orders against OVHcloud), and
`/credit reorder PO` / `/credit close PO [REASON]` for an order OVHcloud will not deliver."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import labels, refusals
from bot.slack import notify
from bot.slack.blocks import common, ovh_reconcile, purchase_orders
from ledger.domain import Role
from ledger.errors import N_, InvalidInput
from ledger.services.reconcile import project_names, reconcile
from ledger.services.reordering import close_order, reorder

if TYPE_CHECKING:
    from bot.slack.commands import Invocation

# French words for these sub-commands.
ALIASES = {"rapprochement": "reconcile", "recommander": "reorder", "clore": "close"}


def _not_configured() -> InvalidInput:
    return refusals.ovh_not_configured()


def _number(args: list[str], example: str) -> str:
    if not args:
        raise InvalidInput(N_("which purchase order?"), hint=example)
    return args[0]


def reconcile_view(inv: Invocation, args: list[str]) -> None:
    inv.actor.require(Role.FINANCE, N_("reconcile purchase orders with OVHcloud"))
    if inv.deps.provider is None:
        raise _not_configured()
    found = reconcile(inv.deps.ledger, inv.deps.provider)
    inv.reply(ovh_reconcile.reconciliation(found, project_names(inv.deps.ledger), inv.t))


def reorder_po(inv: Invocation, args: list[str]) -> None:
    if inv.deps.provider is None:
        raise _not_configured()
    po = reorder(
        inv.deps.ledger,
        inv.deps.provider,
        inv.actor,
        _number(args, N_("`/credit reorder PO-2026-000042`")),
        pay=inv.deps.settings.ovh_auto_pay,
    )
    if po.repeated:
        inv.reply(common.text_message(labels.already_reordered(po.number, inv.t)))
        return
    notify.refresh_announcement(inv.deps, inv.client, po)
    inv.reply(purchase_orders.po_for_approval(po, inv.t))


def close_po(inv: Invocation, args: list[str]) -> None:
    number = _number(args, N_("`/credit close PO-2026-000042 no longer needed`"))
    po = close_order(inv.deps.ledger, inv.actor, number, " ".join(args[1:]) or None)
    if not po.repeated:
        notify.refresh_announcement(inv.deps, inv.client, po)
    inv.reply(purchase_orders.po_for_approval(po, inv.t))
