"""Purchase orders: requested by anyone, paid (approved) or rejected by finance.

Approval records the payment and creates the credit lot in one transaction.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ledger import approval_tiers
from ledger.clock import credit_expiry
from ledger.domain import (
    Actor,
    LedgerConfig,
    LotKind,
    POStatus,
    PurchaseOrderView,
    Role,
    sequence_number,
)
from ledger.errors import (
    N_,
    AlreadyDecided,
    AmountError,
    Forbidden,
    FourEyes,
    InvalidInput,
    PurchaseOrderNotFound,
    UserRef,
)
from ledger.facts import LotSource
from ledger.journal import grant_lot
from ledger.money import Money, WholeMoney, minor_units, percentage_of
from ledger.orm import (
    Lot,
    Project,
    PurchaseOrder,
    PurchaseOrderCounter,
)
from ledger.services import announcements, approvals, budgets, decision_news
from ledger.services.context import Ledger, check_currency, find_project
from ledger.services.locks import lock_project
from ledger.services.provider_links import service_of
from ledger.services.purchase_views import view_of
from ledger.services.requests import check_request_id, earlier_result, remember
from ledger.text import one_line

MAX_REASON = 500


def check_purchase_amount(config: LedgerConfig, amount: Money) -> None:
    """Whole units within the order form's limits; pure, so forms can check before submitting."""
    whole = amount.amount
    if whole != whole.to_integral_value():
        raise AmountError(
            N_("credit is bought in whole units"),
            hint=N_("for example {example}"),
            example=int(whole) or 1,
        )
    low, high = config.po_min_amount, config.po_max_amount
    if not Decimal(low) <= whole <= Decimal(high):
        raise AmountError(
            N_("a purchase is between {low} and {high}"),
            hint=N_("split a larger purchase into several orders"),
            low=WholeMoney(low * 10 ** minor_units(amount.currency), amount.currency),
            high=WholeMoney(high * 10 ** minor_units(amount.currency), amount.currency),
        )


def _next_number(session: Session, year: int, dialect: str) -> int:
    """Take the year's next number. The counter row is locked until commit, so numbers
    are handed out one at a time and a rolled-back request gives its number back."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(PurchaseOrderCounter).values(year=year, last=0).on_conflict_do_nothing())
    seq = session.scalar(
        update(PurchaseOrderCounter)
        .where(PurchaseOrderCounter.year == year)
        .values(last=PurchaseOrderCounter.last + 1)
        .returning(PurchaseOrderCounter.last)
    )
    assert seq is not None
    return int(seq)


def _again(session: Session, number: str) -> PurchaseOrderView:
    po = session.scalars(select(PurchaseOrder).where(PurchaseOrder.number == number)).one()
    return replace(view_of(session, po), repeated=True)


def request_purchase(
    ledger: Ledger, actor: Actor, project_ref: str, amount: Money, *, request: str | None = None
) -> PurchaseOrderView:
    """Create a pending order. The same `request` again answers with that order (marked
    `repeated`) and creates nothing."""
    check_purchase_amount(ledger.config, amount)
    check_request_id(request)
    fingerprint = (
        f"{actor.user_id} {project_ref.strip().casefold()} {amount.minor} {amount.currency}"
    )

    def work(session: Session) -> PurchaseOrderView:
        if request is not None:
            earlier = earlier_result(session, request, "purchase", fingerprint)
            if earlier is not None:
                return _again(session, earlier)
        project = find_project(session, project_ref)
        po = order_in(session, ledger, actor, project, amount, ledger.now())
        if request is not None:
            remember(session, request, "purchase", fingerprint, po.number, po.created_at)
        return view_of(session, po, project)

    return ledger.db.run(work)


def order_in(
    session: Session, ledger: Ledger, actor: Actor, project: Project, amount: Money, now: datetime
) -> PurchaseOrder:
    """Create a pending order within the caller's transaction (a person's request, or the
    autopilot's draft together with its claim of the day), and owe finance its announcement."""
    check_currency(project, amount, AmountError)
    year = now.astimezone(ledger.config.timezone).year
    seq = _next_number(session, year, ledger.db.dialect)
    vat = percentage_of(amount, project.vat_rate_bp)
    po = PurchaseOrder(
        number=sequence_number(year, seq),
        year=year,
        seq=seq,
        project_id=project.id,
        requested_by=actor.user_id,
        currency=project.currency,
        amount_excl_tax=amount.minor,
        vat_rate_bp=project.vat_rate_bp,
        vat=vat.minor,
        amount_incl_tax=amount.minor + vat.minor,
        status=POStatus.PENDING.value,
        created_at=now,
        approvals_needed=approval_tiers.needed(ledger.config, amount),
    )
    over = budgets.over_by(session, ledger, project, amount.minor, now)
    if over:
        po.over_budget = over
        po.approvals_needed += 1
    asked = po.approvals_needed
    po.approvals_needed = approval_tiers.reachable(ledger.config, asked, actor.user_id)
    if po.approvals_needed < asked:
        po.approvals_asked = asked
    session.add(po)
    session.flush()
    announcements.claim_in(session, po, now)
    return po


