"""Reconciliation with the provider: every purchase order with a provider order (its
status, whether it is paid, its bill, the credit delivered, the amounts), the provider's
credit orders no purchase order accounts for (orphans, and duplicates: a second order for
one purchase order), and the credits gone from the provider's list. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.errors import ProviderError
from ledger.money import Money
from ledger.orm import Entry, Lot, ProviderLink, PurchaseOrder, ReplacedOrder
from ledger.provider import CreditProvider, PastOrder
from ledger.services import projects
from ledger.services.context import Ledger
from ledger.services.ordering import LOOK_BACK
from ledger.services.provider_links import linked_projects

PAID = ("checking", "delivering", "delivered")
# How long after a purchase order was (re)ordered a second order for it reads as a duplicate.
DUPLICATE_WINDOW = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class ReconciledOrder:
    number: str
    project_id: str
    order_id: int
    state: str  # the purchase order's side: ordered, delivered, cancelled, closed, replaced
    status: str | None  # OVHcloud's status now; None when it could not be read
    paid: bool | None
    bill: str | None
    credit_id: int | None
    delivered: Money | None
    amount_excl_tax: Money
    provider_excl_tax: Money | None
    provider_incl_tax: Money | None


@dataclass(frozen=True, slots=True)
class StrayOrder:
    """A credit order at the provider that no purchase order has."""

    order_id: int
    placed_at: datetime | None
    excl_tax: Money
    services: tuple[str, ...]
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class GoneCredit:
    project_id: str
    lot_id: int
    credit_id: int
    gone_at: datetime
    removed: Money


@dataclass(frozen=True, slots=True)
class Reconciliation:
    orders: list[ReconciledOrder]
    strays: list[StrayOrder]
    gone: list[GoneCredit]

    @property
    def orphans(self) -> list[StrayOrder]:
        return [s for s in self.strays if s.duplicate_of is None]

    @property
    def duplicates(self) -> list[StrayOrder]:
        return [s for s in self.strays if s.duplicate_of is not None]


@dataclass(frozen=True, slots=True)
class _Known:
    po: PurchaseOrder
    order_id: int
    state: str
    service: str | None
    lot: Lot | None


def _status(provider: CreditProvider, order_id: int) -> str | None:
    try:
        return provider.order_status(order_id)
    except ProviderError:
        return None


def _bills(provider: CreditProvider, services: set[str]) -> dict[str, dict[int, str | None]]:
    """Each linked service's credits and their bills, as the provider lists them now."""
    found: dict[str, dict[int, str | None]] = {}
    for service in sorted(services):
        try:
            found[service] = {c.id: c.bill for c in provider.list_credits(service)}
        except ProviderError:
            found[service] = {}
    return found


def _duplicate_of(past: PastOrder, known: list[_Known]) -> str | None:
    """The purchase order a stray order repeats: same service and amount, placed around
    the time it was ordered."""
    for k in known:
        ordered = k.po.provider_ordered_at or k.po.decided_at
        if (
            k.service in past.services
            and past.excl_tax.currency == k.po.currency
            and past.excl_tax.minor == k.po.amount_excl_tax
            and ordered is not None
            and (
                past.placed_at is None
                or ordered - LOOK_BACK <= past.placed_at <= ordered + DUPLICATE_WINDOW
            )
        ):
            return k.po.number
    return None


def _strays(
    provider: CreditProvider, since: datetime, known: list[_Known], services: set[str]
) -> list[StrayOrder]:
    ours = {k.order_id for k in known}
    current = [k for k in known if k.state != "replaced"]
    strays = [
        StrayOrder(
            past.order_id,
            past.placed_at,
            past.excl_tax,
            past.services,
            _duplicate_of(past, current),
        )
        for past in provider.orders_since(since)
        if past.order_id not in ours and services.intersection(past.services)
    ]
    return sorted(strays, key=lambda s: s.order_id)


