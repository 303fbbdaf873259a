"""The mirror: one linked project's provider credits written as lots and entries.

The provider is the source of truth. Each of its credits is one lot keyed
`ovh:<service>:<credit id>`; growth of the used amount is a debit, a decrease a refund,
never an edit. Each sync is written in one transaction under the project's lock, in named
steps: load the mirrored lots, open lots for new credits, follow each credit, mark the
credits gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.clock import credit_expiry
from ledger.domain import LotKind
from ledger.errors import N_, ProviderError, ProviderRefused
from ledger.facts import EntryCause, LotSource
from ledger.journal import JournalLine, grant_lot, post
from ledger.money import Money
from ledger.orm import Entry, Lot, Project, ProviderLink, PurchaseOrder
from ledger.provider import ProviderCredit
from ledger.services.context import Ledger
from ledger.services.locks import lock_project
from ledger.services.provider_links import LinkView, external_key, service_lots
from ledger.services.removals import RemovedCredit, remove_vanished, restore_returned


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


def prior_account(project_id: str) -> str:
    """Where a credit's use from before the bot saw it goes: out of the lot, as a debit,
    but not spending of the window (the forecast leaves this account out)."""
    return f"prior:{project_id}"


def available(session: Session, project: Project) -> Money:
    left = session.scalar(
        select(func.coalesce(func.sum(Lot.remaining), 0)).where(Lot.project_id == project.id)
    )
    return Money(int(left or 0), project.currency)


def awaiting_orders(session: Session, project_id: str) -> dict[int, PurchaseOrder]:
    """Orders placed at the provider whose credit has not arrived yet, by order id."""
    rows = session.scalars(
        select(PurchaseOrder).where(
            PurchaseOrder.project_id == project_id,
            PurchaseOrder.provider_state.in_(("ordered", "ordering")),
            PurchaseOrder.provider_order_id.is_not(None),
        )
    ).all()
    return {int(po.provider_order_id): po for po in rows if po.provider_order_id is not None}


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
        JournalLine(
            kind="debit" if delta > 0 else "refund",
            amount=abs(delta),
            counterpart=prior_account(project.id) if prior else f"spend:{project.id}",
            key=f"use:{lot.external_key}:{after}:{count}",
            at=now,
            actor="ovh",
            cause=EntryCause.PRIOR_USE if prior else EntryCause.PROVIDER_USE,
            provider_used=after,
        ),
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


@dataclass
class _Mirror:
    """One project's sync under way: its lock held, its mirrored lots loaded and counted,
    and what this sync has written so far."""

    project: Project
    link: ProviderLink
    now: datetime
    lots: dict[str | None, Lot]
    counts: dict[tuple[int, str], int]
    fresh: set[str] = field(default_factory=set)
    delivered: list[str] = field(default_factory=list)
    removed: list[RemovedCredit] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    posted: int = 0

    @property
    def service(self) -> str:
        return self.link.service


def write_sync(
    ledger: Ledger,
    session: Session,
    link: LinkView,
    credits: list[ProviderCredit],
    bills: dict[str, int],
) -> SyncReport:
    """Write what the provider said about one linked project (its credits, and which
    awaited order each bill settles), in the caller's transaction, under the project's lock."""
    project = lock_project(session, link.project_id)
    service = link.service
    row = session.get(ProviderLink, project.id)
    if row is None or row.service != service:  # unlinked meanwhile: its lots are history
        return SyncReport(project.id, service, 0, 0, available(session, project))
    mirror = _load(session, project, row, ledger.now())
    _open_new_lots(ledger, session, mirror, credits, bills)
    for credit in credits:
        _follow(session, mirror, credit)
    _mark_gone(session, mirror, credits)
    row.synced_at = mirror.now
    row.failed_at = row.failure_kind = row.failure = row.noticed_kind = None
    session.flush()
    return SyncReport(
        project.id,
        service,
        len(credits),
        mirror.posted,
        available(session, project),
        tuple(sorted(mirror.gone)),
        tuple(mirror.delivered),
        removed=tuple(mirror.removed),
    )


def _load(session: Session, project: Project, link: ProviderLink, now: datetime) -> _Mirror:
    """The project's mirrored lots, locked, with their entries counted once."""
    lots = {
        lot.external_key: lot
        for lot in session.scalars(
            select(Lot)
            .where(Lot.project_id == project.id, service_lots(link.service))
            .with_for_update()
        )
    }
    counts = _entry_counts(session, [lot.id for lot in lots.values()])
    return _Mirror(project, link, now, lots, counts)


def _open_new_lots(
    ledger: Ledger,
    session: Session,
    mirror: _Mirror,
    credits: list[ProviderCredit],
    bills: dict[str, int],
) -> None:
    """A lot for each credit seen for the first time; a credit that settles an awaited
    order becomes that order's lot, and the order is delivered."""
    project, service = mirror.project, mirror.service
    awaited = awaiting_orders(session, project.id)
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
        if key in mirror.lots:
            continue
        po = awaited.pop(bills[credit.bill], None) if credit.bill in bills else None
        mirror.lots[key] = _new_lot(ledger, project, service, credit, po, mirror.now)
        session.add(mirror.lots[key])
        mirror.fresh.add(key)
        if po is not None:
            po.provider_state = "delivered"
            mirror.delivered.append(po.number)
    session.flush()  # the new lots' ids, in one batch


def _follow(session: Session, mirror: _Mirror, credit: ProviderCredit) -> None:
    """Bring one credit's lot to what the provider says: its grant when new, its removal
    undone when listed again, its use, and the provider's figure for `verify`."""
    key = external_key(mirror.service, credit.id)
    lot, now = mirror.lots[key], mirror.now
    fresh = key in mirror.fresh
    if fresh:
        grant_lot(
            session,
            lot,
            counterpart=f"ovh:{mirror.service}",
            key=f"grant:{key}",
            at=now,
            actor="ovh",
        )
        mirror.posted += 1
    elif lot.expires_at <= now or mirror.counts.get((lot.id, "expiry")):
        return  # forfeited in the ledger; OVHcloud's later figures change nothing
    elif lot.external_gone_at is not None:  # listed again: its removal is undone
        mirror.posted += restore_returned(session, lot, now)
    used_before = mirror.counts.get((lot.id, "debit"), 0) + mirror.counts.get((lot.id, "refund"), 0)
    # what a credit had used when first seen predates the link if the link is new
    # or the credit began before it; later it is spending like any other
    prior = fresh and (
        mirror.link.synced_at is None
        or (credit.valid_from is not None and credit.valid_from < mirror.link.linked_at)
    )
    mirror.posted += _consume(session, lot, mirror.project, credit, now, used_before, prior=prior)
    lot.external_available = credit.available.minor
    lot.external_gone_at = None


def _mark_gone(session: Session, mirror: _Mirror, credits: list[ProviderCredit]) -> None:
    """Lots whose credit left the provider's list: marked gone, and brought to zero once."""
    seen = {external_key(mirror.service, credit.id) for credit in credits}
    for lot in mirror.lots.values():
        if lot.external_key in seen:
            continue
        if lot.external_gone_at is None:
            lot.external_gone_at = mirror.now
        mirror.gone.append(str(lot.external_key))
        credit_id = int(str(lot.external_key).rsplit(":", 1)[1])
        expired = bool(mirror.counts.get((lot.id, "expiry")))
        vanished = remove_vanished(session, lot, credit_id, mirror.now, expired)
        if vanished is not None:
            mirror.removed.append(vanished)
            mirror.posted += 1


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