def locked_purchase_order(session: Session, number: str) -> PurchaseOrder:
    """The purchase order, locked for this transaction's change; refused when there is none."""
    po = session.scalars(
        select(PurchaseOrder)
        .where(PurchaseOrder.number == number.strip().upper())
        .with_for_update()
    ).first()
    if po is None:
        raise PurchaseOrderNotFound(
            N_("there is no purchase order {number!r}"),
            hint=N_("numbers look like PO-2026-000042"),
            number=number.strip(),
        )
    return po


def not_pending(
    number: str, status: str, decided_by: str | None, decided_at: datetime | None
) -> AlreadyDecided:
    """The refusal of a decision on an order that is no longer pending."""
    if status == POStatus.EXPIRED.value and decided_at is not None:
        return AlreadyDecided(
            N_("{number} expired on {when}, never approved"),
            status=status,
            decided_by=decided_by,
            number=number,
            when=decided_at,
        )
    return AlreadyDecided(
        N_("{number} was already decided by {who}"),
        status=status,
        decided_by=decided_by,
        number=number,
        who=UserRef(decided_by or ""),
    )


def _load_pending(session: Session, number: str) -> PurchaseOrder:
    po = locked_purchase_order(session, number)
    if po.status != POStatus.PENDING.value:
        raise not_pending(po.number, po.status, po.decided_by, po.decided_at)
    return po


def approve_purchase(
    ledger: Ledger, actor: Actor, number: str, *, announce: bool = False
) -> PurchaseOrderView:
    """Count the actor's approval; at the last one the order needs, record payment and
    grant the credit (or leave it for the provider). The same approver twice, or an
    approval after the decision, is refused: nothing is ever granted twice. With
    `announce` (a decision at the terminal), its news is owed to Slack in the same
    transaction (`decision_news`)."""
    actor.require(Role.FINANCE, N_("approve purchase orders"))

    def work(session: Session) -> PurchaseOrderView:
        po = _load_pending(session, number)
        if po.requested_by == actor.user_id:
            raise FourEyes(
                N_("you requested {number}, so someone else in finance must approve it"),
                hint=N_("four-eyes rule"),
                number=po.number,
            )
        now = ledger.now()
        given = approvals.record(session, po, actor.user_id, now)

        def owe_news() -> None:
            if announce:
                decision_news.claim_in(session, po, given, now)

        if given < po.approvals_needed:
            owe_news()
            return view_of(session, po)
        project = lock_project(session, po.project_id)
        po.status = POStatus.APPROVED.value
        po.decided_by = actor.user_id
        po.decided_at = now
        if service_of(session, project.id) is not None:
            # Paid at the provider: the order is placed after this commit, and the lot
            # arrives with the provider's credit.
            po.provider_state = "ordering"
            session.flush()
            owe_news()
            return view_of(session, po, project)
        lot = Lot(
            project_id=project.id,
            kind=LotKind.CREDIT.value,
            source=LotSource.purchase(po.number),
            purchase_order_id=po.id,
            currency=po.currency,
            initial=po.amount_excl_tax,
            remaining=0,
            valid_from=now,
            expires_at=credit_expiry(now, ledger.config.timezone),
        )
        grant_lot(
            session,
            lot,
            counterpart=f"purchase:{po.number}",
            key=f"grant:{po.number}",
            at=now,
            actor=actor.user_id,
        )
        owe_news()
        return view_of(session, po, project)

    return ledger.db.run(work)


