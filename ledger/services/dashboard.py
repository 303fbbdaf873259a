"""What a person's App Home shows, read in one transaction: every project's forecast,
for finance the pending purchase orders, for admins the health view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from ledger.domain import Actor, POStatus, PurchaseOrderView, Role
from ledger.money import Money
from ledger.orm import PurchaseOrder
from ledger.periods import BudgetView
from ledger.services.approvals import approvals_of
from ledger.services.autopilot import AutopilotState, states_in
from ledger.services.budgets import budgets_in
from ledger.services.context import Ledger
from ledger.services.forecasting import Forecast, forecasts_in
from ledger.services.health import Health, health_in


@dataclass(frozen=True, slots=True)
class Dashboard:
    forecasts: tuple[Forecast, ...]
    pending: tuple[PurchaseOrderView, ...] = ()
    health: Health | None = None
    # Each budgeted project's budget and its use, by project id.
    budgets: Mapping[str, BudgetView] = field(default_factory=dict)
    # Each project's autopilot, by project id.
    autopilot: Mapping[str, AutopilotState] = field(default_factory=dict)


def dashboard(ledger: Ledger, actor: Actor) -> Dashboard:
    """Only what the actor's roles let them see is read."""
    now = ledger.now()
    with ledger.db.read() as session:
        seen = forecasts_in(session, ledger, now)
        pending: list[PurchaseOrderView] = []
        if actor.can(Role.FINANCE):
            projects = {f.project.id: f.project for f in seen}
            orders = session.scalars(
                select(PurchaseOrder)
                .where(PurchaseOrder.status == POStatus.PENDING.value)
                .order_by(PurchaseOrder.id)
            ).all()
            given = approvals_of(session, [po.id for po in orders])
            pending = [
                PurchaseOrderView(
                    number=po.number,
                    project=projects[po.project_id],
                    requested_by=po.requested_by,
                    status=POStatus.PENDING,
                    amount_excl_tax=Money(po.amount_excl_tax, po.currency),
                    vat_rate_bp=po.vat_rate_bp,
                    vat=Money(po.vat, po.currency),
                    amount_incl_tax=Money(po.amount_incl_tax, po.currency),
                    created_at=po.created_at,
                    announcement=po.announcement,
                    approvals=given[po.id],
                    approvals_needed=po.approvals_needed,
                    over_budget=(
                        Money(po.over_budget, po.currency) if po.over_budget is not None else None
                    ),
                )
                for po in orders
            ]
        checks = health_in(session) if actor.can(Role.ADMIN) else None
        budgeted = budgets_in(session, ledger, now, {f.project.id: f.project for f in seen})
        pilots = {state.project.id: state for state in states_in(session, ledger, seen, now)}
        return Dashboard(tuple(seen), tuple(pending), checks, budgeted, pilots)
