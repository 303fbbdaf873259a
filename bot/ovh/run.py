"""The scheduled OVHcloud run: resume orders left `ordering`, follow orders to delivery,
sync every linked project, and tell finance once per failure kind. One replica runs it at
a time (the same rule as the alerts); the idempotency keys make a second run harmless."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot import run_outcome
from bot.i18n import Translator, translator
from bot.ovh import states
from bot.slack import notify
from bot.slack.blocks import common as blocks
from bot.slack.blocks import ovh as ovh_blocks
from bot.slack.deps import Deps
from ledger.errors import ProviderError
from ledger.provider import CreditProvider
from ledger.services import health, linked, notices, ordering, projects
from ledger.services.linked import SyncReport

log = logging.getLogger("creditbot.ovh")

RUN_LOCK = "creditbot:ovh-sync"


@dataclass
class SyncRun:
    ran: bool = True
    reports: list[SyncReport] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    notices: int = 0

    def summary(self, t: Translator | None = None) -> str:
        """What the sync did, for an operator (in English unless a translator is given)."""
        t = t or translator("en", ZoneInfo("UTC"))
        if not self.ran:
            return t.gettext("another replica is syncing OVHcloud; nothing done here")
        return run_outcome.words(self.figures(), t)

    def figures(self) -> str:
        """What the sync did as figures, as the health view stores it."""
        failed = sum(1 for r in self.reports if r.error)
        return run_outcome.figures(
            {
                "projects": len(self.reports),
                "synced": len(self.reports) - failed,
                "entries": sum(r.entries_posted for r in self.reports),
                "delivered": len(self.delivered),
                "notices": self.notices,
            }
        )


class OvhSync:
    def __init__(self, deps: Deps, provider: CreditProvider, client: WebClient) -> None:
        self.deps = deps
        self.provider = provider
        self.client = client

    def run(self) -> SyncRun:
        ledger = self.deps.ledger
        with notices.run_lock(ledger, RUN_LOCK) as mine:
            if not mine:
                return SyncRun(ran=False)
            started = ledger.now()
            health.record_run(ledger, health.PROVIDER_SYNC, started)  # shown until it ends
            result = SyncRun()
            earlier: list[SyncReport] = []
            try:
                ordering.resume_orders(ledger, self.provider, pay=self.deps.settings.ovh_auto_pay)
                for followed in ordering.follow_orders(ledger, self.provider):
                    notify.announce_delivery(self.deps, self.client, followed.order)
                    if followed.status == "delivered":
                        result.delivered.append(followed.order.number)
                    if followed.synced is not None:
                        earlier.append(followed.synced)
            except ProviderError as failure:
                log.warning("OVHcloud orders not followed this run: %s", failure.message)
            result.notices += states.tell_order_news(self.deps, self.client)
            try:
                result.notices += states.tell_strays(self.deps, self.client, self.provider)
            except ProviderError as failure:
                log.warning("OVHcloud orders not reconciled this run: %s", failure.message)

            def tell_finance(report: SyncReport) -> None:
                result.notices += self._tell_finance(report)

            result.reports = linked.merged(
                earlier, linked.sync_all(ledger, self.provider, each=tell_finance)
            )
            health.record_run(ledger, health.PROVIDER_SYNC, started, result.figures())
            log.info(result.summary())
            return result

    def _tell_finance(self, report: SyncReport) -> int:
        """Tell finance of a failure, once per kind until it recovers, and of credits gone
        from OVHcloud's list, once each; how many were told."""
        told = states.tell_removals(self.deps, self.client, report)
        if report.error is None:
            return told
        log.warning("OVHcloud sync of %s failed: %s", report.project, report.error.message)
        link = linked.claim_failure_notice(self.deps.ledger, report.project)
        if link is None:
            return told
        name = projects.get_project(self.deps.ledger, link.project_id).name
        notify.to_finance(
            self.deps,
            self.client,
            blocks.text_message(ovh_blocks.failure_notice(link, self.deps.workspace, name)),
        )
        return told + 1
