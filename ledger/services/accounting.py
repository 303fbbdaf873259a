"""The accountant's exports of a period (local days of the workspace zone, both included):
every purchase order decided in it, and the parts of charges due by other means with their
settlements. Rows are streamed from one read transaction (a snapshot on PostgreSQL), so
ten thousand orders never sit in memory at once.

An order's bill is OVHcloud's: the ledger keeps the credit a delivered order became, and
OVHcloud names that credit's bill. `bills` reads them through the provider, for linked
projects only, before the export runs; an unlinked project never calls OVHcloud.

An approved order of a linked project is `delivered` once OVHcloud delivered its credit,
`awaiting` until then; one finance closed without credit (OVHcloud cancelled it) has the
state `closed`, never counts in the approved totals, and names who closed it and why."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TextIO

from sqlalchemy import Select, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from ledger import exports
from ledger.errors import ProviderError
from ledger.money import rate_text
from ledger.orm import Approval, Charge, Lot, Project, ProviderLink, PurchaseOrder
from ledger.provider import CreditProvider
from ledger.services.context import Ledger, Row
from ledger.services.settlements import live_settlements, part_ref, settlement_ref

DECIDED = ("approved", "rejected", "cancelled", "expired")
STREAM = 1000  # rows fetched at a time
SEPARATE = "\x1f"  # between the approvals PostgreSQL joins: no approver's id holds it

PURCHASE_COLUMNS = (
    "po_number",
    "project_id",
    "project_name",
    "requested_by",
    "approvals",
    "decided_by",
    "state",
    "delivery",
    "decided_at",
    "amount_excl_tax",
    "vat_rate_percent",
    "vat",
    "total_incl_tax",
    "currency",
    "ovh_order_id",
    "bill_id",
    "bill_pdf",
    "credit_granted",
    "credit_expires_at",
    "closed_by",
    "closed_at",
    "close_reason",
)

DUE_COLUMNS = (
    "part",
    "charge_key",
    "project_id",
    "project_name",
    "charged_at",
    "memo",
    "amount_due",
    "currency",
    "state",
    "settlement",
    "reference",
    "settled_by",
    "settled_at",
)


@dataclass(frozen=True, slots=True)
class Bill:
    id: str
    link: str | None


@dataclass
class Bills:
    """OVHcloud's bill of each delivered credit, by credit id, and the services whose
    bills could not be read (their rows have none)."""

    by_credit: dict[int, Bill] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)


@dataclass
class Totals:
    """Per currency: how many orders in each state and, of the approved ones only (not the
    closed ones), the amounts and the credit granted so far."""

    counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    sums: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, currency: str, state: str, **amounts: int) -> None:
        counts = self.counts[currency]
        counts[state] = counts.get(state, 0) + 1
        sums = self.sums[currency]
        for name, value in amounts.items():
            sums[name] = sums.get(name, 0) + value

    def as_data(self) -> dict[str, Any]:
        currencies = sorted(set(self.counts) | set(self.sums))
        return {
            currency: {
                "count": dict(sorted(self.counts.get(currency, {}).items())),
                **{
                    name: exports.amount(value, currency)
                    for name, value in self.sums.get(currency, {}).items()
                },
            }
            for currency in currencies
        }


@contextmanager
def _snapshot(ledger: Ledger) -> Iterator[Session]:
    """One read transaction that sees one state of the ledger from start to end."""
    with ledger.db.read() as session:
        if ledger.db.dialect == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


def _decided_in(query: Select[*Row], since: datetime, until: datetime) -> Select[*Row]:
    return query.where(
        PurchaseOrder.status.in_(DECIDED),
        PurchaseOrder.decided_at >= since,
        PurchaseOrder.decided_at < until,
    )


def bills(ledger: Ledger, provider: CreditProvider | None, start: date, end: date) -> Bills:
    """The bills of the credits delivered for orders decided in the period, read at the
    provider for the linked projects that have some (nothing is called otherwise)."""
    found = Bills()
    if provider is None:
        return found
    since, until = exports.period(start, end, ledger.config.timezone)
    with ledger.db.read() as session:
        wanted: dict[str, set[int]] = defaultdict(set)
        rows = session.execute(
            _decided_in(
                select(ProviderLink.service, Lot.provider_credit_id)
                .join(PurchaseOrder, PurchaseOrder.project_id == ProviderLink.project_id)
                .join(Lot, Lot.purchase_order_id == PurchaseOrder.id)
                .where(Lot.provider_credit_id.is_not(None)),
                since,
                until,
            )
        )
        for service, credit_id in rows:
            if credit_id is not None:
                wanted[service].add(credit_id)
    for service in sorted(wanted):
        try:
            for credit in provider.list_credits(service):
                if credit.id in wanted[service] and credit.bill:
                    found.by_credit[credit.id] = Bill(credit.bill, provider.bill_link(credit.bill))
        except ProviderError:
            found.unread.append(service)
    return found


def _instant_text(column: Any, dialect: str) -> Any:
    """The instant as `2026-12-06T10:02:00Z` (UTC, to the second), written by the database:
    ten thousand rows need no Python datetime at all."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    return func.strftime("%Y-%m-%dT%H:%M:%SZ", column)  # SQLite keeps UTC, naive


