"""Projects linked to their cloud provider: the link, and the sync that mirrors the
provider's credits into lots.

The provider is the source of truth. Each of its credits is one lot keyed
`ovh:<service>:<credit id>`; growth of the used amount is a debit, a decrease a refund,
never an edit. The provider is asked first, outside any transaction; then one
transaction per project applies what it said under the project's lock, so concurrent
syncs queue, and the later one finds nothing left to post.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ledger.clock import credit_expiry
from ledger.domain import Actor, LotKind, Role
from ledger.errors import (
    N_,
    AlreadyExists,
    CurrencyMismatch,
    InvalidInput,
    LedgerError,
    ProviderError,
    ProviderRefused,
)
from ledger.facts import EntryCause, LotSource
from ledger.money import Money
from ledger.orm import Entry, Lot, Project, ProviderLink, PurchaseOrder
from ledger.provider import CreditProvider, ProviderCredit
from ledger.services.context import Ledger, find_project, lock_project, post
from ledger.services.removals import RemovedCredit, remove_vanished, restore_returned

SERVICE_NAME_LENGTH = 100
NOTICED_KINDS = ("credentials", "gone", "unsupported")


@dataclass(frozen=True, slots=True)
class LinkView:
    project_id: str
    service: str
    linked_at: datetime
    synced_at: datetime | None
    failed_at: datetime | None
    failure_kind: str | None
    failure: str | None


@dataclass(frozen=True, slots=True)
class SyncReport:
    project: str
    service: str
    credits: int
    entries_posted: int
    available: Money
    disappeared: tuple[str, ...] = ()
    delivered: tuple[str, ...] = ()
    error: ProviderError | None = field(default=None, compare=False)
    removed: tuple[RemovedCredit, ...] = ()

    def after(self, earlier: SyncReport | None) -> SyncReport:
        """This report with what an earlier sync of the same project posted and delivered
        within the same run added in, so the run reports everything it wrote."""
        if earlier is None:
            return self
        return replace(
            self,
            entries_posted=earlier.entries_posted + self.entries_posted,
            delivered=earlier.delivered + self.delivered,
            removed=earlier.removed + self.removed,
        )


def merged(earlier: list[SyncReport], later: list[SyncReport]) -> list[SyncReport]:
    """The reports of a run that synced some projects more than once, one per project."""
    first: dict[str, SyncReport] = {}
    for report in earlier:
        first[report.project] = report.after(first.get(report.project))
    return [report.after(first.get(report.project)) for report in later]


def external_key(service: str, credit_id: int) -> str:
    return f"ovh:{service}:{credit_id}"


def prior_account(project_id: str) -> str:
    """Where a credit's use from before the bot saw it goes: out of the lot, as a debit,
    but not spending of the window (the forecast leaves this account out)."""
    return f"prior:{project_id}"


def _service_lots(service: str) -> Any:
    """The condition for the lots mirrored from one provider project, whoever holds them."""
    return Lot.external_key.like(f"ovh:{service}:%")


def _view(link: ProviderLink) -> LinkView:
    return LinkView(
        link.project_id,
        link.service,
        link.linked_at,
        link.synced_at,
        link.failed_at,
        link.failure_kind,
        link.failure,
    )


def _clean_service(raw: str) -> str:
    service = raw.strip()
    if not service or len(service) > SERVICE_NAME_LENGTH or not service.isalnum():
        raise InvalidInput(
            N_("{text!r} is not an OVHcloud project id"),
            hint=N_("the serviceName, 32 hexadecimal characters, shown in the control panel"),
            text=raw,
        )
    return service


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
    actor.require(Role.ADMIN, "link projects to OVHcloud")
    clean = _clean_service(service)
    provider.check_project(clean)
    credits = provider.list_credits(clean)

    def work(session: Session) -> None:
        project = lock_project(session, project_ref)
        for credit in credits:
            if credit.total.currency != project.currency:
                raise CurrencyMismatch(
                    N_(
                        "OVHcloud counts {service} in {other}, but project {project} counts in {expected}"
                    ),
                    service=clean,
                    other=credit.total.currency,
                    project=project.id,
                    expected=project.currency,
                )
        taken = session.scalars(select(ProviderLink).where(ProviderLink.service == clean)).first()
        if taken is not None and taken.project_id != project.id:
            raise AlreadyExists(
                N_("{service} is already linked to project {project}"),
                service=clean,
                project=taken.project_id,
            )
        holder = session.scalar(
            select(Lot.project_id)
            .where(_service_lots(clean), Lot.project_id != project.id)
            .limit(1)
        )
        if holder is not None:
            raise AlreadyExists(
                N_("the credits of {service} are held by project {project}"),
                hint=N_("link {service} to project {project} again"),
                service=clean,
                project=holder,
            )
        link = session.get(ProviderLink, project.id)
        if link is None:
            session.add(
                ProviderLink(
                    project_id=project.id,
                    service=clean,
                    linked_at=ledger.now(),
                    linked_by=actor.user_id,
                )
            )
        elif link.service != clean:
            raise AlreadyExists(
                N_("project {project} is linked to {service}"),
                hint=N_("unlink it first"),
                project=project.id,
                service=link.service,
            )

    ledger.db.run(work)
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
            project.id, link.service if link else "", 0, 0, _available(session, project)
        )


def unlink_project(ledger: Ledger, actor: Actor, project_ref: str) -> str:
    """Undo the link; the lots and entries it brought stay, as history."""
    actor.require(Role.ADMIN, "unlink projects from OVHcloud")

    def work(session: Session) -> str:
        project = lock_project(session, project_ref)
        link = session.get(ProviderLink, project.id)
        if link is None:
            raise InvalidInput(
                N_("project {project} is not linked to OVHcloud"), project=project.id
            )
        session.delete(link)
        return link.service

    return ledger.db.run(work)


def link_of(ledger: Ledger, project_ref: str) -> LinkView | None:
    with ledger.db.read() as session:
        project = find_project(session, project_ref)
        link = session.get(ProviderLink, project.id)
        return _view(link) if link else None


def linked_projects(ledger: Ledger) -> list[LinkView]:
    with ledger.db.read() as session:
        links = session.scalars(select(ProviderLink).order_by(ProviderLink.project_id)).all()
        return [_view(link) for link in links]


def service_of(session: Session, project_id: str) -> str | None:
    return session.scalar(select(ProviderLink.service).where(ProviderLink.project_id == project_id))


def _available(session: Session, project: Project) -> Money:
    left = session.scalar(
        select(func.coalesce(func.sum(Lot.remaining), 0)).where(Lot.project_id == project.id)
    )
    return Money(int(left or 0), project.currency)


def _awaiting_orders(session: Session, project_id: str) -> dict[int, PurchaseOrder]:
    """Orders placed at the provider whose credit has not arrived yet, by order id."""
    rows = session.scalars(
        select(PurchaseOrder).where(
            PurchaseOrder.project_id == project_id,
            PurchaseOrder.provider_state.in_(("ordered", "ordering")),
            PurchaseOrder.provider_order_id.is_not(None),
        )
    ).all()
    return {int(po.provider_order_id): po for po in rows if po.provider_order_id is not None}


def _bill_orders(
    ledger: Ledger, provider: CreditProvider, project_ref: str, credits: list[ProviderCredit]
) -> dict[str, int]:
    """For new credits that came with a bill, while orders are awaited: which order each
    bill settles, so the credit becomes that purchase order's lot."""
    with ledger.db.read() as session:
        project = find_project(session, project_ref)
        awaited = _awaiting_orders(session, project.id)
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


