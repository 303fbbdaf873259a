"""Purchase budgets: what a project may buy per calendar period, set and cleared by finance.

A period's use is the amount excl. tax of the project's orders requested in it (workspace
zone) that are pending or approved. An order that takes use above the budget needs one
approval more; crossing 80 % and 100 % of it is told to finance once per period.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.domain import Actor, LedgerConfig, POStatus, ProjectView, Role
from ledger.errors import N_, AmountError, InvalidInput, NotFound
from ledger.money import Money, WholeMoney, minor_units
from ledger.orm import Budget, Project, PurchaseOrder
from ledger.periods import BudgetPeriod, BudgetView, period_bounds, period_days
from ledger.services import budget_notices
from ledger.services.context import Ledger, check_currency, find_project, project_view

# The orders a period's use counts: those not rejected, cancelled or expired, nor approved
# and then closed without credit (OVHcloud would not deliver it), as for the autopilot's cap.
COUNTED = (POStatus.PENDING.value, POStatus.APPROVED.value)


class NoBudget(NotFound):
    """The project has no budget to clear."""


def parse_period(word: str | BudgetPeriod) -> BudgetPeriod:
    try:
        return BudgetPeriod(str(word).strip().casefold())
    except ValueError:
        raise InvalidInput(
            N_("{word!r} is not a budget period"),
            hint=N_("say monthly, quarterly or yearly"),
            word=str(word).strip()[:40],
        ) from None


def check_budget_amount(config: LedgerConfig, amount: Money) -> None:
    """More than zero, whole units, at most what one purchase may be (PO_MAX_AMOUNT)."""
    high = config.po_max_amount
    unit = 10 ** minor_units(amount.currency)
    if amount.minor <= 0:
        raise AmountError(N_("a budget is more than zero"), hint=N_("for example 10000"))
    if amount.minor % unit:
        raise AmountError(
            N_("a budget is set in whole units"),
            hint=N_("for example {example}"),
            example=int(amount.amount) or 1,
        )
    if amount.amount > Decimal(high):
        raise AmountError(
            N_("a budget is at most {high}, the largest purchase"),
            hint=N_("an operator sets PO_MAX_AMOUNT"),
            high=WholeMoney(high * unit, amount.currency),
        )


def _use(
    session: Session, project_ids: Iterable[str], start: datetime, end: datetime
) -> dict[str, int]:
    rows = session.execute(
        select(PurchaseOrder.project_id, func.sum(PurchaseOrder.amount_excl_tax))
        .where(
            PurchaseOrder.project_id.in_(list(project_ids)),
            PurchaseOrder.status.in_(COUNTED),
            PurchaseOrder.provider_state.is_distinct_from("closed"),
            PurchaseOrder.created_at >= start,
            PurchaseOrder.created_at < end,
        )
        .group_by(PurchaseOrder.project_id)
    ).all()
    return {project_id: int(total or 0) for project_id, total in rows}


def _view(
    ledger: Ledger, budget: Budget, project: ProjectView, use: int, now: datetime
) -> BudgetView:
    period = BudgetPeriod(budget.period)
    first, last = period_days(period, now.astimezone(ledger.config.timezone).date())
    return BudgetView(
        project,
        period,
        Money(budget.amount, budget.currency),
        first,
        last,
        Money(use, budget.currency),
        budget.set_by,
        budget.set_at,
    )


def budget_in(
    session: Session, ledger: Ledger, project: Project, now: datetime
) -> BudgetView | None:
    """The project's budget and its use now, read within the caller's transaction."""
    budget = session.get(Budget, project.id)
    if budget is None:
        return None
    start, end = period_bounds(BudgetPeriod(budget.period), now, ledger.config.timezone)
    use = _use(session, [project.id], start, end).get(project.id, 0)
    return _view(ledger, budget, project_view(session, project), use, now)


def budgets_in(
    session: Session, ledger: Ledger, now: datetime, projects: dict[str, ProjectView] | None = None
) -> dict[str, BudgetView]:
    """Every budget and its use now by project id, in one query per kind of period.
    `projects`: the views the caller already has, so they are not read again."""
    budgets = session.scalars(select(Budget)).all()
    if not budgets:
        return {}
    if projects is None:
        found = session.scalars(
            select(Project).where(Project.id.in_([b.project_id for b in budgets]))
        )
        projects = {p.id: project_view(session, p) for p in found}
    use: dict[str, int] = {}
    for period in {b.period for b in budgets}:
        start, end = period_bounds(BudgetPeriod(period), now, ledger.config.timezone)
        ids = [b.project_id for b in budgets if b.period == period]
        use.update(_use(session, ids, start, end))
    return {
        b.project_id: _view(ledger, b, projects[b.project_id], use.get(b.project_id, 0), now)
        for b in budgets
        if b.project_id in projects
    }


def budget_of(ledger: Ledger, project_ref: str) -> BudgetView | None:
    now = ledger.now()
    with ledger.db.read() as session:
        return budget_in(session, ledger, find_project(session, project_ref), now)


def all_budgets(ledger: Ledger) -> list[BudgetView]:
    """Every project's budget, by project name."""
    now = ledger.now()
    with ledger.db.read() as session:
        found = budgets_in(session, ledger, now)
    return sorted(found.values(), key=lambda b: (b.project.name.casefold(), b.project.id))


