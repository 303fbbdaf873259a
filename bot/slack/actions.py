"""The Approve and Reject buttons of a purchase order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack import blocks, home, notify
from bot.slack.deps import Deps, guarded, user_of
from ledger.domain import POStatus, PurchaseOrderView, Role
from ledger.errors import AlreadyDecided, InvalidInput
from ledger.services import ordering, purchases


def clicked_number(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    value = str(actions[0].get("value") or "")
    if not value:
        raise InvalidInput("this button carries no purchase order")
    return value


def clicked_message(body: dict[str, Any]) -> dict[str, str]:
    container = body.get("container") or {}
    return {
        "channel": str(container.get("channel_id") or ""),
        "ts": str(container.get("message_ts") or ""),
        "ephemeral": "1" if container.get("is_ephemeral") else "",
        "response_url": str(body.get("response_url") or ""),
    }


def show_decision(
    deps: Deps,
    client: WebClient,
    respond: Callable[..., Any] | None,
    po: PurchaseOrderView,
    source: dict[str, str],
) -> None:
    """Update the message that was clicked and the finance announcement in place; an
    ephemeral message (the `/credit pending` list) is replaced through its response_url."""
    shared = source.get("channel") and source.get("ts") and not source.get("ephemeral")
    clicked = f"{source['channel']}:{source['ts']}" if shared else None
    notify.announce_decision(deps, client, po, clicked)
    if clicked is None and respond is not None and source.get("response_url"):
        respond(**blocks.po_for_approval(po, deps.fmt).as_kwargs(), replace_original=True)
    home.refresh_finance_homes(deps, client)


def register(app: App, deps: Deps) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    @guarded
    def approve(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        actor = deps.roles.actor(user_of(body))
        po = ordering.approve_and_order(
            deps.ledger, deps.provider, actor, clicked_number(body), pay=deps.settings.ovh_auto_pay
        )
        show_decision(deps, client, respond, po, clicked_message(body))

    @guarded
    def ask_reason(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        actor = deps.roles.actor(user_of(body))
        actor.require(Role.FINANCE, "reject purchase orders")
        po = purchases.get_purchase_order(deps.ledger, clicked_number(body))
        if po.status is not POStatus.PENDING:
            raise AlreadyDecided(
                "already decided", status=po.status.value, decided_by=po.decided_by
            )
        client.views_open(
            trigger_id=body["trigger_id"],
            view=blocks.reject_modal(po.number, clicked_message(body)),
        )

    app.action(blocks.APPROVE)(ack=acknowledge, lazy=[approve])
    app.action(blocks.REJECT)(ack=acknowledge, lazy=[ask_reason])
