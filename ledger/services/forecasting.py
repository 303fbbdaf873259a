"""The forecast of a project, and its balance day by day over the recent past."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, case, cast, func, literal, select
from sqlalchemy.orm import Session

from ledger.clock import local_date
from ledger.domain import LotView, ProjectView
from ledger.forecast import ForecastRules, Projection, burn_rate, midnight, project_spending
from ledger.money import Money
from ledger.orm import Charge, Entry, Lot, Project
from ledger.services.context import Ledger, find_project, project_view, spendable_views

JOURNAL = "journal"


@dataclass(frozen=True, slots=True)
class Forecast:
    project: ProjectView
    at: datetime
    lots: tuple[LotView, ...]
    basis: str  # where the burn comes from: "journal" (the bills charged), or a provider's
    projection: Projection

    @property
    def available(self) -> Money:
        return Money(sum(lot.remaining.minor for lot in self.lots), self.project.currency)


@dataclass(frozen=True, slots=True)
class BalancePoint:
    day: date
    at: datetime
    available: Money


def rules(ledger: Ledger) -> ForecastRules:
    config = ledger.config
    return ForecastRules(
        config.forecast_window_days, config.forecast_horizon_days, config.purchase_lead_days
    )


def _billed(session: Session, project_id: str, since: datetime, until: datetime) -> int:
    """The whole amount of each bill in (since, until], voided ones left out."""
    total = session.scalar(
        select(func.coalesce(func.sum(Charge.amount), 0)).where(
            Charge.project_id == project_id,
            Charge.at > since,
            Charge.at <= until,
            Charge.voided_at.is_(None),
        )
    )
    return int(total or 0)


def billed(ledger: Ledger, project_ref: str, since: datetime, until: datetime) -> Money:
    """What was billed to the project in (since, until], voided bills left out."""
    with ledger.db.read() as session:
        project = find_project(session, project_ref)
        return Money(_billed(session, project.id, since, until), project.currency)


def forecast_in(session: Session, ledger: Ledger, project: Project, now: datetime) -> Forecast:
    """The forecast of one project, read within the caller's transaction."""
    window = ledger.config.forecast_window_days
    spent = _billed(session, project.id, now - timedelta(days=window), now)
    burn = burn_rate(spent, now, project.created_at, window)
    lots = spendable_views(session, project.id, now)
    projection = project_spending(
        lots, burn, now, ledger.config.timezone, project.currency, rules(ledger)
    )
    return Forecast(project_view(session, project), now, tuple(lots), JOURNAL, projection)


def forecast(ledger: Ledger, project_ref: str) -> Forecast:
    """When the project's credit runs out at the recent burn, what expires unused, and
    what to buy, by when."""
    now = ledger.now()
    with ledger.db.read() as session:
        return forecast_in(session, ledger, find_project(session, project_ref), now)


def forecasts(ledger: Ledger) -> list[Forecast]:
    """Every project's forecast, read in one transaction (the App Home)."""
    now = ledger.now()
    with ledger.db.read() as session:
        found = session.scalars(select(Project).order_by(Project.name_key)).all()
        return [forecast_in(session, ledger, p, now) for p in found]


def balance_history(ledger: Ledger, project_ref: str, days: int = 90) -> list[BalancePoint]:
    """The available balance at the end of each of the last `days` local days, then now:
    each point is what `balance(at=…)` reads at that instant."""
    now = ledger.now()
    tz = ledger.config.timezone
    today = local_date(now, tz)
    instants = [
        (d, midnight(d + timedelta(days=1), tz))
        for d in (today - timedelta(days=n) for n in range(days, 0, -1))
    ]
    instants.append((today, now))
    start = instants[0][1]
    signed = case(
        (Entry.credit_account == literal("lot:") + cast(Entry.lot_id, String), Entry.amount),
        else_=-Entry.amount,
    )
    with ledger.db.read() as session:
        project = find_project(session, project_ref)
        lots = session.execute(
            select(Lot.id, Lot.valid_from, Lot.expires_at).where(
                Lot.project_id == project.id, Lot.expires_at > start, Lot.valid_from <= now
            )
        ).all()
        held: dict[int, int] = {
            lot_id: int(total)
            for lot_id, total in session.execute(
                select(Entry.lot_id, func.sum(signed))
                .where(Entry.project_id == project.id, Entry.at <= start)
                .group_by(Entry.lot_id)
            ).all()
        }
        moves = session.execute(
            select(Entry.lot_id, Entry.at, signed)
            .where(Entry.project_id == project.id, Entry.at > start, Entry.at <= now)
            .order_by(Entry.at, Entry.id)
        ).all()
    points = []
    step = 0
    for day, at in instants:
        while step < len(moves) and moves[step][1] <= at:
            lot_id, _, amount = moves[step]
            held[lot_id] = held.get(lot_id, 0) + int(amount)
            step += 1
        total = sum(
            max(held.get(lot_id, 0), 0) for lot_id, since, until in lots if since <= at < until
        )
        points.append(BalancePoint(day, at, Money(total, project.currency)))
    return points