def _known(session: Session, links: dict[str, str], *, with_lots: bool) -> list[_Known]:
    """Every provider order a purchase order has or had (replaced ones included)."""
    lots = (
        {
            lot.purchase_order_id: lot
            for lot in session.scalars(select(Lot).where(Lot.purchase_order_id.is_not(None)))
        }
        if with_lots
        else {}
    )
    current = session.scalars(
        select(PurchaseOrder)
        .where(PurchaseOrder.provider_order_id.is_not(None))
        .order_by(PurchaseOrder.id)
    )
    replaced = session.execute(
        select(ReplacedOrder.order_id, PurchaseOrder)
        .join(PurchaseOrder, PurchaseOrder.id == ReplacedOrder.purchase_order_id)
        .order_by(ReplacedOrder.order_id)
    ).all()
    return [
        _Known(
            po,
            int(po.provider_order_id or 0),
            po.provider_state or "",
            links.get(po.project_id),
            lots.get(po.id),
        )
        for po in current
    ] + [
        _Known(po, int(order_id), "replaced", links.get(po.project_id), None)
        for order_id, po in replaced
    ]


def _links(session: Session) -> tuple[dict[str, str], datetime | None]:
    """Each linked project's service, and when the first link was made."""
    links = dict(session.execute(select(ProviderLink.project_id, ProviderLink.service)).all())
    first = session.scalar(select(ProviderLink.linked_at).order_by(ProviderLink.linked_at))
    return links, first


def stray_orders(ledger: Ledger, provider: CreditProvider, since: datetime) -> list[StrayOrder]:
    """The provider's credit orders placed since `since` that no purchase order has (for the
    scheduled run, which looks a short way back only)."""
    with ledger.db.read() as session:
        links, first_link = _links(session)
        if first_link is None:
            return []
        known = _known(session, links, with_lots=False)
        session.expunge_all()
    return _strays(provider, max(since, first_link - LOOK_BACK), known, set(links.values()))


def reconcile(
    ledger: Ledger, provider: CreditProvider, since: datetime | None = None
) -> Reconciliation:
    """`since`: how far back to look for stray orders (default: since the first link)."""
    with ledger.db.read() as session:
        links, first_link = _links(session)
        known = _known(session, links, with_lots=True)
        gone_rows = session.execute(
            select(Lot, Entry.amount)
            .join(Entry, Entry.lot_id == Lot.id)
            .where(Lot.external_gone_at.is_not(None), Entry.kind == "removal")
            .order_by(Lot.id, Entry.id)
        ).all()
        session.expunge_all()
    bills = _bills(provider, set(links.values()))
    orders = []
    for k in sorted(known, key=lambda k: (k.po.id, k.order_id)):
        status = _status(provider, k.order_id)
        credit_id = (
            int(str(k.lot.external_key).rsplit(":", 1)[1])
            if k.lot is not None and k.lot.external_key
            else None
        )
        cur = k.po.currency
        orders.append(
            ReconciledOrder(
                number=k.po.number,
                project_id=k.po.project_id,
                order_id=k.order_id,
                state=k.state,
                status=status,
                paid=None if status is None else status in PAID,
                bill=bills.get(k.service or "", {}).get(credit_id) if credit_id else None,
                credit_id=credit_id,
                delivered=Money(k.lot.initial, cur) if k.lot is not None else None,
                amount_excl_tax=Money(k.po.amount_excl_tax, cur),
                provider_excl_tax=Money(k.po.provider_excl_tax, cur)
                if k.po.provider_excl_tax is not None and k.state != "replaced"
                else None,
                provider_incl_tax=Money(k.po.provider_incl_tax, cur)
                if k.po.provider_incl_tax is not None and k.state != "replaced"
                else None,
            )
        )
    start = since or (first_link - LOOK_BACK if first_link else None)
    strays = _strays(provider, start, known, set(links.values())) if start else []
    gone = [
        GoneCredit(
            lot.project_id,
            lot.id,
            int(str(lot.external_key).rsplit(":", 1)[1]),
            lot.external_gone_at,
            Money(amount, lot.currency),
        )
        for lot, amount in gone_rows
        if lot.external_gone_at is not None
    ]
    return Reconciliation(orders, strays, gone)


def project_names(ledger: Ledger) -> dict[str, str]:
    """Each project's name by its id and by its OVHcloud service, for sentences."""
    names = {p.id: p.name for p in projects.list_projects(ledger)}
    for link in linked_projects(ledger):
        names[link.service] = names.get(link.project_id, link.project_id)
    return names
