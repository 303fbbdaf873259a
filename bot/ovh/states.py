"""The OVHcloud run's news for finance beyond failures: credits gone from OVHcloud's list,
orders OVHcloud cancelled or holds, orders no purchase order accounts for. Each is told
once (see `tell`)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.ovh.tell import tell_once
from bot.slack import ovh_states
from bot.slack.deps import Deps
from ledger.errors import LedgerError
from ledger.services import projects
from ledger.services.linked import SyncReport


def _name(deps: Deps, project_id: str) -> str:
    try:
        return projects.get_project(deps.ledger, project_id).name
    except LedgerError:
        return project_id


def tell_removals(deps: Deps, client: WebClient, report: SyncReport) -> int:
    """One notice per credit gone from OVHcloud's list (per removal), to finance."""
    told = 0
    for removed in report.removed:
        message = ovh_states.credit_removed(
            removed, _name(deps, removed.project_id), deps.workspace
        )
        told += tell_once(
            deps.ledger,
            client,
            deps.settings.finance_channel,
            f"ovh-removed:{removed.lot_id}:{removed.amount.minor}",
            "provider",
            message,
            removed.project_id,
        )
    return told
