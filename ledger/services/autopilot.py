"""The autopilot: finance turns it on per project; every day the scheduled run drafts a
purchase order from the forecast when credit would otherwise run out, for finance to approve.

A draft is the order, its claim of the day (`autopilot_drafts`, unique per project and
local day) and the news owed to the project's channels, in ONE transaction: a replica that
races it, or a run repeated after a restart, finds the day claimed and drafts nothing.
A draft finance rejected, or let expire, holds the project's autopilot until finance turns
it on again (`autopilot_state.refused`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.clock import local_date
from ledger.domain import AUTOPILOT, Actor, Role
from ledger.drafting import DEFAULT_COVER_DAYS, Skip
from ledger.errors import N_, AmountError, InvalidInput, LedgerError
from ledger.money import Money, WholeMoney, minor_units
from ledger.orm import (
    AutopilotDraft,
    AutopilotSetting,
    Project,
    ProjectChannel,
)
from ledger.services import outbox, purchases
from ledger.services.autopilot_state import (
    AutopilotState,
    Held,
    LastDraft,
    Outlook,
    cap_used,
    last_drafts,
    made_today,
    outlook_of,
    refused,
    states_in,
)
from ledger.services.context import Ledger, find_project
from ledger.services.forecasting import forecast_in, forecasts_in
from ledger.services.locks import lock_project

log = logging.getLogger("creditbot.autopilot")

MIN_COVER_DAYS, MAX_COVER_DAYS = 1, 400
# A cap above a maximum order a day for a whole month is a typing mistake, not a limit.
CAP_ORDERS_AT_MOST = 31
KIND = "autopilot"
THE_AUTOPILOT = Actor(AUTOPILOT)


__all__ = [
    "AutopilotState",
    "DraftOutcome",
    "Held",
    "LastDraft",
    "Outlook",
    "draft_due",
    "states_in",
    "status",
    "turn_off",
    "turn_on",
]


@dataclass(frozen=True, slots=True)
class DraftOutcome:
    """One project's turn in a run: the order drafted, or why none was."""

    project: str
    outlook: Outlook
    number: str | None = None

    @property
    def drafted(self) -> bool:
        return self.number is not None


# --- turning it on and off ----------------------------------------------------------------------


def check_cover(days: int) -> int:
    if not MIN_COVER_DAYS <= days <= MAX_COVER_DAYS:
        raise InvalidInput(
            N_("the cover is from {low} to {high} days"),
            hint=N_("for example 90: usage of 90 days after credit would run out"),
            low=MIN_COVER_DAYS,
            high=MAX_COVER_DAYS,
        )
    return days


def cap_maximum(ledger: Ledger, currency: str) -> Money:
    unit = 10 ** minor_units(currency)
    return WholeMoney(ledger.config.po_max_amount * CAP_ORDERS_AT_MOST * unit, currency)


def check_cap(ledger: Ledger, cap: Money, currency: str) -> Money:
    if cap.currency != currency:
        raise AmountError(
            N_("the project counts in {expected}, not {other}"),
            expected=currency,
            other=cap.currency,
        )
    unit = 10 ** minor_units(currency)
    if cap.minor % unit:
        raise AmountError(N_("a monthly cap is in whole units"), hint=N_("for example 5000"))
    high = cap_maximum(ledger, currency)
    if not 0 < cap.minor <= high.minor:
        raise AmountError(N_("a monthly cap is from 1 to {high}"), high=high)
    return cap


