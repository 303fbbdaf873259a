"""A purchase order as the surfaces read it, from its row and the rows beside it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import AUTOPILOT, DraftedOrder, POStatus, ProviderOrderView, PurchaseOrderView
from ledger.money import Money
from ledger.orm import AutopilotDraft, Lot, Project, PurchaseOrder, ReplacedOrder
from ledger.services import approvals
from ledger.services.context import project_view


def view_of(
    session: Session, po: PurchaseOrder, project: Project | None = None
) -> PurchaseOrderView:
    """A purchase order as every surface reads it: its project, approvals, credit, the
    provider's order and, for a draft, what the autopilot drafted it from."""
    project = project or session.get(Project, po.project_id)
    assert project is not None
    lot = session.scalars(select(Lot).where(Lot.purchase_order_id == po.id)).first()
    cur = po.currency
    return PurchaseOrderView(
        approvals=approvals.approvals_of(session, [po.id])[po.id],
        approvals_needed=po.approvals_needed,
        approvals_asked=po.approvals_asked,
        over_budget=Money(po.over_budget, cur) if po.over_budget is not None else None,
        number=po.number,
        project=project_view(session, project),
        requested_by=po.requested_by,
        status=POStatus(po.status),
        amount_excl_tax=Money(po.amount_excl_tax, cur),
        vat_rate_bp=po.vat_rate_bp,
        vat=Money(po.vat, cur),
        amount_incl_tax=Money(po.amount_incl_tax, cur),
        created_at=po.created_at,
        decided_by=po.decided_by,
        decided_at=po.decided_at,
        reason=po.reason,
        credit_expires_at=lot.expires_at if lot else None,
        announcement=po.announcement,
        provider=_provider_order(po, session),
        drafted=_drafted(po, session) if po.requested_by == AUTOPILOT else None,
    )


def _drafted(po: PurchaseOrder, session: Session) -> DraftedOrder | None:
    """What the autopilot drafted `po` from."""
    draft = session.scalars(
        select(AutopilotDraft).where(AutopilotDraft.purchase_order_id == po.id)
    ).first()
    if draft is None:
        return None
    return DraftedOrder(draft.runs_out_on, draft.cover_days, draft.bounded_by, draft.covers_through)


def _provider_order(po: PurchaseOrder, session: Session) -> ProviderOrderView | None:
    if po.provider_state is None:
        return None
    cur = po.currency
    replaced = tuple(
        session.scalars(
            select(ReplacedOrder.order_id)
            .where(ReplacedOrder.purchase_order_id == po.id)
            .order_by(ReplacedOrder.replaced_at, ReplacedOrder.order_id)
        )
    )

    def money(minor: int | None) -> Money | None:
        return Money(minor, cur) if minor is not None else None

    return ProviderOrderView(
        state=po.provider_state,
        order_id=po.provider_order_id,
        url=po.provider_url,
        excl_tax=money(po.provider_excl_tax),
        tax=money(po.provider_tax),
        incl_tax=money(po.provider_incl_tax),
        error=po.provider_error,
        paid_with=po.provider_paid_with,
        status=po.provider_status,
        ordered_at=po.provider_ordered_at,
        checked_at=po.provider_checked_at,
        replaced=replaced,
        closed_by=po.closed_by,
        closed_at=po.closed_at,
        close_reason=po.close_reason,
    )
