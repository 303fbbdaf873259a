"""Settle… on a part of `/credit due` (finance): a modal asks the reference, and its
submission records the settlement, tells the clicker, and redraws the list."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.slack.blocks import accounting as blocks
from bot.slack.deps import Deps, guarded, request_id, user_of
from bot.slack.views import metadata_of, submitted
from ledger.domain import Role
from ledger.errors import N_, InvalidInput
from ledger.services import projects, settlements


def _clicked(body: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The part clicked, and where its list is (to redraw it once settled)."""
    actions = body.get("actions") or [{}]
    first = actions[0] if isinstance(actions[0], dict) else {}
    part = str(first.get("value") or "")
    if not part:
        raise InvalidInput(N_("this button carries no part"))
    container = body.get("container") or {}
    return part, {
        "channel": str(container.get("channel_id") or (body.get("channel") or {}).get("id") or ""),
        "response_url": str(body.get("response_url") or ""),
        "project": str(first.get("block_id") or "").partition(blocks.ROW)[2],
    }


def register(app: App, deps: Deps) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    @guarded(deps)
    def ask_reference(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        actor = deps.roles.actor(user_of(body))
        actor.require(Role.FINANCE, N_("settle what is due"))
        ref, source = _clicked(body)
        part = settlements.due_part(deps.ledger, ref)
        client.views_open(
            trigger_id=body["trigger_id"],
            view=blocks.settle_modal(part, source, deps.locales.of(actor.user_id)),
        )

    def check_reference(ack: Ack, body: dict[str, Any]) -> None:
        """An empty or over-long reference is refused next to its field."""
        reference = submitted(body, "reference")
        if not reference or len(reference) > settlements.MAX_REFERENCE:
            t = deps.locales.cached(user_of(body))
            ack(
                response_action="errors",
                errors={
                    "reference": t.say(
                        "Give the reference that paid it, 1 to {size} characters.",
                        size=settlements.MAX_REFERENCE,
                    )
                },
            )
            return
        ack()

    @guarded(deps)
    def settle(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        reference = submitted(body, "reference")
        if not reference or len(reference) > settlements.MAX_REFERENCE:
            return  # refused next to its field by check_reference
        source = metadata_of(body)
        actor = deps.roles.actor(user_of(body))
        done = settlements.settle(
            deps.ledger, actor, [source.get("part", "")], reference, request=request_id(body)
        )
        if done and done[0].repeated:  # the first submission already answered
            return
        t = deps.locales.of(actor.user_id)
        told = blocks.settled(done, t)
        if source.get("channel"):
            client.chat_postEphemeral(
                channel=source["channel"], user=actor.user_id, **told.as_kwargs()
            )
        else:
            client.chat_postMessage(channel=actor.user_id, **told.as_kwargs())
        url = source.get("response_url")
        if url:
            ref = source.get("project") or None
            project = projects.get_project(deps.ledger, ref) if ref else None
            parts = settlements.due_parts(deps.ledger, ref)
            redrawn = blocks.due_list(parts, t, finance=True, project=project)
            WebhookClient(url).send(**redrawn.as_kwargs(), replace_original=True)

    app.action(blocks.SETTLE)(ack=acknowledge, lazy=[ask_reference])
    app.view(blocks.SETTLE_MODAL)(ack=check_reference, lazy=[settle])
