"""The Order again and Close buttons of finance's notice of an order OVHcloud cancelled or
holds. Finance only, never the requester; a double click places one order."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import labels, refusals
from bot.slack import notify
from bot.slack.actions import clicked_message, clicked_number
from bot.slack.blocks import common, ovh_orders
from bot.slack.deps import Deps, guarded, tell, user_of
from ledger.domain import PurchaseOrderView
from ledger.services.reordering import close_order, reorder

log = logging.getLogger("creditbot.slack")


def _settled(deps: Deps, client: WebClient, body: dict[str, Any], po: PurchaseOrderView) -> None:
    """The clicked notice shows what was done; the purchase order's own card too."""
    source = clicked_message(body)
    if source["channel"] and source["ts"] and not source["ephemeral"]:
        try:
            client.chat_update(
                channel=source["channel"],
                ts=source["ts"],
                **ovh_orders.order_settled(po, deps.workspace).as_kwargs(),
            )
        except SlackApiError as exc:
            log.warning("cannot update the notice of %s: %s", po.number, exc.response.get("error"))
    notify.refresh_announcement(deps, client, po)


def register(app: App, deps: Deps) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    @guarded(deps)
    def order_again(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        if deps.provider is None:
            raise refusals.ovh_not_configured()
        actor = deps.roles.actor(user_of(body))
        po = reorder(
            deps.ledger,
            deps.provider,
            actor,
            clicked_number(body),
            pay=deps.settings.ovh_auto_pay,
        )
        if po.repeated:
            t = deps.locales.of(actor.user_id)
            tell(
                body,
                respond,
                client,
                common.text_message(labels.already_reordered(po.number, t)),
            )
        _settled(deps, client, body, po)

    @guarded(deps)
    def close(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        actor = deps.roles.actor(user_of(body))
        po = close_order(deps.ledger, actor, clicked_number(body), None)
        _settled(deps, client, body, po)

    app.action(ovh_orders.REORDER)(ack=acknowledge, lazy=[order_again])
    app.action(ovh_orders.CLOSE)(ack=acknowledge, lazy=[close])
