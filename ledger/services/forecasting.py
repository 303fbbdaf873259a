"""The forecast of a project, and its balance day by day over the recent past."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, String, case, cast, func, literal, select
from sqlalchemy.orm import Session

from ledger.clock import local_date
from ledger.domain import LotView, ProjectView
from ledger.forecast import (
    ForecastRules,
    Projection,
    burn_of,
    midnight,
    project_spending,
    recent_days,
)
from ledger.money import Money
from ledger.orm import Charge, Entry, Lot, Project, ProjectChannel
from ledger.services.context import (
    LOT_VIEW_COLUMNS,
    Ledger,
    find_project,
    lot_view_of_columns,
    project_view,
    spendable_views,
)
from ledger.services.open_orders import OpenOrder, open_in

JOURNAL = "journal"


@dataclass(frozen=True, slots=True)
class Forecast:
    project: ProjectView
    at: datetime
    lots: tuple[LotView, ...]
    basis: str  # where the burn comes from: "journal", the bills and the synced consumption
    projection: Projection
    # The burn is the average of what was spent in this many days up to `at`: the window, or
    # its last FORECAST_RISE_DAYS days when set and their average is higher.
    window_days: int
    # The project's open orders, oldest first: not counted in the projection (lots only),
    # named beside its advice so nobody buys twice.
    open_orders: tuple[OpenOrder, ...] = ()

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


# A project linked to OVHcloud has no bills: its consumption is the debits the sync posts
# (entries of no charge), net of the refunds it posts when OVHcloud lowers a used amount.
# The use a credit already had when the sync first saw it went to the prior account: it
# happened before the link, at no known instant, so it is no spending of the window.
_PROVIDER_USE = case(
    (Entry.kind == "refund", -Entry.amount),
    else_=Entry.amount,
)


def _provider_use(since: datetime, until: datetime) -> Select[str, Any]:
    return (
        select(Entry.project_id, func.sum(_PROVIDER_USE))
        .where(
            Entry.kind.in_(("debit", "refund")),
            Entry.charge_id.is_(None),
            Entry.credit_account.not_like("prior:%"),
            Entry.at > since,
            Entry.at <= until,
        )
        .group_by(Entry.project_id)
    )


def _billed(session: Session, project_id: str, since: datetime, until: datetime) -> int:
    """The whole amount of each bill in (since, until], voided ones left out, plus what
    OVHcloud consumed in that time on a linked project."""
    total = session.scalar(
        select(func.coalesce(func.sum(Charge.amount), 0)).where(
            Charge.project_id == project_id,
            Charge.at > since,
            Charge.at <= until,
            Charge.voided_at.is_(None),
        )
    )
    used = session.execute(
        _provider_use(since, until).where(Entry.project_id == project_id)
    ).first()
    return int(total or 0) + int(used[1] if used else 0)


def billed(ledger: Ledger, project_ref: str, since: datetime, until: datetime) -> Money:
    """What was billed to the project in (since, until], voided bills left out."""
    with ledger.db.read() as session:
        project = find_project(session, project_ref)
        return Money(_billed(session, project.id, since, until), project.currency)


def forecast_in(session: Session, ledger: Ledger, project: Project, now: datetime) -> Forecast:
    """The forecast of one project, read within the caller's transaction."""
    window = ledger.config.forecast_window_days
    spent = _billed(session, project.id, now - timedelta(days=window), now)
    short = recent_days(window, ledger.config.forecast_rise_days)
    recent = _billed(session, project.id, now - timedelta(days=short), now) if short < window else 0
    burn, days = burn_of(
        spent, recent, now, project.created_at, window, ledger.config.forecast_rise_days
    )
    lots = spendable_views(session, project.id, now)
    projection = project_spending(
        lots, burn, now, ledger.config.timezone, project.currency, rules(ledger)
    )
    view = project_view(session, project)
    orders = tuple(open_in(session, [project.id]).get(project.id, ()))
    return Forecast(view, now, tuple(lots), JOURNAL, projection, days, orders)


def forecast(ledger: Ledger, project_ref: str) -> Forecast:
    """When the project's credit runs out at the recent burn, what expires unused, and
    what to buy, by when."""
    now = ledger.now()
    with ledger.db.read() as session:
        return forecast_in(session, ledger, find_project(session, project_ref), now)


def forecasts(ledger: Ledger) -> list[Forecast]:
    """Every project's forecast, in one transaction."""
    now = ledger.now()
    with ledger.db.read() as session:
        return forecasts_in(session, ledger, now)


def forecasts_in(session: Session, ledger: Ledger, now: datetime) -> list[Forecast]:
    """Every project's forecast, read within the caller's transaction."""
    window = ledger.config.forecast_window_days
    found = session.scalars(select(Project).order_by(Project.name_key)).all()
    channels: dict[str, list[str]] = defaultdict(list)
    for project_id, channel in session.execute(
        select(ProjectChannel.project_id, ProjectChannel.channel_id).order_by(
            ProjectChannel.channel_id
        )
    ):
        channels[project_id].append(channel)
    spent = _spent_by_project(session, now - timedelta(days=window), now)
    short = recent_days(window, ledger.config.forecast_rise_days)
    recent = _spent_by_project(session, now - timedelta(days=short), now) if short < window else {}
    lots: dict[str, list[LotView]] = defaultdict(list)
    rows = session.execute(
        select(Lot.project_id, *LOT_VIEW_COLUMNS)
        .where(Lot.remaining > 0, Lot.expires_at > now, Lot.valid_from <= now)
        .order_by(Lot.project_id, Lot.kind.desc(), Lot.expires_at, Lot.id)
    )
    for project_id, *columns in rows:
        lots[project_id].append(lot_view_of_columns(columns))
    opened = open_in(session)
    out = []
    for project in found:
        burn, days = burn_of(
            int(spent.get(project.id) or 0),
            int(recent.get(project.id) or 0),
            now,
            project.created_at,
            window,
            ledger.config.forecast_rise_days,
        )
        held = lots.get(project.id, [])
        projection = project_spending(
            held, burn, now, ledger.config.timezone, project.currency, rules(ledger)
        )
        view = ProjectView(
            project.id,
            project.name,
            project.currency,
            project.vat_rate_bp,
            tuple(channels.get(project.id, ())),
        )
        orders = tuple(opened.get(project.id, ()))
        out.append(Forecast(view, now, tuple(held), JOURNAL, projection, days, orders))
    return out


def _spent_by_project(session: Session, since: datetime, until: datetime) -> dict[str, int]:
    """What each project was billed in (since, until], voided bills left out, plus what
    OVHcloud consumed then on a linked project."""
    spent: dict[str, int] = {
        project_id: int(total)
        for project_id, total in session.execute(
            select(Charge.project_id, func.sum(Charge.amount))
            .where(Charge.at > since, Charge.at <= until, Charge.voided_at.is_(None))
            .group_by(Charge.project_id)
        ).all()
    }
    for project_id, used in session.execute(_provider_use(since, until)):
        spent[project_id] = spent.get(project_id, 0) + int(used)
    return spent


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
