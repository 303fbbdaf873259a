"""The sync: ask the provider about each linked project, then have the mirror write it.

The provider is asked first, outside any transaction; then one transaction per project
applies what it said under the project's lock, so concurrent syncs queue, and the later
one finds nothing left to post.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import select

from ledger.domain import Actor
from ledger.errors import N_, InvalidInput, LedgerError, ProviderError, ProviderRefused
from ledger.orm import Lot, ProviderLink
from ledger.provider import CreditProvider, ProviderCredit
from ledger.services.context import Ledger, find_project
from ledger.services.provider_links import (
    LinkView,
    add_link,
    external_key,
    link_of,
    linked_projects,
    record_failure,
    service_of,
)
from ledger.services.provider_mirror import SyncReport, available, awaiting_orders, write_sync


def link_project(
    ledger: Ledger,
    provider: CreditProvider,
    actor: Actor,
    project_ref: str,
    service: str,
    *,
    sync: bool = True,
) -> SyncReport:
    """Tie a ledger project to a provider project, checked readable first, then sync it."""
    credits = add_link(ledger, provider, actor, project_ref, service)
    return (
        sync_project(ledger, provider, project_ref, fetched=credits)
        if sync
        else _empty(ledger, project_ref)
    )


def _empty(ledger: Ledger, project_ref: str) -> SyncReport:
    with ledger.db.read() as session:
        project = find_project(session, project_ref)
        link = session.get(ProviderLink, project.id)
        return SyncReport(
            project.id, link.service if link else "", 0, 0, available(session, project)
        )


def _bill_orders(
    ledger: Ledger, provider: CreditProvider, project_ref: str, credits: list[ProviderCredit]
) -> dict[str, int]:
    """For new credits that came with a bill, while orders are awaited: which order each
    bill settles, so the credit becomes that purchase order's lot."""
    with ledger.db.read() as session:
        project = find_project(session, project_ref)
        awaited = awaiting_orders(session, project.id)
        service = service_of(session, project.id)
        if not awaited or service is None:
            return {}
        keys = [external_key(service, c.id) for c in credits]
        known = set(
            session.scalars(
                select(Lot.external_key).where(
                    Lot.project_id == project.id, Lot.external_key.in_(keys)
                )
            )
        )
    found: dict[str, int] = {}
    for credit in credits:
        if credit.bill and external_key(service, credit.id) not in known:
            order = provider.order_of_bill(credit.bill)
            if order is not None:
                found[credit.bill] = order
    return found


@dataclass(frozen=True, slots=True)
class _Fetched:
    """What the provider said about one linked project, or why it could not say."""

    link: LinkView
    credits: list[ProviderCredit]
    bills: dict[str, int]
    failure: ProviderError | None = None


def _linked(ledger: Ledger, project_ref: str) -> LinkView:
    link = link_of(ledger, project_ref)
    if link is None:
        raise InvalidInput(
            N_("project {project} is not linked to OVHcloud"),
            hint=N_("`creditbot project link-ovh PROJECT SERVICE_NAME` links it"),
            project=project_ref,
        )
    return link


def _fetch(
    ledger: Ledger,
    provider: CreditProvider,
    link: LinkView,
    fetched: list[ProviderCredit] | None = None,
) -> _Fetched:
    try:
        credits = fetched if fetched is not None else provider.list_credits(link.service)
        return _Fetched(link, credits, _bill_orders(ledger, provider, link.project_id, credits))
    except ProviderError as failure:
        return _Fetched(link, [], {}, failure)
    except LedgerError as odd:  # an answer the ledger cannot take stops this project only
        return _Fetched(link, [], {}, ProviderRefused(odd.template, **odd.params))


def _failed(ledger: Ledger, link: LinkView, failure: ProviderError, credits: int) -> SyncReport:
    record_failure(ledger, link.project_id, failure)
    with ledger.db.read() as session:
        left = available(session, find_project(session, link.project_id))
    return SyncReport(link.project_id, link.service, credits, 0, left, error=failure)


def sync_project(
    ledger: Ledger,
    provider: CreditProvider,
    project_ref: str,
    *,
    fetched: list[ProviderCredit] | None = None,
) -> SyncReport:
    """Mirror the provider's credits into lots. A provider failure is recorded on the link
    (for the balance and the notices) and returned in the report; the ledger is untouched."""
    return _apply(ledger, _fetch(ledger, provider, _linked(ledger, project_ref), fetched))


def _apply(ledger: Ledger, answer: _Fetched) -> SyncReport:
    """Write what the provider said, in one transaction under the project's lock."""
    if answer.failure is not None:
        return _failed(ledger, answer.link, answer.failure, 0)
    try:
        return ledger.db.run(
            lambda session: write_sync(ledger, session, answer.link, answer.credits, answer.bills)
        )
    except ProviderError as refused:  # figures the ledger cannot take: nothing was written
        return _failed(ledger, answer.link, refused, len(answer.credits))
    except LedgerError as odd:
        return _failed(
            ledger, answer.link, ProviderRefused(odd.template, **odd.params), len(answer.credits)
        )


def sync_all(
    ledger: Ledger,
    provider: CreditProvider,
    project_ref: str | None = None,
    *,
    each: Callable[[SyncReport], None] | None = None,
) -> list[SyncReport]:
    """Sync one project, or every linked one. While a project's answer is written, the next
    project's credits are fetched, so the database work hides behind the network's."""
    links = [_linked(ledger, project_ref)] if project_ref else linked_projects(ledger)
    reports: list[SyncReport] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-writer") as writer:
        writes: list[Future[SyncReport]] = []
        for link in links:
            writes.append(writer.submit(_apply, ledger, _fetch(ledger, provider, link)))
        for write in writes:
            report = write.result()
            reports.append(report)
            if each is not None:
                each(report)
    return reports
