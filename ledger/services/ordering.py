"""Purchase orders of linked projects, placed and followed at the provider.

Approval commits the order as `ordering` before the provider is called. The call's
result is committed after it. A process that dies in between, or an answer that is lost
(a timeout, a 5xx, a gateway's page: the order may have been placed), leaves `ordering`
behind, and every later attempt first looks for an order placed since the approval (same
project, same amount, not yet claimed by another purchase order) before ordering again.
A payment whose answer is lost is never sent again: the order's status says if it was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.domain import Actor, PurchaseOrderView
from ledger.errors import (
    N_,
    InvalidInput,
    ProviderAnswerLost,
    ProviderError,
    PurchaseOrderNotFound,
    stored,
)
from ledger.money import minor_units
from ledger.orm import PurchaseOrder, ReplacedOrder
from ledger.provider import CreditProvider, ProviderOrder
from ledger.services import purchases
from ledger.services.context import Ledger
from ledger.services.provider_links import link_of, service_of
from ledger.services.provider_mirror import SyncReport
from ledger.services.provider_sync import sync_project

# How far before the approval instant an order may have been placed (clock skew).
LOOK_BACK = timedelta(minutes=10)
# How long an approval's own process has to place its order before others take over.
IN_FLIGHT = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class FollowedOrder:
    order: PurchaseOrderView
    status: str
    synced: SyncReport | None = None  # the sync its delivery ran, on one order per project


def approve_and_order(
    ledger: Ledger,
    provider: CreditProvider | None,
    actor: Actor,
    number: str,
    *,
    pay: bool = False,
    announce: bool = False,
) -> PurchaseOrderView:
    """Approve; for a linked project, also place the order at the provider. `announce`:
    the approval's news is owed to Slack (a decision at the terminal)."""
    if provider is None:
        project = purchases.get_purchase_order(ledger, number).project.id
        if link_of(ledger, project) is not None:
            raise InvalidInput(
                N_("project {project} is linked to OVHcloud, which is not configured here"),
                hint=N_("an operator sets up OVHcloud's keys, or unlinks the project"),
                project=project,
            )
    view = purchases.approve_purchase(ledger, actor, number, announce=announce)
    if view.provider is None or provider is None:
        return view
    return place_order(ledger, provider, view.number, pay=pay)


def _load(session: Session, number: str) -> PurchaseOrder:
    po = session.scalars(
        select(PurchaseOrder).where(PurchaseOrder.number == number).with_for_update()
    ).first()
    if po is None:
        raise PurchaseOrderNotFound(N_("there is no purchase order {number!r}"), number=number)
    return po


def _already_placed(
    ledger: Ledger, provider: CreditProvider, po: PurchaseOrder, service: str
) -> ProviderOrder | None:
    """An order placed for this purchase order before a crash, if the provider has one."""
    assert po.decided_at is not None
    with ledger.db.read() as session:
        claimed = set(
            session.scalars(
                select(PurchaseOrder.provider_order_id).where(
                    PurchaseOrder.provider_order_id.is_not(None)
                )
            )
        )
        claimed.update(session.scalars(select(ReplacedOrder.order_id)))
    since = po.provider_ordered_at or po.decided_at  # ordered again: since then
    for past in provider.orders_since(since - LOOK_BACK):
        if (
            past.order_id not in claimed
            and service in past.services
            and past.excl_tax.currency == po.currency
            and past.excl_tax.minor == po.amount_excl_tax
        ):
            return ProviderOrder(past.order_id, None, past.excl_tax, past.tax, past.incl_tax)
    return None


def place_order(
    ledger: Ledger,
    provider: CreditProvider,
    number: str,
    *,
    pay: bool = False,
    resuming: bool = False,
) -> PurchaseOrderView:
    """Place the provider order of an approved purchase order, or, `resuming` one left
    `ordering`, first find the order placed before a crash. A provider failure is kept on
    the order for finance to see; it is tried again later."""
    with ledger.db.read() as session:
        po = session.scalars(select(PurchaseOrder).where(PurchaseOrder.number == number)).first()
        if po is None:
            raise PurchaseOrderNotFound(N_("there is no purchase order {number!r}"), number=number)
        service = service_of(session, po.project_id)
        state, amount = po.provider_state, po.amount_excl_tax
    if state != "ordering" or service is None:
        return purchases.get_purchase_order(ledger, number)
    try:
        order = _already_placed(ledger, provider, po, service) if resuming else None
        if order is None:
            whole = amount // 10 ** minor_units(po.currency)
            try:
                order = provider.order_credit(service, whole)
            except ProviderAnswerLost:
                order = _already_placed(ledger, provider, po, service)
                if order is None:  # not there yet: looked for again before any new order
                    raise
        link = provider.order_link(order.order_id) if order.order_id is not None else None
    except ProviderError as failure:
        _record_error(ledger, number, stored(failure))
        return purchases.get_purchase_order(ledger, number)

    def work(session: Session) -> None:
        row = _load(session, number)
        if row.provider_state != "ordering":
            return
        row.provider_state = "ordered"
        row.provider_order_id = order.order_id
        row.provider_ordered_at = row.provider_ordered_at or ledger.now()
        row.provider_url = link or order.url
        if order.tax is not None and order.incl_tax is not None:
            row.provider_excl_tax = order.excl_tax.minor
            row.provider_tax = order.tax.minor
            row.provider_incl_tax = order.incl_tax.minor
        row.provider_error = None

    ledger.db.run(work)
    if pay and order.order_id is not None:
        _pay(ledger, provider, number, order.order_id)
    return purchases.get_purchase_order(ledger, number)