def set_budget(
    ledger: Ledger, actor: Actor, project_ref: str, amount: Money, period: str | BudgetPeriod
) -> BudgetView:
    """Set (or replace) the project's budget; finance is told who set it."""
    actor.require(Role.FINANCE, N_("set budgets"))
    chosen = parse_period(period)
    check_budget_amount(ledger.config, amount)

    def work(session: Session) -> BudgetView:
        project = find_project(session, project_ref)
        check_currency(project, amount, AmountError)
        now = ledger.now()
        budget = session.get(Budget, project.id, with_for_update=True)
        unchanged = (
            budget is not None and budget.amount == amount.minor and budget.period == chosen.value
        )
        if budget is None:
            budget = Budget(project_id=project.id)
            session.add(budget)
        if not unchanged:
            budget.period, budget.amount, budget.currency = (
                chosen.value,
                amount.minor,
                project.currency,
            )
            budget.set_by, budget.set_at = actor.user_id, now
            session.flush()
        view = budget_in(session, ledger, project, now)
        assert view is not None
        if not unchanged:
            budget_notices.claim_change(session, view, "set", actor.user_id, now)
        return view

    return ledger.db.run(work)


def clear_budget(ledger: Ledger, actor: Actor, project_ref: str) -> BudgetView:
    """Remove the project's budget; the answer is the budget as it was. Finance is told."""
    actor.require(Role.FINANCE, N_("clear budgets"))

    def work(session: Session) -> BudgetView:
        project = find_project(session, project_ref)
        now = ledger.now()
        budget = session.get(Budget, project.id, with_for_update=True)
        view = budget_in(session, ledger, project, now)
        if view is None or budget is None:
            raise NoBudget(
                N_("project {project} has no budget to clear"),
                hint=N_("the budget list shows which projects have one"),
                project=project.id,
            )
        session.delete(budget)
        budget_notices.claim_change(session, view, "cleared", actor.user_id, now)
        return view

    return ledger.db.run(work)


def over_by(
    session: Session, ledger: Ledger, project: Project, amount_minor: int, now: datetime
) -> int | None:
    """By how much an order of `amount_minor` requested now takes the period's use above the
    budget (None when it stays within, or there is none), read before the order is added.

    The budget row stays locked until commit, so concurrent requests count each other's
    orders; finance is owed the 80 % or 100 % notice this order crosses, in the same
    transaction, so each is told once whichever request crosses it."""
    budget = session.scalars(
        select(Budget).where(Budget.project_id == project.id).with_for_update()
    ).first()
    if budget is None:
        return None
    start, end = period_bounds(BudgetPeriod(budget.period), now, ledger.config.timezone)
    with session.no_autoflush:
        before = _use(session, [project.id], start, end).get(project.id, 0)
    after = before + amount_minor
    # The notice needs the project's id only: its channels are not read for it.
    named = ProjectView(project.id, project.name, project.currency, project.vat_rate_bp)
    view = _view(ledger, budget, named, after, now)
    budget_notices.claim_crossing(session, view, before, now)
    over = after - budget.amount
    return over if over > 0 else None