def reject_purchase(
    ledger: Ledger,
    actor: Actor,
    number: str,
    reason: str,
    *,
    request: str | None = None,
    announce: bool = False,
) -> PurchaseOrderView:
    """Reject with a reason. The same `request` again answers with the rejected order
    (marked `repeated`) instead of "already decided". `announce`: as for approvals."""
    actor.require(Role.FINANCE, N_("reject purchase orders"))
    why = one_line(reason)
    if not why:
        raise InvalidInput(N_("a rejection needs a reason"), hint=N_("say why, in a few words"))
    if len(why) > MAX_REASON:
        raise InvalidInput(N_("keep the reason under {size} characters"), size=MAX_REASON)
    check_request_id(request)
    return _decide(ledger, actor, number, POStatus.REJECTED, why, request, announce=announce)


def cancel_purchase(
    ledger: Ledger, actor: Actor, number: str, *, announce: bool = False
) -> PurchaseOrderView:
    return _decide(ledger, actor, number, POStatus.CANCELLED, None, announce=announce)


def _decide(
    ledger: Ledger,
    actor: Actor,
    number: str,
    status: POStatus,
    reason: str | None,
    request: str | None = None,
    *,
    announce: bool = False,
) -> PurchaseOrderView:
    fingerprint = f"{actor.user_id} {status.value} {number.strip().upper()} {reason or ''}"

    def work(session: Session) -> PurchaseOrderView:
        if request is not None:
            earlier = earlier_result(session, request, "decision", fingerprint)
            if earlier is not None:
                return _again(session, earlier)
        po = _load_pending(session, number)
        if status is POStatus.CANCELLED and po.requested_by != actor.user_id:
            raise Forbidden(
                N_("only {who}, who requested {number}, may cancel it"),
                hint=N_("finance may reject it instead"),
                who=UserRef(po.requested_by),
                number=po.number,
            )
        po.status = status.value
        po.decided_by = actor.user_id
        po.decided_at = ledger.now()
        po.reason = reason
        session.flush()
        if announce:
            count = len(approvals.approvals_of(session, [po.id])[po.id])
            decision_news.claim_in(session, po, count, po.decided_at)
        if request is not None:
            remember(session, request, "decision", fingerprint, po.number, po.decided_at)
        return view_of(session, po)

    return ledger.db.run(work)


def record_announcement(ledger: Ledger, number: str, reference: str) -> None:
    """Remember where the order was announced, so a decision can update it in place."""

    def work(session: Session) -> None:
        po = session.scalars(select(PurchaseOrder).where(PurchaseOrder.number == number)).first()
        if po is None:
            raise PurchaseOrderNotFound(N_("there is no purchase order {number!r}"), number=number)
        po.announcement = reference[:100]

    ledger.db.run(work)


def get_purchase_order(ledger: Ledger, number: str) -> PurchaseOrderView:
    with ledger.db.read() as session:
        po = session.scalars(
            select(PurchaseOrder).where(PurchaseOrder.number == number.strip().upper())
        ).first()
        if po is None:
            raise PurchaseOrderNotFound(
                N_("there is no purchase order {number!r}"), number=number.strip()
            )
        return view_of(session, po)


def list_purchase_orders(
    ledger: Ledger, status: POStatus | None = None, *, limit: int | None = None
) -> list[PurchaseOrderView]:
    with ledger.db.read() as session:
        query = select(PurchaseOrder).order_by(PurchaseOrder.id)
        if status is not None:
            query = query.where(PurchaseOrder.status == status.value)
        if limit is not None:
            query = query.limit(limit)
        return [view_of(session, po) for po in session.scalars(query).all()]


def pending_at(
    ledger: Ledger, instant: datetime, *, created_by: datetime | None = None
) -> list[PurchaseOrderView]:
    """The orders that were pending at `instant` (created by `created_by`, default the same
    instant), as they stand now: a list drawn then, with the decisions made since."""
    created = instant if created_by is None else min(created_by, instant)
    with ledger.db.read() as session:
        query = (
            select(PurchaseOrder)
            .where(
                PurchaseOrder.created_at <= created,
                (PurchaseOrder.status == POStatus.PENDING.value)
                | (PurchaseOrder.decided_at > instant),
            )
            .order_by(PurchaseOrder.id)
        )
        return [view_of(session, po) for po in session.scalars(query).all()]