def _new_lot(
    ledger: Ledger,
    project: Project,
    service: str,
    credit: ProviderCredit,
    po: PurchaseOrder | None,
    now: datetime,
) -> Lot:
    """The lot of a credit seen for the first time; its grant is posted once it has an id."""
    since = credit.valid_from or now
    until = credit.valid_to or credit_expiry(since, ledger.config.timezone)
    if until <= since:
        raise ProviderRefused(
            N_("OVHcloud credit {credit} ends before it starts"), credit=credit.id
        )
    kind = LotKind.VOUCHER if credit.voucher else LotKind.CREDIT
    if po is not None:
        source = LotSource.purchase(po.number, credit.id)
    elif credit.voucher:
        source = LotSource.voucher(credit.voucher.strip()[-4:], credit.id)
    else:
        source = LotSource.provider(credit.id)
    return Lot(
        project_id=project.id,
        kind=kind.value,
        source=source,
        purchase_order_id=po.id if po is not None else None,
        currency=credit.total.currency,
        initial=credit.total.minor,
        remaining=0,
        valid_from=since,
        expires_at=until,
        external_key=external_key(service, credit.id),
        external_used=0,
    )


def _consume(
    session: Session,
    lot: Lot,
    project: Project,
    credit: ProviderCredit,
    now: datetime,
    count: int,
    *,
    prior: bool = False,
) -> int:
    """Bring the lot's used amount to the provider's: a debit when it grew, a refund when it
    shrank. The key names the credit, the new used amount and how many such entries came
    before (`count`), so a rerun from the same state posts nothing new. On the lot's first
    sync (`prior`), what was used before is posted as prior use, left out of the burn."""
    before = lot.external_used or 0
    after = credit.used.minor
    if after == before:
        return 0
    if after > credit.total.minor or after < 0:
        raise ProviderRefused(
            N_("OVHcloud credit {credit} uses {used} of {total}: not a usable figure"),
            credit=credit.id,
            used=credit.used,
            total=credit.total,
        )
    delta = after - before
    post(
        session,
        lot,
        kind="debit" if delta > 0 else "refund",
        amount=abs(delta),
        counterpart=prior_account(project.id) if prior else f"spend:{project.id}",
        key=f"use:{lot.external_key}:{after}:{count}",
        at=now,
        actor="ovh",
        cause=EntryCause.PRIOR_USE if prior else EntryCause.PROVIDER_USE,
        provider_used=after,
    )
    lot.external_used = after
    return 1