def _pay(ledger: Ledger, provider: CreditProvider, number: str, order_id: int) -> None:
    """Pay once. A payment whose answer was lost is not sent again: the order's status at
    the provider says whether it was made."""
    try:
        payment = provider.payment_for(order_id)
        try:
            provider.pay_order(order_id, payment)
        except ProviderAnswerLost as lost:
            if provider.order_status(order_id) == "notPaid":
                raise ProviderError(
                    N_("the payment's answer was lost and the order is not paid yet"),
                    hint=N_("pay it in OVHcloud's control panel if it stays unpaid"),
                ) from lost
    except ProviderError as failure:
        _record_error(ledger, number, stored(failure, within=N_("ordered, but not paid: {reason}")))
        return

    def work(session: Session) -> None:
        row = _load(session, number)
        row.provider_paid_with = payment.paid_with
        row.provider_error = None

    ledger.db.run(work)


def _record_error(ledger: Ledger, number: str, fact: str) -> None:
    def work(session: Session) -> None:
        _load(session, number).provider_error = fact

    ledger.db.run(work)


def resume_orders(ledger: Ledger, provider: CreditProvider, *, pay: bool = False) -> list[str]:
    """Every purchase order left `ordering` (a crash, a failed call): found or placed now.
    One approved in the last few minutes is left to the process that approved it, which
    may be placing it at this very moment."""
    settled = ledger.now() - IN_FLIGHT
    with ledger.db.read() as session:
        numbers = list(
            session.scalars(
                select(PurchaseOrder.number)
                .where(
                    PurchaseOrder.provider_state == "ordering",
                    func.coalesce(PurchaseOrder.provider_ordered_at, PurchaseOrder.decided_at)
                    <= settled,
                )
                .order_by(PurchaseOrder.id)
            )
        )
    return [place_order(ledger, provider, n, pay=pay, resuming=True).number for n in numbers]


def follow_orders(ledger: Ledger, provider: CreditProvider) -> list[FollowedOrder]:
    """Ask the provider where each open order stands. A delivered one syncs its project,
    which turns the credit into the purchase order's lot; a cancelled one is marked so."""
    with ledger.db.read() as session:
        rows = session.execute(
            select(PurchaseOrder.number, PurchaseOrder.project_id, PurchaseOrder.provider_order_id)
            .where(PurchaseOrder.provider_state == "ordered")
            .order_by(PurchaseOrder.id)
        ).all()
    followed: list[FollowedOrder] = []
    synced: dict[str, SyncReport] = {}
    told: set[str] = set()  # projects whose sync report one followed order already carries
    for number, project_id, order_id in rows:
        if order_id is None:
            continue
        try:
            status = provider.order_status(order_id)
        except ProviderError as failure:
            _record_error(ledger, number, stored(failure))
            continue
        _record_status(ledger, number, status)
        if status == "delivered" and project_id not in synced:
            synced[project_id] = sync_project(ledger, provider, project_id)
        elif status == "cancelled":
            _cancel(ledger, number)
        view = purchases.get_purchase_order(ledger, number)
        if status == "cancelled" or (view.provider and view.provider.state == "delivered"):
            report = None if project_id in told else synced.get(project_id)
            told.add(project_id)
            followed.append(FollowedOrder(view, status, report))
    return followed


def _record_status(ledger: Ledger, number: str, status: str) -> None:
    """Keep OVHcloud's own status on the purchase order, and when it was read."""

    def work(session: Session) -> None:
        row = _load(session, number)
        row.provider_status = status[:20]
        row.provider_checked_at = ledger.now()

    ledger.db.run(work)


def _cancel(ledger: Ledger, number: str) -> None:
    def work(session: Session) -> None:
        row = _load(session, number)
        if row.provider_state == "ordered":
            row.provider_state = "cancelled"

    ledger.db.run(work)
