"""The backtest: a daily usage series replayed on a fresh ledger, once per purchasing
policy, through the services the bot runs on (purchase orders requested and approved,
bills charged, lots expired, the forecast and the autopilot's drafting rule).

The ledger is an in-memory SQLite database whose tables are the ORM's (`create_all`:
a test holds them equal to the migrations'), one project per policy. Each local day:
- 09:00, lots whose expiry has come are expired, orders due that day are approved (their
  credit granted), then each policy reads its project and decides;
- 12:00, the day's usage is charged to each project.
Every project starts with a purchase of 30 x the first day's usage credited at 00:00 of
day 0; the replay ends at 00:00 after the last day. What each policy did is then read back
from the ledger's own journal, and the two identities of the books are checked.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql._typing import _ColumnExpressionArgument

from ledger import drafting
from ledger.backtest import POLICIES, DayPoint, Policy, PolicyReport, Usage, trailing_average
from ledger.database import Database
from ledger.domain import Actor, LedgerConfig, POStatus, Role
from ledger.money import Money, minor_units
from ledger.orm import Base, Charge, Entry, Lot, Project, PurchaseOrder
from ledger.services import billing, expiry, forecasting, projects, purchases
from ledger.services.context import Ledger, spendable_views

FINANCE = Actor("finance", frozenset({Role.MEMBER, Role.FINANCE}))
ADMIN = Actor("admin", frozenset({Role.MEMBER, Role.ADMIN}))
BUYER = Actor("buyer")  # whoever places the baselines' orders
AUTOPILOT = Actor("autopilot")

FIRST_PURCHASE_DAYS = 30
THRESHOLD_DAYS, THRESHOLD_TARGET_DAYS = 30, 90
YEAR_DAYS = 365
WHEN_EMPTY_DAYS = 90
SETTLING_DAYS = 7  # `threshold` and `yearly` are set from the first week's average


class IdentityBroken(AssertionError):
    """The ledger's books of a replay do not add up: a bug, never a refusal."""


@dataclass(frozen=True, slots=True)
class ReplayRules:
    cover_days: int = drafting.DEFAULT_COVER_DAYS
    lead_days: int = 5
    approval_days: int = 3
    max_amount: int = 200_000  # PO_MAX_AMOUNT, in whole units
    largest_charge: int = 1_000_000  # CHARGE_MAX_AMOUNT: the usage file's days are within it
    window_days: int = 30  # FORECAST_WINDOW_DAYS
    rise_days: int = 0  # FORECAST_RISE_DAYS: 0, the window's average alone