def _entry_counts(session: Session, lot_ids: list[int]) -> dict[tuple[int, str], int]:
    """How many entries of each kind each lot has, read once for the whole sync."""
    if not lot_ids:
        return {}
    rows = session.execute(
        select(Entry.lot_id, Entry.kind, func.count())
        .where(Entry.lot_id.in_(lot_ids), Entry.kind.in_(("debit", "refund", "expiry")))
        .group_by(Entry.lot_id, Entry.kind)
    ).all()
    return {(lot_id, kind): int(n) for lot_id, kind, n in rows}


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
        available = _available(session, find_project(session, link.project_id))
    return SyncReport(link.project_id, link.service, credits, 0, available, error=failure)


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
    link, credits, bills = answer.link, answer.credits, answer.bills
    if answer.failure is not None:
        return _failed(ledger, link, answer.failure, 0)

    def work(session: Session) -> SyncReport:
        project = lock_project(session, link.project_id)
        now = ledger.now()
        service = link.service
        row = session.get(ProviderLink, project.id)
        if row is None or row.service != service:  # unlinked meanwhile: its lots are history
            return SyncReport(project.id, service, 0, 0, _available(session, project))
        first_sync = row.synced_at is None
        lots = {
            lot.external_key: lot
            for lot in session.scalars(
                select(Lot)
                .where(Lot.project_id == project.id, _service_lots(service))
                .with_for_update()
            )
        }
        awaited = _awaiting_orders(session, project.id)
        counts = _entry_counts(session, [lot.id for lot in lots.values()])
        posted, delivered, fresh = 0, [], set()
        for credit in credits:
            if credit.total.currency != project.currency:
                raise ProviderRefused(
                    N_(
                        "OVHcloud counts credit {credit} in {other}, "
                        "but project {project} counts in {expected}"
                    ),
                    credit=credit.id,
                    other=credit.total.currency,
                    project=project.id,
                    expected=project.currency,
                )
            key = external_key(service, credit.id)
            if key not in lots:
                po = awaited.pop(bills[credit.bill], None) if credit.bill in bills else None
                lots[key] = _new_lot(ledger, project, service, credit, po, now)
                session.add(lots[key])
                fresh.add(key)
                if po is not None:
                    po.provider_state = "delivered"
                    delivered.append(po.number)
        session.flush()  # the new lots' ids, in one batch
        for credit in credits:
            key = external_key(service, credit.id)
            lot = lots[key]
            if key in fresh:
                post(
                    session,
                    lot,
                    kind="grant",
                    amount=credit.total.minor,
                    counterpart=f"ovh:{service}",
                    key=f"grant:{key}",
                    at=now,
                    actor="ovh",
                )
                posted += 1
            elif lot.expires_at <= now or counts.get((lot.id, "expiry")):
                continue  # forfeited in the ledger; OVHcloud's later figures change nothing
            elif lot.external_gone_at is not None:  # listed again: its removal is undone
                posted += restore_returned(session, lot, now)
            used_before = counts.get((lot.id, "debit"), 0) + counts.get((lot.id, "refund"), 0)
            # what a credit had used when first seen predates the link if the link is new
            # or the credit began before it; later it is spending like any other
            prior = key in fresh and (
                first_sync or (credit.valid_from is not None and credit.valid_from < row.linked_at)
            )
            posted += _consume(session, lot, project, credit, now, used_before, prior=prior)
            lot.external_available = credit.available.minor
            lot.external_gone_at = None
        seen = {external_key(service, credit.id) for credit in credits}
        gone, removed = [], []
        for lot in lots.values():
            if lot.external_key in seen:
                continue
            if lot.external_gone_at is None:
                lot.external_gone_at = now
            gone.append(str(lot.external_key))
            credit_id = int(str(lot.external_key).rsplit(":", 1)[1])
            expired = bool(counts.get((lot.id, "expiry")))
            vanished = remove_vanished(session, lot, credit_id, now, expired)
            if vanished is not None:
                removed.append(vanished)
                posted += 1
        row.synced_at = now
        row.failed_at = row.failure_kind = row.failure = row.noticed_kind = None
        session.flush()
        return SyncReport(
            project.id,
            service,
            len(credits),
            posted,
            _available(session, project),
            tuple(sorted(gone)),
            tuple(delivered),
            removed=tuple(removed),
        )

    try:
        return ledger.db.run(work)
    except ProviderError as refused:  # figures the ledger cannot take: nothing was written
        return _failed(ledger, link, refused, len(credits))
    except LedgerError as odd:
        return _failed(ledger, link, ProviderRefused(odd.template, **odd.params), len(credits))


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


