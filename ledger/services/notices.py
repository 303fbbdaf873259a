"""Notices as the bot's jobs and surfaces know them: what is due, and the outbox that
delivers it. Each half has a module of its own; this one names them together."""

from ledger.services.due_notices import (
    DueWarning,
    claim_forfeitures,
    claim_warnings,
    due_warnings,
    threshold_bounds,
)
from ledger.services.locks import run_lock
from ledger.services.outbox import (
    STATUSES,
    STUCK_AFTER,
    DeliveryStatus,
    NoticeView,
    StuckNotice,
    begin,
    claim,
    claim_each,
    claimed,
    counts,
    delivery_status,
    forfeited_amount,
    pending,
    settle,
    waiting,
)

__all__ = [
    "STATUSES",
    "STUCK_AFTER",
    "DeliveryStatus",
    "DueWarning",
    "NoticeView",
    "StuckNotice",
    "begin",
    "claim",
    "claim_each",
    "claim_forfeitures",
    "claim_warnings",
    "claimed",
    "counts",
    "delivery_status",
    "due_warnings",
    "forfeited_amount",
    "pending",
    "run_lock",
    "settle",
    "threshold_bounds",
    "waiting",
]
