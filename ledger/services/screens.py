"""What a screen shows, read in one transaction: the project chosen, then everything the
screen says about it, so the figures agree with each other and the project is looked up
once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ledger.domain import ProjectView
from ledger.orm import Project, ProviderLink
from ledger.periods import BudgetView
from ledger.services.budgets import budget_in
from ledger.services.context import Ledger, find_project
from ledger.services.forecasting import Forecast, forecast_in
from ledger.services.projects import channel_project_in, projects_in
from ledger.services.provider_links import LinkView, link_view

# Which project a screen is about, from the channel's project (or None) and every known
# project (read only if asked for); it raises when the request names none it can use.
Choice = Callable[[ProjectView | None, Callable[[], Sequence[ProjectView]]], ProjectView]


@dataclass(frozen=True, slots=True)
class BalanceScreen:
    """The balance of a project: its lots and their outlook, and its provider link."""

    forecast: Forecast
    link: LinkView | None
    budget: BudgetView | None = None


@dataclass(frozen=True, slots=True)
class ForecastScreen:
    """The forecast of a project, and its purchase budget's use."""

    forecast: Forecast
    budget: BudgetView | None = None


def balance_screen(ledger: Ledger, channel_id: str, choose: Choice) -> BalanceScreen:
    now = ledger.now()
    with ledger.db.read() as session:
        project = _chosen(session, channel_id, choose)
        link = session.get(ProviderLink, project.id)
        return BalanceScreen(
            forecast_in(session, ledger, project, now),
            link_view(link) if link else None,
            budget_in(session, ledger, project, now),
        )


def forecast_screen(ledger: Ledger, channel_id: str, choose: Choice) -> ForecastScreen:
    now = ledger.now()
    with ledger.db.read() as session:
        project = _chosen(session, channel_id, choose)
        return ForecastScreen(
            forecast_in(session, ledger, project, now), budget_in(session, ledger, project, now)
        )


def _chosen(session: Session, channel_id: str, choose: Choice) -> Project:
    here = channel_project_in(session, channel_id) if channel_id else None
    chosen = choose(here, lambda: projects_in(session))
    return find_project(session, chosen.id)