def turn_on(
    ledger: Ledger,
    actor: Actor,
    project_ref: str,
    cover_days: int | None = None,
    monthly_cap: Money | None = None,
    *,
    clear_cap: bool = False,
) -> AutopilotState:
    """Turn the autopilot on (or change its cover or cap). What is not given stays as it
    was: cover 90 days and no cap the first time. It lifts a hold after a refused draft."""
    actor.require(Role.FINANCE, N_("turn the autopilot on"))
    if cover_days is not None:
        check_cover(cover_days)
    now = ledger.now()

    def work(session: Session) -> None:
        project = lock_project(session, project_ref)
        if monthly_cap is not None:
            check_cap(ledger, monthly_cap, project.currency)
        setting = session.get(AutopilotSetting, project.id)
        if setting is None:
            setting = AutopilotSetting(
                project_id=project.id, cover_days=DEFAULT_COVER_DAYS, monthly_cap=None
            )
            session.add(setting)
        setting.enabled = True
        if cover_days is not None:
            setting.cover_days = cover_days
        if monthly_cap is not None:
            setting.monthly_cap = monthly_cap.minor
        elif clear_cap:
            setting.monthly_cap = None
        setting.changed_by = actor.user_id
        setting.changed_at = now
        log.info(
            "autopilot on for %s by %s: cover %d days, cap %s",
            project.id,
            actor.user_id,
            setting.cover_days,
            setting.monthly_cap if setting.monthly_cap is not None else "none",
        )
        project_ids.append(project.id)

    project_ids: list[str] = []
    ledger.db.run(work)
    return status(ledger, project_ids[-1])[0]


def turn_off(ledger: Ledger, actor: Actor, project_ref: str) -> AutopilotState:
    """Turn the autopilot off; its cover and cap are kept for when it is turned on again.
    An order it drafted stays for finance to decide."""
    actor.require(Role.FINANCE, N_("turn the autopilot off"))
    now = ledger.now()

    def work(session: Session) -> str:
        project = lock_project(session, project_ref)
        setting = session.get(AutopilotSetting, project.id)
        if setting is not None and setting.enabled:
            setting.enabled = False
            setting.changed_by = actor.user_id
            setting.changed_at = now
            log.info("autopilot off for %s by %s", project.id, actor.user_id)
        return project.id

    return status(ledger, ledger.db.run(work))[0]


# --- reading its state --------------------------------------------------------------------------


def status(ledger: Ledger, project_ref: str | None = None) -> list[AutopilotState]:
    """Each project's autopilot (or the one named): on or off, cover, cap and what it used
    this month, who changed it and when, the open order, the last draft, the next one."""
    now = ledger.now()
    with ledger.db.read() as session:
        if project_ref is not None:
            seen = [forecast_in(session, ledger, find_project(session, project_ref), now)]
        else:
            seen = forecasts_in(session, ledger, now)
        return states_in(session, ledger, seen, now)


# --- drafting -----------------------------------------------------------------------------------


def draft_due(ledger: Ledger) -> list[DraftOutcome]:
    """Each project with the autopilot on gets its turn: an order drafted when the forecast
    says to buy now, or the reason it was not (logged, one line per project)."""
    with ledger.db.read() as session:
        ids = list(
            session.scalars(
                select(AutopilotSetting.project_id)
                .where(AutopilotSetting.enabled.is_(True))
                .order_by(AutopilotSetting.project_id)
            )
        )
    outcomes = []
    for project_id in ids:
        try:
            outcome = ledger.db.run(partial(_turn, ledger=ledger, project_id=project_id))
        except LedgerError as exc:  # one project refused leaves the others their turn
            log.warning("autopilot %s: no draft, refused: %s", project_id, exc.message)
            continue
        if outcome is not None:
            _log(outcome)
            outcomes.append(outcome)
    return outcomes


