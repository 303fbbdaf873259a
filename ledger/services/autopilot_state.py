"""The autopilot's state, read within a caller's transaction: its setting, the open order,
what its drafts took of the monthly cap, its last draft, and what it does next."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.clock import local_date
from ledger.domain import AUTOPILOT, POStatus, ProjectView
from ledger.drafting import DEFAULT_COVER_DAYS, Draft, NoDraft, Skip, plan
from ledger.forecast import midnight
from ledger.money import Money, minor_units
from ledger.orm import AutopilotDraft, AutopilotSetting, Project, PurchaseOrder
from ledger.services.context import Ledger
from ledger.services.forecasting import Forecast


class Held(enum.StrEnum):
    """Why no order is drafted today, besides the forecast's reasons (`Skip`)."""

    OFF = "off"
    OPEN_ORDER = "open_order"  # an order is pending, or approved and not delivered
    DRAFTED_TODAY = "drafted_today"  # today's draft is made
    # Today's draft was refused, and finance turned it on again since: the day is claimed,
    # so the next draft can come with tomorrow's run.
    REFUSED_TODAY = "refused_today"
    # Finance rejected its latest draft, or let it expire, since it was last turned on:
    # nothing is drafted until finance turns it on again.
    REJECTED = "rejected"
    EXPIRED = "expired"


REFUSED = {POStatus.REJECTED: Held.REJECTED, POStatus.EXPIRED: Held.EXPIRED}


@dataclass(frozen=True, slots=True)
class LastDraft:
    number: str
    day: date
    amount: Money
    runs_out_on: date
    cover_days: int
    status: POStatus = POStatus.PENDING
    decided_at: datetime | None = None
    bounded_by: str | None = None
    # The last day it pays in full; None for a cut draft made before revision 0015.
    covers_through: date | None = None


@dataclass(frozen=True, slots=True)
class Outlook:
    """What the autopilot does (or did) today: a draft due, or why not and when the next
    one is expected (`expected_on`); `order` names the open order, today's draft, or the
    draft finance refused (`since`: when it was rejected or expired)."""

    draft: Draft | None
    reason: Skip | Held | None = None
    expected_on: date | None = None
    order: str | None = None
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class AutopilotState:
    project: ProjectView
    enabled: bool
    cover_days: int
    monthly_cap: Money | None
    cap_used: Money
    changed_by: str | None
    changed_at: datetime | None
    open_order: str | None
    last_draft: LastDraft | None
    outlook: Outlook


def states_in(
    session: Session, ledger: Ledger, seen: Sequence[Forecast], now: datetime
) -> list[AutopilotState]:
    """The autopilot of each forecast's project, read within the caller's transaction."""
    ids = [f.project.id for f in seen]
    settings = {
        s.project_id: s
        for s in session.scalars(
            select(AutopilotSetting).where(AutopilotSetting.project_id.in_(ids))
        )
    }
    today = local_date(now, ledger.config.timezone)
    # Each project's oldest open order, as its forecast read it in this transaction.
    opened = {f.project.id: f.open_orders[0].number for f in seen if f.open_orders}
    used = cap_used(session, ledger, ids, today)
    last = last_drafts(session, ids)
    out = []
    for f in seen:
        pid, currency = f.project.id, f.project.currency
        setting = settings.get(pid)
        cap = (
            Money(setting.monthly_cap, currency)
            if setting is not None and setting.monthly_cap is not None
            else None
        )
        spent = Money(used.get(pid, 0), currency)
        drafted = last.get(pid)
        held = None if setting is None else refused(drafted, setting)
        if setting is None or not setting.enabled:
            outlook = Outlook(None, Held.OFF)
        elif held is not None:
            outlook = held
        elif drafted is not None and drafted.day == today:
            outlook = made_today(drafted)
        elif pid in opened:
            outlook = Outlook(None, Held.OPEN_ORDER, order=opened[pid])
        else:
            outlook = outlook_of(ledger, f, setting.cover_days, cap, spent)
        out.append(
            AutopilotState(
                project=f.project,
                enabled=bool(setting and setting.enabled),
                cover_days=setting.cover_days if setting else DEFAULT_COVER_DAYS,
                monthly_cap=cap,
                cap_used=spent,
                changed_by=setting.changed_by if setting else None,
                changed_at=setting.changed_at if setting else None,
                open_order=opened.get(pid),
                last_draft=drafted,
                outlook=outlook,
            )
        )
    return out