def record_failure(ledger: Ledger, project_id: str, failure: ProviderError) -> None:
    def work(session: Session) -> None:
        link = session.get(ProviderLink, project_id, with_for_update=True)
        if link is None:
            return
        link.failed_at = ledger.now()
        link.failure_kind = failure.kind
        link.failure = failure.message[:300]

    ledger.db.run(work)


def claim_failure_notice(ledger: Ledger, project_id: str) -> LinkView | None:
    """The failure to tell finance about, once per kind until a sync succeeds: the first
    caller to move `noticed_kind` to the current kind gets it, every other gets None."""

    def work(session: Session) -> LinkView | None:
        claimed = session.execute(
            update(ProviderLink)
            .where(
                ProviderLink.project_id == project_id,
                ProviderLink.failure_kind.in_(NOTICED_KINDS),
                (ProviderLink.noticed_kind.is_(None))
                | (ProviderLink.noticed_kind != ProviderLink.failure_kind),
            )
            .values(noticed_kind=ProviderLink.failure_kind)
            .returning(ProviderLink.project_id)
        ).first()
        if claimed is None:
            return None
        link = session.get(ProviderLink, project_id)
        return _view(link) if link else None

    return ledger.db.run(work)


def check_snapshots(session: Session, problems: list[str]) -> None:
    """For `verify`: each mirrored lot still running holds what the provider last said, and
    so each linked project's available equals the provider's at the last sync (a credit
    gone from the provider's list counts nothing there)."""
    lots = session.scalars(
        select(Lot).where(Lot.external_key.is_not(None), Lot.external_available.is_not(None))
    )
    expired_lots = set(session.scalars(select(Entry.lot_id).where(Entry.kind == "expiry")))
    ours: dict[str, int] = {}
    theirs: dict[str, int] = {}
    currencies: dict[str, str] = {}
    for lot in lots:
        if lot.id in expired_lots:
            continue
        service_key = str(lot.external_key).rsplit(":", 1)[0]
        ours[service_key] = ours.get(service_key, 0) + lot.remaining
        currencies[service_key] = lot.currency
        if lot.external_gone_at is not None:
            continue
        theirs[service_key] = theirs.get(service_key, 0) + (lot.external_available or 0)
        if lot.remaining != lot.external_available:
            problems.append(
                f"lot {lot.id} ({lot.external_key}): remaining {lot.remaining} but OVHcloud"
                f" said {lot.external_available} at the last sync"
            )
    links = session.execute(
        select(ProviderLink.project_id, ProviderLink.service).where(
            ProviderLink.synced_at.is_not(None)
        )
    ).all()
    for project_id, service in links:
        key = f"ovh:{service}"
        if key not in ours:
            continue
        held, said = ours[key], theirs.get(key, 0)
        if held != said:
            currency = currencies[key]
            problems.append(
                f"project {project_id}: {Money(held, currency)} available in the ledger but"
                f" OVHcloud said {Money(said, currency)} at the last sync"
            )