def _turn(session: Session, *, ledger: Ledger, project_id: str) -> DraftOutcome | None:
    project = lock_project(session, project_id)  # replicas drafting the same project queue
    setting = session.get(AutopilotSetting, project.id)
    if setting is None or not setting.enabled:
        return None  # turned off since the run began
    last = last_drafts(session, [project.id]).get(project.id)
    held = refused(last, setting)
    if held is not None:
        return DraftOutcome(project.id, held)
    now = ledger.now()
    today = local_date(now, ledger.config.timezone)
    if last is not None and last.day == today:  # the day is claimed
        return DraftOutcome(project.id, made_today(last))
    seen = forecast_in(session, ledger, project, now)
    if seen.open_orders:  # its oldest, as the forecast read it
        opened = seen.open_orders[0].number
        return DraftOutcome(project.id, Outlook(None, Held.OPEN_ORDER, order=opened))
    cap = Money(setting.monthly_cap, project.currency) if setting.monthly_cap else None
    used = Money(
        cap_used(session, ledger, [project.id], today).get(project.id, 0), project.currency
    )
    outlook = outlook_of(ledger, seen, setting.cover_days, cap, used)
    if outlook.draft is None:
        return DraftOutcome(project.id, outlook)
    draft = outlook.draft
    purchases.check_purchase_amount(ledger.config, draft.amount)
    po = purchases.order_in(session, ledger, THE_AUTOPILOT, project, draft.amount, now)
    session.add(
        AutopilotDraft(
            project_id=project.id,
            day=today,
            purchase_order_id=po.id,
            runs_out_on=draft.runs_out_on,
            cover_days=setting.cover_days,
            bounded_by=draft.bounded_by,
            covers_through=draft.covers_through,
            at=now,
        )
    )
    session.flush()  # a replica's claim of the same day fails here, and this one rolls back
    outbox.insert_new(session, _channel_news(session, project, po.number, today, now))
    return DraftOutcome(project.id, Outlook(draft, order=po.number), po.number)


def _channel_news(
    session: Session, project: Project, number: str, today: date, now: datetime
) -> list[dict[str, object]]:
    channels = session.scalars(
        select(ProjectChannel.channel_id)
        .where(ProjectChannel.project_id == project.id)
        .order_by(ProjectChannel.channel_id)
    ).all()
    return [
        outbox.owed(
            news_key(project.id, today, channel), KIND, channel, project.id, now, {"number": number}
        )
        for channel in channels
    ]


def news_key(project_id: str, day: date, channel: str) -> str:
    """The project channel's news of a day's draft: one per project, day and channel."""
    return f"{KIND}:{project_id}:{day.isoformat()}:{channel}"


def _log(outcome: DraftOutcome) -> None:
    seen = outcome.outlook
    if outcome.number is not None and seen.draft is not None:
        draft = seen.draft
        log.info(
            "autopilot %s: drafted %s for %s (credit runs out on %s; covers %d of %d days, "
            "through %s%s)",
            outcome.project,
            outcome.number,
            draft.amount,
            draft.runs_out_on,
            draft.days_covered,
            draft.cover_days,
            draft.covers_through,
            f"; cut by {CUT_BY[draft.bounded_by]}" if draft.bounded_by else "",
        )
        return
    log.info("autopilot %s: no draft, %s", outcome.project, explain(seen))


CUT_BY = {
    "useful": "what can be used before it expires",
    "maximum": "the purchase maximum",
    "cap": "the monthly cap",
}
EXPLAINED = {
    Skip.NO_BURN: "no burn: nothing was charged lately",
    Skip.ENOUGH: "enough credit through the horizon",
    Skip.NOT_YET: "not yet",
    Skip.NOTHING_USEFUL: "nothing useful: what is bought now would expire unused",
    Skip.CAP_REACHED: "the monthly cap is reached",
    Held.OFF: "off",
    Held.OPEN_ORDER: "an open order",
    Held.DRAFTED_TODAY: "already drafted today",
    Held.REFUSED_TODAY: "today's draft {order} was refused at {since}; the next can come "
    "with tomorrow's run",
    Held.REJECTED: "held: {order} was rejected at {since}; turn it on again to resume",
    Held.EXPIRED: "held: {order} expired unapproved at {since}; turn it on again to resume",
}


def explain(seen: Outlook) -> str:
    """Why no draft, in plain English for the log."""
    if seen.reason is not None and seen.since is not None:  # a hold names the refused draft
        return EXPLAINED[seen.reason].format(
            order=seen.order, since=seen.since.isoformat(timespec="seconds")
        )
    said = EXPLAINED[seen.reason] if seen.reason is not None else "a draft is due"
    if seen.order:
        said += f" ({seen.order})"
    if seen.expected_on:
        said += f" (expected on {seen.expected_on.isoformat()})"
    return said