def outlook_of(
    ledger: Ledger, seen: Forecast, cover_days: int, cap: Money | None, used: Money
) -> Outlook:
    currency = seen.project.currency
    maximum = Money(ledger.config.po_max_amount * 10 ** minor_units(currency), currency)
    cap_left = None if cap is None else Money(max(cap.minor - used.minor, 0), currency)
    found = plan(seen.projection, cover_days=cover_days, maximum=maximum, cap_left=cap_left)
    if isinstance(found, NoDraft):
        return Outlook(None, found.reason, found.expected_on)
    return Outlook(found)


def made_today(drafted: LastDraft) -> Outlook:
    """The outlook of a project whose draft of the day is made (`drafted.day` is today) and
    holds nothing: it comes first, or, refused, the next draft can come the day after."""
    if drafted.status in REFUSED:
        return Outlook(
            None,
            Held.REFUSED_TODAY,
            drafted.day + timedelta(days=1),
            order=drafted.number,
            since=drafted.decided_at,
        )
    return Outlook(None, Held.DRAFTED_TODAY, order=drafted.number)


def refused(drafted: LastDraft | None, setting: AutopilotSetting) -> Outlook | None:
    """The hold of a project whose latest draft finance rejected, or let expire, since the
    autopilot was last turned on (or changed): turning it on again lifts it. (A decision at
    the very instant of the setting holds: only a later setting lifts it.)"""
    if drafted is None or drafted.decided_at is None:
        return None
    held = REFUSED.get(drafted.status)
    if held is None or drafted.decided_at < setting.changed_at:
        return None
    return Outlook(None, held, order=drafted.number, since=drafted.decided_at)


def cap_used(session: Session, ledger: Ledger, ids: Sequence[str], today: date) -> dict[str, int]:
    """What the autopilot's orders of this calendar month take from its cap: those pending
    or approved, excl. tax (an order closed without credit takes nothing)."""
    start = midnight(today.replace(day=1), ledger.config.timezone)
    rows = session.execute(
        select(PurchaseOrder.project_id, func.sum(PurchaseOrder.amount_excl_tax))
        .where(
            PurchaseOrder.project_id.in_(ids),
            PurchaseOrder.requested_by == AUTOPILOT,
            PurchaseOrder.created_at >= start,
            PurchaseOrder.status.in_(("pending", "approved")),
            PurchaseOrder.provider_state.is_distinct_from("closed"),
        )
        .group_by(PurchaseOrder.project_id)
    ).all()
    return {pid: int(total or 0) for pid, total in rows}


def last_drafts(session: Session, ids: Sequence[str]) -> dict[str, LastDraft]:
    rows = session.execute(
        select(
            AutopilotDraft,
            PurchaseOrder.number,
            PurchaseOrder.amount_excl_tax,
            PurchaseOrder.status,
            PurchaseOrder.decided_at,
        )
        .join(PurchaseOrder, PurchaseOrder.id == AutopilotDraft.purchase_order_id)
        .where(AutopilotDraft.project_id.in_(ids))
        .order_by(AutopilotDraft.day, AutopilotDraft.id)
    ).all()
    found: dict[str, LastDraft] = {}
    currency = dict(
        session.execute(select(Project.id, Project.currency).where(Project.id.in_(ids))).all()
    )
    for draft, number, amount, status, decided_at in rows:
        found[draft.project_id] = LastDraft(
            number,
            draft.day,
            Money(amount, currency[draft.project_id]),
            draft.runs_out_on,
            draft.cover_days,
            POStatus(status),
            decided_at,
            draft.bounded_by,
            draft.covers_through,
        )
    return found
