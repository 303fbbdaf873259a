"""What the listeners share: the ledger, settings, roles, languages and the guard for lazy work."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.i18n import Translator
from bot.settings import Settings
from bot.slack import wording
from bot.slack.blocks import common
from bot.slack.grammar import Projects
from bot.slack.locales import Locales
from bot.slack.roles import Roles
from ledger.errors import LedgerError
from ledger.provider import CreditProvider
from ledger.services import Ledger
from ledger.services.projects import list_projects, project_of_channel

log = logging.getLogger("creditbot.slack")

Work = Callable[[dict[str, Any], Respond, WebClient], None]


@dataclass
class Deps:
    ledger: Ledger
    settings: Settings
    roles: Roles
    locales: Locales
    provider: CreditProvider | None = None

    @property
    def workspace(self) -> Translator:
        """The language of messages to channels."""
        return self.locales.workspace

    def projects(self, channel_id: str | None, example: str) -> Projects:
        """`example`: a command naming a project (N_-marked), for the "which project?" reply."""
        linked = project_of_channel(self.ledger, channel_id) if channel_id else None
        return Projects(lambda: list_projects(self.ledger), linked, example)


def refusal_message(error: LedgerError, t: Translator) -> common.Message:
    return common.error_message(wording.refusal(error, t))


def user_of(body: dict[str, Any]) -> str:
    return str(body.get("user_id") or (body.get("user") or {}).get("id") or "")


def request_id(body: dict[str, Any]) -> str | None:
    """Slack's id of this request, the same when a request is repeated: the view's id for
    a modal submitted (each modal is submitted once), else the trigger id."""
    view = body.get("view")
    if body.get("type") == "view_submission" and isinstance(view, dict) and view.get("id"):
        return f"slack:view:{view['id']}"
    trigger = body.get("trigger_id")
    return f"slack:{trigger}" if trigger else None


def tell(
    body: dict[str, Any], respond: Respond | None, client: WebClient, message: common.Message
) -> None:
    """An ephemeral reply where the request has a response_url (commands, buttons), else a DM (modals)."""
    if respond is not None and body.get("response_url"):
        respond(**message.as_kwargs(), response_type="ephemeral", replace_original=False)
    elif user_of(body):
        client.chat_postMessage(channel=user_of(body), **message.as_kwargs())


def on_unexpected(
    error: BaseException,
    body: dict[str, Any],
    respond: Respond | None,
    client: WebClient | None,
    t: Translator,
) -> None:
    """The one place an unexpected failure goes: logged with its traceback, the person gets an apology."""
    kind = body.get("type") or ("slash_command" if "command" in body else "unknown")
    log.error("unexpected failure handling a %s", kind, exc_info=error)
    if client is None:
        return
    try:
        tell(body, respond, client, common.text_message(wording.apology(t)))
    except (SlackApiError, OSError):  # the apology is best effort; the failure is logged
        log.warning("could not send the apology", exc_info=True)


def kind_of(body: dict[str, Any]) -> str:
    """What a request is, in words bounded by the app's own listeners."""
    if "command" in body:
        return "command"
    if body.get("type") == "block_actions":
        actions = body.get("actions")
        first = actions[0] if isinstance(actions, list) and actions else None
        return f"action:{first.get('action_id', '') if isinstance(first, dict) else ''}"
    if body.get("type") == "view_submission":
        view = body.get("view")
        return f"view:{view.get('callback_id', '') if isinstance(view, dict) else ''}"
    return str(body.get("type") or "unknown")


def guarded(deps: Deps) -> Callable[[Work], Callable[..., None]]:
    """Lazy work (run after the ack) never reaches Bolt's error handler, so route it here:
    a refused action gets its reason, anything else goes to `on_unexpected`, each in the
    person's language. A command without a response_url (Slack always sends one) has
    nowhere to be answered: it is logged as a warning and not run."""

    def wrap(work: Work) -> Callable[..., None]:
        def run(
            body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
        ) -> None:
            kind = kind_of(body)
            if kind == "command" and not body.get("response_url"):
                log.warning("a command came without a response_url: nowhere to answer, not run")
                metrics.request(kind, "unanswerable")
                return
            outcome = "ok"
            try:
                work(body, respond, client)
            except LedgerError as refused:
                outcome = "refused"
                metrics.refusal(type(refused).__name__)
                t = deps.locales.of(user_of(body))
                tell(body, respond, client, refusal_message(refused, t))
            except Exception as unexpected:  # lazy work has no other error handler
                outcome = "failed"
                t = deps.locales.cached(user_of(body))
                on_unexpected(unexpected, body, respond, client, t)
            metrics.request(kind, outcome)
            metrics.replied(context.get("received_at"))

        run.__name__ = work.__name__
        return run

    return wrap
