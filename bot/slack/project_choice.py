"""The buy form's project menu: its options are loaded on demand (Slack's `external_select`),
filtered by what the person types, so every project can be chosen however many there are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk.models.blocks import Option

from ledger.domain import ProjectView
from ledger.services.projects import list_projects

if TYPE_CHECKING:  # deps imports the builders, which use this module's options
    from bot.slack.deps import Deps

PROJECT_CHOICE = "buy_project"  # the select's action_id, and what Slack asks options for
MAX_OPTIONS = 100  # Slack shows at most this many
MAX_OPTION_TEXT = 75


def project_option(project: ProjectView) -> Option:
    """`Name (id)`; a long name gives way so that the id is always seen."""
    suffix = f" ({project.id})"
    name = project.name
    room = MAX_OPTION_TEXT - len(suffix)
    if len(name) > room:
        name = name[: max(room - 1, 1)] + "…"
    return Option(value=project.id, text=(name + suffix)[:MAX_OPTION_TEXT])


def matching(projects: Sequence[ProjectView], typed: str) -> list[ProjectView]:
    """The projects whose id or name holds `typed` (any case), those starting with it first."""
    key = " ".join(typed.split()).casefold()
    found = [p for p in projects if key in p.id or key in p.name.casefold()]
    found.sort(key=lambda p: not (p.id.startswith(key) or p.name.casefold().startswith(key)))
    return found[:MAX_OPTIONS]


def options(projects: Sequence[ProjectView], typed: str) -> list[dict[str, Any]]:
    return [project_option(p).to_dict() for p in matching(projects, typed)]


def register(app: App, deps: Deps) -> None:
    def choices(ack: Ack, payload: dict[str, Any]) -> None:
        ack(options=options(list_projects(deps.ledger), str(payload.get("value") or "")))

    app.options(PROJECT_CHOICE)(choices)