@dataclass
class _Clock:
    now: datetime = datetime(2000, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class _Replay:
    """One policy's project and what the policy remembers: its bills and its order."""

    policy: Policy | None
    project: str
    billed: list[int] = field(default_factory=list)
    in_flight: tuple[int, str] | None = None  # (day index it is credited on, number)
    points: list[DayPoint] = field(default_factory=list)


def fresh_ledger(tz: ZoneInfo, rules: ReplayRules = ReplayRules()) -> tuple[Ledger, _Clock]:
    db = Database("sqlite://")
    Base.metadata.create_all(db.engine)
    config = LedgerConfig(
        timezone=tz,
        po_max_amount=rules.max_amount,
        charge_max_amount=rules.largest_charge,
        purchase_lead_days=rules.lead_days,
        forecast_window_days=rules.window_days,
        forecast_rise_days=rules.rise_days,
    )
    clock = _Clock()
    return Ledger(db, config, clock), clock


def backtest(
    usage: Usage,
    tz: ZoneInfo,
    rules: ReplayRules = ReplayRules(),
    policies: Sequence[Policy] = POLICIES,
) -> list[PolicyReport]:
    """Each policy's outcome over the replay of `usage`, in the order given."""
    return _run(usage, tz, rules, list(policies))


def charges_only(usage: Usage, tz: ZoneInfo, rules: ReplayRules = ReplayRules()) -> PolicyReport:
    """The same replay with no policy: the first purchase, then the bills alone."""
    return _run(usage, tz, rules, [None])[0]


def _local(day: date, hour: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def _run(
    usage: Usage, tz: ZoneInfo, rules: ReplayRules, policies: list[Policy | None]
) -> list[PolicyReport]:
    ledger, clock = fresh_ledger(tz, rules)
    try:
        currency = usage.currency
        unit = 10 ** minor_units(currency)
        clock.now = _local(usage.first, 0, tz)
        expiries: list[datetime] = []
        replays = _open(ledger, usage, policies, rules, expiries)
        settled = _settling_average(usage)
        for n, used in enumerate(usage.amounts):
            day = usage.first + timedelta(days=n)
            clock.now = _local(day, 9, tz)
            if expiries and expiries[0] <= clock.now:
                expiry.expire_due(ledger)
                while expiries and expiries[0] <= clock.now:
                    heapq.heappop(expiries)
            for replay in replays:
                if replay.in_flight and replay.in_flight[0] <= n:
                    _credit(ledger, replay, expiries)
            wanted = _decide(ledger, replays, n, settled, rules, unit)
            for replay, amount in zip(replays, wanted, strict=True):
                if amount:
                    order = purchases.request_purchase(
                        ledger,
                        AUTOPILOT if replay.policy is Policy.AUTOPILOT else BUYER,
                        replay.project,
                        Money(amount, currency),
                    )
                    replay.in_flight = (n + rules.approval_days, order.number)
                    if rules.approval_days == 0:
                        _credit(ledger, replay, expiries)
                        replay.points[-1] = DayPoint(day, replay.points[-1].balance + amount, 0)
            clock.now = _local(day, 12, tz)
            for replay in replays:
                if used:
                    billing.charge(
                        ledger,
                        FINANCE,
                        replay.project,
                        Money(used, currency),
                        f"{replay.project}-{n}",
                    )
                replay.billed.append(used)
                if replay.points:
                    replay.points[-1] = DayPoint(day, replay.points[-1].balance, used)
        clock.now = _local(usage.last + timedelta(days=1), 0, tz)
        expiry.expire_due(ledger)
        with ledger.db.read() as session:
            return [_outcome(session, replay, usage, clock.now) for replay in replays]
    finally:
        ledger.db.dispose()


def _open(
    ledger: Ledger,
    usage: Usage,
    policies: list[Policy | None],
    rules: ReplayRules,
    expiries: list[datetime],
) -> list[_Replay]:
    """A project per policy, each with its first purchase credited now (00:00 of day 0):
    30 times the first day's usage, in whole units, at least one."""
    currency = usage.currency
    unit = 10 ** minor_units(currency)
    first = _whole_units(Decimal(FIRST_PURCHASE_DAYS * usage.amounts[0]), unit, rules) or unit
    replays = []
    for n, policy in enumerate(policies):
        name = policy.value if policy else "none"
        pid = f"p{n}-{name}".replace("_", "-")
        projects.add_project(ledger, ADMIN, pid, pid, currency, 0)
        replays.append(_Replay(policy, pid))
        order = purchases.request_purchase(ledger, BUYER, pid, Money(first, currency))
        granted = purchases.approve_purchase(ledger, FINANCE, order.number)
        assert granted.credit_expires_at is not None
        heapq.heappush(expiries, granted.credit_expires_at)
    return replays


def _credit(ledger: Ledger, replay: _Replay, expiries: list[datetime]) -> None:
    assert replay.in_flight is not None
    granted = purchases.approve_purchase(ledger, FINANCE, replay.in_flight[1])
    assert granted.credit_expires_at is not None
    heapq.heappush(expiries, granted.credit_expires_at)
    replay.in_flight = None


def _settling_average(usage: Usage) -> Decimal:
    first = usage.amounts[:SETTLING_DAYS]
    return Decimal(sum(first)) / len(first)


def _whole_units(minor: Decimal, unit: int, rules: ReplayRules) -> int:
    """`minor` rounded up to whole units, at most the purchase maximum; 0 for nothing."""
    if minor <= 0:
        return 0
    units = int((minor / unit).to_integral_value(rounding=ROUND_CEILING))
    return min(max(units, 1), rules.max_amount) * unit


def _decide(
    ledger: Ledger,
    replays: list[_Replay],
    n: int,
    settled: Decimal,
    rules: ReplayRules,
    unit: int,
) -> list[int]:
    """What each policy orders today, in minor units (0: nothing), from one read of the
    ledger at 09:00."""
    now = ledger.now()
    day = now.astimezone(ledger.config.timezone).date()
    wanted = []
    with ledger.db.read() as session:
        for replay in replays:
            policy = replay.policy
            if policy is None:
                wanted.append(0)
                continue
            amount = 0
            if policy is Policy.AUTOPILOT:
                project = session.get(Project, replay.project)
                assert project is not None
                seen = forecasting.forecast_in(session, ledger, project, now)
                balance = seen.available.minor
                if replay.in_flight is None:
                    amount = _autopilot(seen, rules, unit)
            else:
                balance = sum(
                    lot.remaining.minor for lot in spendable_views(session, replay.project, now)
                )
                if replay.in_flight is None:
                    amount = _baseline(policy, replay, n, balance, settled, rules, unit)
            replay.points.append(DayPoint(day, balance, 0))
            wanted.append(amount)
    return wanted


def _autopilot(seen: forecasting.Forecast, rules: ReplayRules, unit: int) -> int:
    decided = drafting.plan(
        seen.projection,
        cover_days=rules.cover_days,
        maximum=Money(rules.max_amount * unit, seen.project.currency),
    )
    return decided.amount.minor if isinstance(decided, drafting.Draft) else 0


def _baseline(
    policy: Policy,
    replay: _Replay,
    n: int,
    balance: int,
    settled: Decimal,
    rules: ReplayRules,
    unit: int,
) -> int:
    if policy is Policy.THRESHOLD:
        # Set once from the first week, as a person would: from day 7 on.
        if n >= SETTLING_DAYS and balance < THRESHOLD_DAYS * settled:
            return _whole_units(THRESHOLD_TARGET_DAYS * settled - balance, unit, rules)
        return 0
    if policy is Policy.YEARLY:
        if n % YEAR_DAYS:
            return 0
        rate = settled if n == 0 else trailing_average(replay.billed)
        return _whole_units(YEAR_DAYS * rate, unit, rules)
    assert policy is Policy.WHEN_EMPTY
    if n and balance == 0:
        return _whole_units(WHEN_EMPTY_DAYS * trailing_average(replay.billed), unit, rules)
    return 0


def _sum(
    session: Session, column: _ColumnExpressionArgument[int], *where: ColumnElement[bool]
) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(column), 0)).where(*where)) or 0)


