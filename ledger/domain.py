"""Pure rules and values of cloud credit. No database, no I/O."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from ledger.errors import N_, Forbidden, Phrase
from ledger.facts import EntryCause, LotSource
from ledger.money import Money

# The requester of the purchase orders the autopilot drafts. Not a person: never a finance
# approver, never told by DM; Slack user ids are upper case, so no person is ever this id.
AUTOPILOT = "autopilot"


class Role(enum.StrEnum):
    MEMBER = "member"
    FINANCE = "finance"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: str
    roles: frozenset[Role] = frozenset({Role.MEMBER})

    def can(self, role: Role) -> bool:
        return role is Role.MEMBER or role in self.roles

    def require(self, role: Role, action: str) -> None:
        """`action` is a phrase marked with N_, such as N_("charge bills")."""
        if self.can(role):
            return
        if role is Role.ADMIN:
            raise Forbidden(
                N_("only an admin may {action}"), hint=N_("ask an admin"), action=Phrase(action)
            )
        raise Forbidden(
            N_("only finance may {action}"),
            hint=N_("ask someone in finance"),
            action=Phrase(action),
        )


class LotKind(enum.StrEnum):
    VOUCHER = "voucher"
    CREDIT = "credit"


class POStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # still pending after PO_EXPIRE_DAYS: closed by the bot, never approved


@dataclass(frozen=True, slots=True)
class LedgerConfig:
    timezone: ZoneInfo
    po_min_amount: int = 1
    po_max_amount: int = 200_000
    charge_max_amount: int = 1_000_000
    default_vat_bp: int = 2000
    failed_redemptions_allowed: int = 5
    failed_redemption_window: timedelta = timedelta(minutes=15)
    history_limit: int = 20
    forecast_window_days: int = 30
    # When set, the burn is the average of these last days if higher than the window's.
    forecast_rise_days: int = 0
    forecast_horizon_days: int = 90
    purchase_lead_days: int = 5
    # APPROVAL_TIERS: (amount excl. tax in whole units, at least; approvers needed), by amount.
    approval_tiers: tuple[tuple[int, int], ...] = ()
    # The finance approvers when FINANCE_APPROVERS names people only; None when it names a
    # user group (its members are not known here): an order never needs more than they are.
    finance_people: frozenset[str] | None = None
    # A pending order is reminded to finance after this many hours, then daily, at most 3
    # times; it expires after `po_expire_days`.
    po_remind_hours: int = 24
    po_expire_days: int = 30
    # The server secret voucher codes are hashed under (HMAC-SHA-256); None: no codes.
    voucher_key: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class LotBalance:
    """What spending needs to know of a lot."""

    id: int
    kind: LotKind
    expires_at: datetime
    remaining: Money


def spending_key(lot: LotBalance) -> tuple[int, datetime, int]:
    """Vouchers before credit; within a kind, soonest expiry, then oldest grant."""
    return (0 if lot.kind is LotKind.VOUCHER else 1, lot.expires_at, lot.id)


def allocate(amount: Money, lots: Iterable[LotBalance]) -> tuple[list[tuple[int, Money]], Money]:
    """Split a charge over lots in spending order; what they cannot cover is due otherwise."""
    left = amount
    taken: list[tuple[int, Money]] = []
    for lot in sorted(lots, key=spending_key):
        if not left:
            break
        if not lot.remaining:
            continue
        part = lot.remaining if lot.remaining < left else left
        taken.append((lot.id, part))
        left = left - part
    return taken, left


@dataclass(frozen=True, slots=True)
class ProjectView:
    id: str
    name: str
    currency: str
    vat_rate_bp: int
    channels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkedChannel:
    project: ProjectView
    channel: str
    previous: str | None = None  # the project the channel belonged to until now


@dataclass(frozen=True, slots=True)
class LotView:
    id: int
    kind: LotKind
    source: LotSource
    initial: Money
    remaining: Money
    valid_from: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Balance:
    project: ProjectView
    at: datetime
    lots: tuple[LotView, ...]

    def _total(self, kind: LotKind) -> Money:
        return Money(
            sum(lot.remaining.minor for lot in self.lots if lot.kind is kind), self.project.currency
        )

    @property
    def vouchers(self) -> Money:
        return self._total(LotKind.VOUCHER)

    @property
    def credit(self) -> Money:
        return self._total(LotKind.CREDIT)

    @property
    def available(self) -> Money:
        return self.vouchers + self.credit


@dataclass(frozen=True, slots=True)
class ProviderOrderView:
    """The order placed at the provider for an approved purchase order of a linked project."""

    state: str
    order_id: int | None = None
    url: str | None = None
    excl_tax: Money | None = None
    tax: Money | None = None
    incl_tax: Money | None = None
    error: str | None = None
    paid_with: str | None = None
    # OVHcloud's own status as last read (notPaid, documentsRequested, cancelled, …), when
    # the order was placed, orders it replaced, and who closed it when OVHcloud won't deliver.
    status: str | None = None
    ordered_at: datetime | None = None
    checked_at: datetime | None = None
    replaced: tuple[int, ...] = ()
    closed_by: str | None = None
    closed_at: datetime | None = None
    close_reason: str | None = None


class ApprovalView(NamedTuple):
    """One finance approver's approval of a purchase order: who, and when."""

    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DraftedOrder:
    """What the autopilot drafted an order from: when credit runs out, the days of use after
    that it was asked to cover (`cover_days`), what cut the amount, if anything ("useful",
    "maximum", "cap"), and the last day it pays in full (`covers_through`: the whole cover
    unless cut; None for a cut draft made before that day was kept)."""

    runs_out_on: date
    cover_days: int
    bounded_by: str | None = None
    covers_through: date | None = None

    @property
    def days_covered(self) -> int | None:
        """The days of the cover it pays in full, from runs_out_on; None when unknown."""
        if self.covers_through is None:
            return None
        return days_covered(self.runs_out_on, self.covers_through)


