"""What every service needs: the database, the rules' settings, the clock, and
the few helpers that read the same rows the same way."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ledger.clock import utcnow
from ledger.database import Database
from ledger.domain import LedgerConfig, LotKind, LotView, ProjectView
from ledger.errors import N_, InvalidInput, LedgerError, ProjectNotFound
from ledger.money import Money
from ledger.orm import Lot, Project, ProjectChannel


@dataclass
class Ledger:
    db: Database
    config: LedgerConfig
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        return self.clock()


def project_view(session: Session, project: Project) -> ProjectView:
    channels = session.scalars(
        select(ProjectChannel.channel_id)
        .where(ProjectChannel.project_id == project.id)
        .order_by(ProjectChannel.channel_id)
    ).all()
    return ProjectView(
        project.id, project.name, project.currency, project.vat_rate_bp, tuple(channels)
    )


def find_project(session: Session, ref: str, *, lock: bool = False) -> Project:
    """A project by id or by name, case-insensitively."""
    key = ref.strip().casefold()
    query = select(Project).where((Project.id == key) | (Project.name_key == key))
    if lock:
        query = query.with_for_update()
    project = session.scalars(query).first()
    if project is None:
        raise ProjectNotFound(
            N_("there is no project {project!r}"),
            hint=N_("the project list shows the known projects"),
            project=ref.strip(),
        )
    return project


def check_currency(
    project: Project, amount: Money, error: type[LedgerError] = InvalidInput
) -> None:
    """Refuse an amount in another currency than the project counts in."""
    if amount.currency != project.currency:
        raise error(
            N_("project {project} counts in {expected}, not {other}"),
            project=project.id,
            expected=project.currency,
            other=amount.currency,
        )


def lot_view(lot: Lot, remaining: int | None = None) -> LotView:
    return LotView(
        id=lot.id,
        kind=LotKind(lot.kind),
        source=lot.source,
        initial=Money(lot.initial, lot.currency),
        remaining=Money(lot.remaining if remaining is None else remaining, lot.currency),
        valid_from=lot.valid_from,
        expires_at=lot.expires_at,
    )


Row = TypeVarTuple("Row")


def spendable(query: Select[*Row], project_id: str, at: datetime) -> Select[*Row]:
    """Narrow a query on lots to those with something left that are valid at `at`, in
    spending order."""
    return query.where(
        Lot.project_id == project_id,
        Lot.remaining > 0,
        Lot.expires_at > at,
        Lot.valid_from <= at,
    ).order_by(Lot.kind.desc(), Lot.expires_at, Lot.id)  # 'voucher' sorts after 'credit'


def spendable_lots(session: Session, project_id: str, at: datetime) -> Sequence[Lot]:
    """The spendable lots as rows to change, locked until the transaction ends."""
    return session.scalars(spendable(select(Lot), project_id, at).with_for_update()).all()


LOT_KINDS = {kind.value: kind for kind in LotKind}


LOT_VIEW_COLUMNS = (
    Lot.id,
    Lot.kind,
    Lot.source,
    Lot.currency,
    Lot.initial,
    Lot.remaining,
    Lot.valid_from,
    Lot.expires_at,
)


def lot_view_of_columns(row: Sequence[Any]) -> LotView:
    """A lot read as the plain columns of LOT_VIEW_COLUMNS, in that order."""
    lot_id, kind, source, currency, initial, left, since, until = row
    return LotView(
        lot_id,
        LOT_KINDS[kind],
        source,
        Money(initial, currency),
        Money(left, currency),
        since,
        until,
    )


def spendable_views(session: Session, project_id: str, at: datetime) -> list[LotView]:
    """The spendable lots, read only: plain columns, no ORM identity map to fill."""
    rows = session.execute(spendable(select(*LOT_VIEW_COLUMNS), project_id, at)).all()
    return [lot_view_of_columns(row) for row in rows]
