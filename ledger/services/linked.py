"""Projects linked to their cloud provider, as the bot's surfaces know them: the link
(`provider_links`), the sync that asks the provider (`provider_sync`) and the mirror that
writes what it said (`provider_mirror`). Each has a module of its own; this one names
them together."""

from ledger.services.provider_links import (
    LinkView,
    claim_failure_notice,
    external_key,
    link_of,
    linked_projects,
    record_failure,
    service_of,
    unlink_project,
)
from ledger.services.provider_mirror import SyncReport, check_snapshots, merged, prior_account
from ledger.services.provider_sync import link_project, sync_all, sync_project

__all__ = [
    "LinkView",
    "SyncReport",
    "check_snapshots",
    "claim_failure_notice",
    "external_key",
    "link_of",
    "link_project",
    "linked_projects",
    "merged",
    "prior_account",
    "record_failure",
    "service_of",
    "sync_all",
    "sync_project",
    "unlink_project",
]
