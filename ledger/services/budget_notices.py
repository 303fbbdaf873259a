"""What finance is told of budgets, owed through the outbox: use passing 80 % and 100 % of a
period's budget (once per project and period, across restarts and replicas), and who set or
cleared a budget. Each is claimed in the transaction that caused it; the surface that took
the request delivers it at once, the scheduled run delivers what is still pending."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ledger.money import Money
from ledger.orm import Notice, Project
from ledger.periods import BudgetPeriod, BudgetView
from ledger.services.announcements import FINANCE
from ledger.services.context import Ledger
from ledger.services.outbox import NoticeView, insert_new

KIND = "budget"
THRESHOLDS = (80, 100)


@dataclass(frozen=True, slots=True)
class BudgetNews:
    """One budget notice for finance. `event`: "use" (use passed `threshold` %), "set" or
    "cleared" (by `who`)."""

    event: str
    project_id: str
    project_name: str
    period: BudgetPeriod
    starts_on: date
    ends_on: date
    amount: Money
    use: Money
    threshold: int | None = None
    who: str | None = None

    @property
    def percent(self) -> int:
        return self.use.minor * 100 // self.amount.minor


def crossing_key(view: BudgetView, threshold: int) -> str:
    """One key per project, period and threshold: the notice is told at most once."""
    return f"{KIND}:{view.project.id}:{view.period.value}:{view.starts_on.isoformat()}:{threshold}"


def _detail(view: BudgetView, event: str, **more: Any) -> str:
    return json.dumps(
        {
            "event": event,
            "period": view.period.value,
            "starts_on": view.starts_on.isoformat(),
            "ends_on": view.ends_on.isoformat(),
            "budget": view.amount.minor,
            "use": view.use.minor,
            "currency": view.amount.currency,
            **more,
        }
    )


def _row(
    key: str,
    view: BudgetView,
    detail: str,
    now: datetime,
    threshold: int | None = None,
    status: str = "pending",
) -> dict[str, Any]:
    return {
        "key": key,
        "kind": KIND,
        "channel": FINANCE,
        "project_id": view.project.id,
        "threshold": threshold,
        "status": status,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
        "detail": detail,
    }


def crossed(budget: int, before: int, after: int) -> list[int]:
    """The thresholds (percent) that use going from `before` to `after` reaches."""
    return [t for t in THRESHOLDS if before * 100 < t * budget <= after * 100]


def claim_crossing(session: Session, view: BudgetView, before: int, now: datetime) -> None:
    """Owe finance the notice of the highest threshold the use in `view` reached from `before`.
    Reaching 100 % at once also closes the 80 % notice unsent: 80 % after 100 % tells nothing."""
    reached = crossed(view.amount.minor, before, view.use.minor)
    if not reached:
        return
    top = reached[-1]
    rows = [_row(crossing_key(view, top), view, _detail(view, "use", threshold=top), now, top)]
    for lower in reached[:-1]:
        detail = _detail(view, "use", threshold=lower)
        rows.append(_row(crossing_key(view, lower), view, detail, now, lower, "dropped"))
    insert_new(session, rows)


def claim_change(session: Session, view: BudgetView, event: str, who: str, now: datetime) -> None:
    """Owe finance the news that `who` set or cleared the budget in `view`."""
    # Each change is news of its own, even two in the same instant.
    key = f"{KIND}:{view.project.id}:{event}:{now.isoformat()}:{uuid.uuid4().hex[:12]}"
    insert_new(session, [_row(key, view, _detail(view, event, who=who), now)])


def news_of(notice: NoticeView) -> BudgetNews:
    return _news(notice.detail, notice.project_id or "", notice.project_name)


def _news(detail: dict[str, Any], project_id: str, name: str | None) -> BudgetNews:
    currency = str(detail["currency"])
    threshold = detail.get("threshold")
    who = detail.get("who")
    return BudgetNews(
        event=str(detail["event"]),
        project_id=project_id,
        project_name=name or project_id,
        period=BudgetPeriod(detail["period"]),
        starts_on=date.fromisoformat(detail["starts_on"]),
        ends_on=date.fromisoformat(detail["ends_on"]),
        amount=Money(int(detail["budget"]), currency),
        use=Money(int(detail["use"]), currency),
        threshold=int(threshold) if threshold is not None else None,
        who=str(who) if who is not None else None,
    )


def take(ledger: Ledger, project_id: str) -> list[tuple[int, BudgetNews]]:
    """The project's budget notices still owed, taken for posting now (pending → sending),
    oldest first; those another replica took meanwhile are not among them."""
    now = ledger.now()

    def work(session: Session) -> list[tuple[int, BudgetNews]]:
        ids: Sequence[int] = session.scalars(
            update(Notice)
            .where(Notice.kind == KIND, Notice.project_id == project_id, Notice.status == "pending")
            .values(status="sending", attempts=Notice.attempts + 1, updated_at=now)
            .returning(Notice.id)
            .execution_options(synchronize_session=False)
        ).all()
        if not ids:
            return []
        rows = session.execute(
            select(Notice.id, Notice.detail, Project.name)
            .join(Project, Project.id == Notice.project_id)
            .where(Notice.id.in_(ids))
            .order_by(Notice.id)
        ).all()
        return [
            (nid, _news(json.loads(detail or "{}"), project_id, name)) for nid, detail, name in rows
        ]

    return ledger.db.run(work)