def _approval_list(dialect: str) -> Any:
    """On PostgreSQL, an order's approvals as one text, `approver@instant` oldest first,
    `SEPARATE` between, joined by the database in the orders' query (one text is read far
    faster than an array or JSON). SQLite cannot order what it aggregates (before 3.44), so
    there they are streamed beside the orders (`_approvals`)."""
    if dialect != "postgresql":
        return literal(None)
    item = Approval.approver + exports.PAIR + _instant_text(Approval.at, dialect)
    listed = func.string_agg(item, aggregate_order_by(literal(SEPARATE), Approval.at, Approval.id))
    return select(listed).where(Approval.purchase_order_id == PurchaseOrder.id).scalar_subquery()


def _by_and_at(texts: list[str]) -> list[dict[str, str]]:
    """`approver@instant` texts as `po show --json` lists approvals: `{"by", "at"}`."""
    listed = []
    for text in texts:
        by, _, at = text.rpartition(exports.PAIR)  # an instant has no `@`
        listed.append({"by": by, "at": at})
    return listed


def _approvals(session: Session, since: datetime, until: datetime, dialect: str) -> Iterator[Any]:
    """Rows of (order id, `approver@instant`), streamed in the orders' export order (none
    on PostgreSQL, where `_approval_list` gathers them)."""
    if dialect == "postgresql":
        return iter(())
    rows = session.connection().execute(
        _decided_in(
            select(
                Approval.purchase_order_id,
                Approval.approver + exports.PAIR + _instant_text(Approval.at, dialect),
            ).join(PurchaseOrder, PurchaseOrder.id == Approval.purchase_order_id),
            since,
            until,
        )
        .order_by(PurchaseOrder.decided_at, PurchaseOrder.id, Approval.at, Approval.id)
        .execution_options(yield_per=STREAM)
    )
    return iter(rows)