def days_covered(runs_out_on: date, covers_through: date) -> int:
    """The days of a draft's cover it pays in full: runs_out_on through covers_through."""
    return max((covers_through - runs_out_on).days + 1, 0)


@dataclass(frozen=True, slots=True)
class PurchaseOrderView:
    number: str
    project: ProjectView
    requested_by: str
    status: POStatus
    amount_excl_tax: Money
    vat_rate_bp: int
    vat: Money
    amount_incl_tax: Money
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    credit_expires_at: datetime | None = None
    announcement: str | None = None
    repeated: bool = False
    provider: ProviderOrderView | None = None
    # The approvals given so far (oldest first) and how many the order needs; by how much
    # it took its project's budget over when it was requested.
    approvals: tuple[ApprovalView, ...] = ()
    approvals_needed: int = 1
    over_budget: Money | None = None
    drafted: DraftedOrder | None = None  # drafted by the autopilot
    # What the tier and the budget asked, when finance has fewer approvers besides the
    # requester: then every one of them must approve (`approvals_needed`).
    approvals_asked: int | None = None

    @property
    def approvals_left(self) -> int:
        return max(self.approvals_needed - len(self.approvals), 0)


@dataclass(frozen=True, slots=True)
class Allocation:
    kind: LotKind
    source: LotSource
    amount: Money


@dataclass(frozen=True, slots=True)
class ChargeResult:
    key: str
    project: ProjectView
    amount: Money
    allocations: tuple[Allocation, ...]
    due_other: Money
    memo: str | None
    at: datetime
    repeated: bool = False
    voided_by: str | None = None
    voided_at: datetime | None = None
    void_reason: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedVoucher:
    """`code` is shown once: a repeat of the request that issued it has only `last4`."""

    code: str | None
    last4: str
    amount: Money
    valid_until: date
    expires_at: datetime
    project_id: str | None
    issued_by: str = ""
    repeated: bool = False
    project_name: str | None = None  # what people call the project, in messages


@dataclass(frozen=True, slots=True)
class RedeemedVoucher:
    last4: str
    project: ProjectView
    amount: Money
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """A journal entry, or (kind "due", no id, no lot) the part of a charge that no credit
    covered: it is due by other payment means and moved nothing in the journal; once the
    charge is voided, a "void" line without id stands for that part's void.

    `memo` is what a person wrote (or words kept from before facts); `cause` and
    `provider_used` say why the provider's figures moved a mirrored lot."""

    id: int | None
    kind: str
    at: datetime
    amount: Money
    lot_source: LotSource | None
    actor: str
    memo: str | None
    charge_key: str | None
    cause: EntryCause | None = None
    provider_used: Money | None = None


@dataclass(frozen=True, slots=True)
class ExpiredLot:
    lot_id: int
    project_id: str
    source: LotSource
    kind: LotKind
    forfeited: Money
    expires_at: datetime


def sequence_number(year: int, seq: int) -> str:
    return f"PO-{year:04d}-{seq:06d}"
