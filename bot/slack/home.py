"""The App Home: published when a person opens it, and for finance again after each
decision on a purchase order, wherever it was taken."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import forecast_words
from bot.budget_words import use_line
from bot.slack.blocks import balance
from bot.slack.blocks.home import HOME_BALANCE, home_view
from bot.slack.deps import Deps, guarded, tell, user_of
from ledger.domain import Actor, Balance, Role
from ledger.errors import N_, InvalidInput
from ledger.services import budgets, forecasting
from ledger.services.dashboard import dashboard

log = logging.getLogger("creditbot.slack")


def publish_home(deps: Deps, client: WebClient, user_id: str) -> None:
    actor = deps.roles.actor(user_id)
    view = home_view(actor.roles, dashboard(deps.ledger, actor), deps.locales.of(user_id))
    client.views_publish(user_id=user_id, view=view)


def refresh_finance_homes(deps: Deps, client: WebClient) -> None:
    """Every finance approver's Home lists the pending orders: publish each again. The
    data is read once; a Home that cannot be published is logged and left as it was."""
    people = sorted(deps.roles.finance_users())
    if not people:
        return
    everything = Actor("", frozenset(Role))
    data = dashboard(deps.ledger, everything)
    for user_id in people:
        actor = deps.roles.actor(user_id)
        view = home_view(actor.roles, data, deps.locales.of(user_id))
        try:
            client.views_publish(user_id=user_id, view=view)
        except SlackApiError as exc:
            log.warning("cannot refresh the Home of %s: %s", user_id, exc.response.get("error"))


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        publish_home(deps, client, str(event["user"]))

    def acknowledge(ack: Ack) -> None:
        ack()

    @guarded(deps)
    def show_balance(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        actions = body.get("actions") or [{}]
        project_id = str(actions[0].get("value") or "")
        if not project_id:
            raise InvalidInput(N_("this button carries no project"))
        t = deps.locales.of(user_of(body))
        seen = forecasting.forecast(deps.ledger, project_id)
        outlook = forecast_words.balance_outlook(seen, t)
        view = Balance(seen.project, seen.at, seen.lots)
        budget = budgets.budget_of(deps.ledger, project_id)
        line = use_line(budget, t) if budget else None
        tell(body, respond, client, balance.balance_message(view, t, outlook, budget=line))

    app.action(HOME_BALANCE)(ack=acknowledge, lazy=[show_balance])
