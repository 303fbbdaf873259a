"""Modal submissions: the buy form and the reason for a rejection."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.slack import notify, wording
from bot.slack.actions import show_decision
from bot.slack.blocks import modals, purchase_orders
from bot.slack.deps import Deps, guarded, request_id, user_of
from ledger.amounts import parse_amount
from ledger.errors import LedgerError
from ledger.services import projects, purchases


def submitted(body: dict[str, Any], block: str) -> str:
    """A field's typed or selected value (the block's one element, whatever its action_id);
    anything malformed reads as empty."""
    node: Any = body.get("view")
    for key in ("state", "values", block):
        node = node.get(key) if isinstance(node, dict) else None
    node = next(iter(node.values()), None) if isinstance(node, dict) and len(node) == 1 else None
    if not isinstance(node, dict):
        return ""
    selected = node.get("selected_option")
    value = node.get("value") or (selected.get("value") if isinstance(selected, dict) else None)
    return str(value or "").strip()


def metadata_of(body: dict[str, Any]) -> dict[str, str]:
    try:
        data = json.loads((body.get("view") or {}).get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def register(app: App, deps: Deps) -> None:
    # Bolt runs lazy listeners even when the ack refused the submission: they check the
    # input again and stop quietly, as its error is already shown next to its field.
    # The ack must not wait for Slack: the language is the one learnt when the form opened.
    def purchase_errors(body: dict[str, Any]) -> dict[str, str]:
        t = deps.locales.cached(user_of(body))
        project_ref, text = submitted(body, "project"), submitted(body, "amount")
        if not project_ref:
            return {"project": t.gettext("Choose a project.")}
        try:
            project = projects.get_project(deps.ledger, project_ref)
        except LedgerError as refused:
            return {"project": wording.refusal(refused, t, mrkdwn=False)}
        try:
            purchases.check_purchase_amount(
                deps.ledger.config, parse_amount(text, project.currency)
            )
        except LedgerError as refused:
            return {"amount": wording.refusal(refused, t, mrkdwn=False)}
        return {}

    def check_purchase(ack: Ack, body: dict[str, Any]) -> None:
        """Wrong input is shown next to its field, before the modal closes."""
        errors = purchase_errors(body)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()

    @guarded(deps)
    def purchase(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        if purchase_errors(body):
            return
        project = projects.get_project(deps.ledger, submitted(body, "project"))
        amount = parse_amount(submitted(body, "amount"), project.currency)
        actor = deps.roles.actor(user_of(body))
        po = purchases.request_purchase(
            deps.ledger, actor, project.id, amount, request=request_id(body)
        )
        announced = (
            po.announcement is not None
            if po.repeated
            else notify.announce_purchase_order(deps, client, po)
        )
        message = purchase_orders.po_requested(
            po, deps.locales.of(actor.user_id), announced=announced
        )
        channel = metadata_of(body).get("channel")
        if channel:
            client.chat_postEphemeral(channel=channel, user=actor.user_id, **message.as_kwargs())
        else:
            client.chat_postMessage(channel=actor.user_id, **message.as_kwargs())

    def check_reason(ack: Ack, body: dict[str, Any]) -> None:
        if not submitted(body, "reason"):
            t = deps.locales.cached(user_of(body))
            ack(
                response_action="errors",
                errors={"reason": t.gettext("Please say why, in a few words.")},
            )
            return
        ack()

    @guarded(deps)
    def reject(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        if not submitted(body, "reason"):
            return  # refused next to its field by check_reason
        source = metadata_of(body)
        actor = deps.roles.actor(user_of(body))
        po = purchases.reject_purchase(
            deps.ledger,
            actor,
            source.get("po", ""),
            submitted(body, "reason"),
            request=request_id(body),
        )
        if po.repeated:  # the first submission already told everyone
            return
        url = source.get("response_url")
        reply = WebhookClient(url) if url else None
        show_decision(deps, client, _ResponseUrl(reply) if reply else None, po, source)

    app.view(modals.BUY_MODAL)(ack=check_purchase, lazy=[purchase])
    app.view(modals.REJECT_MODAL)(ack=check_reason, lazy=[reject])


class _ResponseUrl:
    """`respond` for a message clicked before a modal opened: its response_url outlives the click."""

    def __init__(self, client: WebhookClient) -> None:
        self._client = client

    def __call__(self, **kwargs: Any) -> None:
        self._client.send(**kwargs)
