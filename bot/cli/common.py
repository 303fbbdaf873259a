"""What the commands share: the reader's language, who acts, OVHcloud, stderr's lines."""

from __future__ import annotations

import argparse
import sys

from bot import refusals
from bot.cli import text
from bot.composition import build_provider, roles_from_ids
from bot.i18n import Translator, at_terminal
from bot.settings import Settings, slack_user_id
from ledger.domain import AUTOPILOT, Actor
from ledger.errors import N_, InvalidInput
from ledger.provider import CreditProvider
from ledger.services import Ledger, projects


def reader(settings: Settings) -> Translator:
    """Human output is in the language of the person at the terminal (LC_ALL, LC_MESSAGES,
    LANG); people are written as their ids. Channels keep CREDITBOT_LOCALE."""
    return at_terminal(settings.timezone)


def actor(args: argparse.Namespace, settings: Settings) -> Actor:
    if args.as_user.strip().casefold() == AUTOPILOT:
        raise InvalidInput(
            N_("the autopilot is not a person: no one acts as it"),
            hint=N_("give your own Slack user id to --as"),
        )
    try:
        user = slack_user_id(args.as_user)
    except ValueError as exc:
        raise InvalidInput(f"--as {exc}") from None
    return roles_from_ids(settings, user)


def project_currency(ledger: Ledger, ref: str) -> str:
    return projects.get_project(ledger, ref).currency


def provider(settings: Settings) -> CreditProvider:
    found = build_provider(settings)
    if found is None:
        raise refusals.ovh_not_configured()
    return found


def names(ledger: Ledger) -> dict[str, str]:
    """Each project's name by its id: messages name projects as people call them."""
    return {p.id: p.name for p in projects.list_projects(ledger)}


def fail(
    message: str, hint: str | None = None, *, t: Translator | None = None, **values: str
) -> int:
    """One line on stderr, in the terminal's language unless `t` says otherwise. `message`
    and `hint` are catalog sentences (marked N_), filled in with `values` if any."""
    t = t or at_terminal()
    said = t.gettext(message).format(**values) if values else t.gettext(message)
    if hint:
        said += f" ({t.gettext(hint)})"
    print(text.error(said, t), file=sys.stderr)
    return 1


def warn(message: str) -> None:
    t = at_terminal()
    print(text.warning(t.gettext(message), t), file=sys.stderr)