def _outcome(session: Session, replay: _Replay, usage: Usage, end: datetime) -> PolicyReport:
    """The policy's figures as the ledger booked them, with its books checked."""
    pid = replay.project

    def entries(kind: str) -> int:
        return _sum(session, Entry.amount, Entry.project_id == pid, Entry.kind == kind)

    bought, paid, expired = entries("grant"), entries("debit") - entries("void"), entries("expiry")
    remaining = _sum(session, Lot.remaining, Lot.project_id == pid, Lot.expires_at > end)
    gone = _sum(session, Lot.remaining, Lot.project_id == pid, Lot.expires_at <= end)
    consumed = _sum(session, Charge.amount, Charge.project_id == pid, Charge.voided_at.is_(None))
    due = _sum(session, Charge.due_other, Charge.project_id == pid, Charge.voided_at.is_(None))
    short = int(
        session.scalar(select(func.count()).where(Charge.project_id == pid, Charge.due_other > 0))
        or 0
    )
    orders = int(
        session.scalar(
            select(func.count()).where(
                PurchaseOrder.project_id == pid,
                PurchaseOrder.status == POStatus.APPROVED.value,
            )
        )
        or 0
    )
    ordered = _sum(
        session,
        PurchaseOrder.amount_excl_tax,
        PurchaseOrder.project_id == pid,
        PurchaseOrder.status == POStatus.APPROVED.value,
    )
    name = replay.policy.value if replay.policy else "none"
    checks = {
        "bought = paid_by_credit + expired + remaining": bought == paid + expired + remaining,
        "consumed = paid_by_credit + due_other": consumed == paid + due,
        "consumed = the usage replayed": consumed == usage.total,
        "bought = the orders approved": bought == ordered,
        "no expired lot still holds money": gone == 0,
    }
    broken = [what for what, holds in checks.items() if not holds]
    if broken:
        raise IdentityBroken(f"{name}: {'; '.join(broken)}")
    return PolicyReport(
        policy=name,
        currency=usage.currency,
        bought=bought,
        orders=orders,
        consumed=consumed,
        paid_by_credit=paid,
        due_other=due,
        expired=expired,
        remaining=remaining,
        days_short=short,
        days=tuple(replay.points),
    )