def export_purchases(
    ledger: Ledger,
    start: date,
    end: date,
    out: TextIO,
    form: str = "csv",
    found: Bills | None = None,
) -> Totals:
    """Write every order decided in the period, oldest decision first; the totals count
    each state, and sum only the approved orders' amounts (a closed order was approved,
    but finance closed it without credit: it is counted as `closed`, never summed)."""
    since, until = exports.period(start, end, ledger.config.timezone)
    by_credit: Mapping[int, Bill] = found.by_credit if found else {}
    sink = exports.Sink(out, PURCHASE_COLUMNS, form, "orders")
    totals = Totals()
    dialect = ledger.db.dialect
    with _snapshot(ledger) as session:
        orders = session.connection().execute(
            _decided_in(
                select(
                    PurchaseOrder.id,
                    PurchaseOrder.number,
                    PurchaseOrder.project_id,
                    Project.name,
                    PurchaseOrder.requested_by,
                    PurchaseOrder.decided_by,
                    PurchaseOrder.status,
                    _instant_text(PurchaseOrder.decided_at, dialect),
                    PurchaseOrder.amount_excl_tax,
                    PurchaseOrder.vat_rate_bp,
                    PurchaseOrder.vat,
                    PurchaseOrder.amount_incl_tax,
                    PurchaseOrder.currency,
                    PurchaseOrder.provider_order_id,
                    Lot.initial,
                    _instant_text(Lot.expires_at, dialect),
                    Lot.provider_credit_id,
                    PurchaseOrder.provider_state,
                    PurchaseOrder.closed_by,
                    _instant_text(PurchaseOrder.closed_at, dialect),
                    PurchaseOrder.close_reason,
                    _approval_list(dialect),
                )
                .join(Project, Project.id == PurchaseOrder.project_id)
                .outerjoin(Lot, Lot.purchase_order_id == PurchaseOrder.id),
                since,
                until,
            )
            .order_by(PurchaseOrder.decided_at, PurchaseOrder.id)
            .execution_options(yield_per=STREAM)
        )
        approvals = _approvals(session, since, until, dialect)
        pending = next(approvals, None)
        rates: dict[int, str] = {}
        for (
            order_id, number, project_id, name, requester, decider, state, decided_at,
            excl, rate, vat, incl, currency, order, granted, expires, credit,
            provider_state, closer, closed_at, why, listed,
        ) in orders:  # fmt: skip
            texts: list[str] = listed.split(SEPARATE) if listed else []
            while pending is not None and pending[0] == order_id:
                texts.append(pending[1])
                pending = next(approvals, None)
            names: exports.Value = (
                exports.MANY.join(texts) if sink.form == "csv" else _by_and_at(texts)
            )
            bill = by_credit.get(credit) if credit is not None else None
            money = exports.amounts(currency)
            delivery = None
            if state == "approved":
                if provider_state == "closed":
                    state = delivery = "closed"
                else:
                    delivery = "awaiting" if granted is None else "delivered"
            if state == "approved":
                totals.add(
                    currency,
                    state,
                    amount_excl_tax=excl,
                    vat=vat,
                    total_incl_tax=incl,
                    credit_granted=granted or 0,
                )
            else:
                totals.add(currency, state)
            sink.row(
                (
                    number,
                    project_id,
                    name,
                    requester,
                    names,
                    decider,
                    state,
                    delivery,
                    decided_at,
                    money(excl),
                    rates.get(rate) or rates.setdefault(rate, rate_text(rate)),
                    money(vat),
                    money(incl),
                    currency,
                    None if order is None else str(order),
                    bill.id if bill else None,
                    bill.link if bill else None,
                    None if granted is None else money(granted),
                    expires,
                    closer,
                    closed_at,
                    why,
                )
            )
    sink.close(totals.as_data())
    return totals


def export_due(ledger: Ledger, start: date, end: date, out: TextIO, form: str = "csv") -> Totals:
    """Write every part of a charge made in the period that was due by other means, with
    its state now: due, settled (by which settlement and reference) or voided (the charge)."""
    since, until = exports.period(start, end, ledger.config.timezone)
    sink = exports.Sink(out, DUE_COLUMNS, form, "parts")
    totals = Totals()
    with _snapshot(ledger) as session:
        live = live_settlements().subquery()
        rows = session.execute(
            select(Charge, Project.name, live.c.id, live.c.reference, live.c.actor, live.c.at)
            .join(Project, Project.id == Charge.project_id)
            .outerjoin(live, live.c.charge_id == Charge.id)
            .where(Charge.due_other > 0, Charge.at >= since, Charge.at < until)
            .order_by(Charge.at, Charge.id)
            .execution_options(yield_per=STREAM)
        )
        for bill, name, settled, reference, actor, at in rows:
            state = "voided" if bill.voided_at else "settled" if settled else "due"
            if state == "voided":
                totals.add(bill.currency, state)
            else:
                totals.add(bill.currency, state, **{state: bill.due_other})
            sink.row(
                (
                    part_ref(bill.id),
                    bill.key,
                    bill.project_id,
                    name,
                    exports.instant(bill.at),
                    bill.memo or None,
                    exports.amount(bill.due_other, bill.currency),
                    bill.currency,
                    state,
                    settlement_ref(settled) if settled else None,
                    reference,
                    actor,
                    exports.instant(at) if at else None,
                )
            )
    sink.close(totals.as_data())
    return totals
