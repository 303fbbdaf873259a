"""The Approve and Reject buttons of a purchase order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.i18n import Translator
from bot.slack import home, notify
from bot.slack.blocks import common, modals, notices, purchase_orders
from bot.slack.deps import Deps, guarded, tell, user_of
from ledger.domain import POStatus, PurchaseOrderView, Role
from ledger.errors import N_, InvalidInput
from ledger.services import ordering, purchases


def clicked_number(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    value = str(actions[0].get("value") or "")
    if not value:
        raise InvalidInput(N_("this button carries no purchase order"))
    return value


def clicked_message(body: dict[str, Any]) -> dict[str, str]:
    container = body.get("container") or {}
    actions = body.get("actions") or [{}]
    block_id = str(actions[0].get("block_id") or "") if isinstance(actions[0], dict) else ""
    surface, _, rest = block_id.partition(":")
    return {
        "channel": str(container.get("channel_id") or ""),
        "ts": str(container.get("message_ts") or ""),
        "ephemeral": "1" if container.get("is_ephemeral") else "",
        "response_url": str(body.get("response_url") or ""),
        "surface": surface,
        "drawn": rest.rpartition(":")[2] if rest.count(":") == 1 else "",
    }


def redrawn(
    deps: Deps, po: PurchaseOrderView, source: dict[str, str], t: Translator
) -> common.Message:
    """The clicked message after `po` was decided: its card, or the list it was a row of,
    drawn again with the same orders, each as it stands now (decided or still pending)."""
    surface, drawn = source.get("surface", ""), source.get("drawn", "")
    if surface not in (purchase_orders.PENDING_ROW, purchase_orders.DIGEST_ROW):
        return purchase_orders.po_for_approval(po, t)
    days = deps.settings.po_reminder_days
    at = datetime.fromtimestamp(int(drawn) / 1000, UTC) if drawn.isdigit() else deps.ledger.now()
    cutoff = at - timedelta(days=days) if surface == purchase_orders.DIGEST_ROW else at
    listed = purchases.pending_at(deps.ledger, at, created_by=cutoff)
    rows = {order.number: order for order in [*listed, po]}.values()
    orders = sorted(rows, key=lambda order: (order.created_at, order.number))
    if surface == purchase_orders.DIGEST_ROW:
        return notices.po_digest(orders, days, t, at)
    return purchase_orders.pending_list(orders, t, drawn_at=at)


def show_decision(
    deps: Deps,
    client: WebClient,
    respond: Callable[..., Any] | None,
    po: PurchaseOrderView,
    source: dict[str, str],
    clicker: str = "",
) -> None:
    """Update the message that was clicked and the finance announcement in place (after
    an approval that is not the last, with the approvals so far and the buttons kept); an
    ephemeral message (the `/credit pending` list, in the clicker's language) is replaced
    through its response_url."""
    shared = source.get("channel") and source.get("ts") and not source.get("ephemeral")
    clicked = f"{source['channel']}:{source['ts']}" if shared else None
    # A message in a channel reads in the workspace's language; an ephemeral one in the clicker's.
    t = deps.workspace if shared else deps.locales.of(po.decided_by or clicker)
    message = redrawn(deps, po, source, t)
    notify.announce_decision(deps, client, po, clicked, message)
    if clicked is None and respond is not None and source.get("response_url"):
        respond(**message.as_kwargs(), replace_original=True)
    home.refresh_finance_homes(deps, client)


def register(app: App, deps: Deps) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    @guarded(deps)
    def approve(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        actor = deps.roles.actor(user_of(body))
        po = ordering.approve_and_order(
            deps.ledger, deps.provider, actor, clicked_number(body), pay=deps.settings.ovh_auto_pay
        )
        show_decision(deps, client, respond, po, clicked_message(body), actor.user_id)
        if po.status is POStatus.PENDING:  # counted; others in finance must approve too
            counted = purchase_orders.po_approval_counted(po, deps.locales.of(actor.user_id))
            tell(body, respond, client, counted)

    @guarded(deps)
    def ask_reason(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        actor = deps.roles.actor(user_of(body))
        actor.require(Role.FINANCE, N_("reject purchase orders"))
        po = purchases.get_purchase_order(deps.ledger, clicked_number(body))
        if po.status is not POStatus.PENDING:
            raise purchases.not_pending(po.number, po.status.value, po.decided_by, po.decided_at)
        client.views_open(
            trigger_id=body["trigger_id"],
            view=modals.reject_modal(
                po.number, clicked_message(body), deps.locales.of(actor.user_id)
            ),
        )

    app.action(purchase_orders.APPROVE)(ack=acknowledge, lazy=[approve])
    app.action(purchase_orders.REJECT)(ack=acknowledge, lazy=[ask_reason])
