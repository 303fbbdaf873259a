"""Ledger values as JSON-ready dicts: amounts as decimal strings, instants ISO 8601 with offset."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.i18n import translator
from ledger.domain import (
    Balance,
    ChargeResult,
    ExpiredLot,
    HistoryLine,
    IssuedVoucher,
    ProjectView,
    ProviderOrderView,
    PurchaseOrderView,
    RedeemedVoucher,
)
from ledger.facts import LotSource
from ledger.money import Money, rate_text
from ledger.periods import BudgetView
from ledger.services.autopilot import AutopilotState
from ledger.services.forecasting import Forecast
from ledger.services.notices import DeliveryStatus
from ledger.services.reconcile import Reconciliation, StrayOrder

if TYPE_CHECKING:
    from bot.jobs.alerts import Report
from ledger.services.linked import SyncReport

# --json speaks one language whatever the terminal: what the ledger recorded, in English.
ENGLISH = translator("en_GB", ZoneInfo("UTC"), mentions=False)


def money(value: Money) -> str:
    return str(value.amount)


def instant(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


def project(view: ProjectView) -> dict[str, Any]:
    return {
        "id": view.id,
        "name": view.name,
        "currency": view.currency,
        "vat_rate": rate_text(view.vat_rate_bp),
        "channels": list(view.channels),
    }


def source_fields(source: LotSource | None) -> dict[str, Any]:
    """Where a lot came from: `source` as it always read (the order's number, `voucher
    …LAST4`, `OVHcloud credit ID`; empty for no lot), then each fact on its own."""
    return {
        "source": source.reference if source else "",
        "origin": source.origin.value if source else None,
        "po_number": source.po_number if source else None,
        "voucher_last4": source.voucher_last4 if source else None,
        "provider_credit_id": source.provider_credit_id if source else None,
    }


def balance(view: Balance, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "project": view.project.id,
        "currency": view.project.currency,
        "at": instant(view.at, tz),
        "available": money(view.available),
        "vouchers": money(view.vouchers),
        "credit": money(view.credit),
        "lots": [
            {
                "kind": lot.kind.value,
                **source_fields(lot.source),
                "initial": money(lot.initial),
                "remaining": money(lot.remaining),
                "expires_at": instant(lot.expires_at, tz),
            }
            for lot in view.lots
        ],
    }


def purchase_order(view: PurchaseOrderView, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "po": view.number,
        "project": view.project.id,
        "status": view.status.value,
        "requested_by": view.requested_by,
        "amount_excl_tax": money(view.amount_excl_tax),
        "vat_rate": rate_text(view.vat_rate_bp),
        "vat": money(view.vat),
        "amount_incl_tax": money(view.amount_incl_tax),
        "currency": view.amount_excl_tax.currency,
        "created_at": instant(view.created_at, tz),
        "decided_by": view.decided_by,
        "decided_at": instant(view.decided_at, tz),
        "reason": view.reason,
        "approvals": [{"by": a.by, "at": instant(a.at, tz)} for a in view.approvals],
        "approvals_needed": view.approvals_needed,
        "approvals_asked": view.approvals_asked,
        "over_budget": money(view.over_budget) if view.over_budget is not None else None,
        "credit_expires_at": instant(view.credit_expires_at, tz),
        "ovh": provider_order(view.provider),
        "drafted": {
            "runs_out_on": day(view.drafted.runs_out_on),
            "cover_days": view.drafted.cover_days,
            "covers_through": day(view.drafted.covers_through),
            "days_covered": view.drafted.days_covered,
            "bounded_by": view.drafted.bounded_by,
        }
        if view.drafted
        else None,
    }


def provider_order(view: ProviderOrderView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "state": view.state,
        "order_id": view.order_id,
        "url": view.url,
        "price_excl_tax": money(view.excl_tax) if view.excl_tax else None,
        "tax": money(view.tax) if view.tax else None,
        "price_incl_tax": money(view.incl_tax) if view.incl_tax else None,
        "error": ENGLISH.recorded(view.error),
        "paid_with": view.paid_with,
        "status": view.status,
        "ordered_at": view.ordered_at.isoformat() if view.ordered_at else None,
        "replaced_orders": list(view.replaced),
        "closed_by": view.closed_by,
        "closed_at": view.closed_at.isoformat() if view.closed_at else None,
        "close_reason": view.close_reason,
    }


def sync_report(report: SyncReport) -> dict[str, Any]:
    return {
        "project": report.project,
        "service": report.service,
        "credits": report.credits,
        "entries_posted": report.entries_posted,
        "available": money(report.available),
        "currency": report.available.currency,
        "disappeared": list(report.disappeared),
        "delivered": list(report.delivered),
        "error": report.error.message if report.error else None,
    }


def charge(view: ChargeResult, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "key": view.key,
        "project": view.project.id,
        "amount": money(view.amount),
        "currency": view.amount.currency,
        "allocations": [
            {"kind": a.kind.value, **source_fields(a.source), "amount": money(a.amount)}
            for a in view.allocations
        ],
        "due_other": money(view.due_other),
        "memo": view.memo,
        "at": instant(view.at, tz),
        "repeated": view.repeated,
        "voided_by": view.voided_by,
        "voided_at": instant(view.voided_at, tz),
        "void_reason": view.void_reason,
    }


def issued_voucher(view: IssuedVoucher, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "code": view.code,
        "last4": view.last4,
        "amount": money(view.amount),
        "currency": view.amount.currency,
        "valid_until": view.valid_until.isoformat(),
        "expires_at": instant(view.expires_at, tz),
        "project": view.project_id,
    }


def redeemed_voucher(view: RedeemedVoucher, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "voucher": view.last4,
        "project": view.project.id,
        "amount": money(view.amount),
        "currency": view.amount.currency,
        "expires_at": instant(view.expires_at, tz),
    }


def history_line(line: HistoryLine, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "id": line.id,
        "kind": line.kind,
        "at": instant(line.at, tz),
        "amount": money(line.amount),
        "currency": line.amount.currency,
        **source_fields(line.lot_source),
        "actor": line.actor,
        "memo": line.memo,
        "charge_key": line.charge_key,
        "cause": line.cause.value if line.cause else None,
        "provider_used": money(line.provider_used) if line.provider_used else None,
    }


def expired_lot(lot: ExpiredLot, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "project": lot.project_id,
        "kind": lot.kind.value,
        **source_fields(lot.source),
        "forfeited": money(lot.forfeited),
        "currency": lot.forfeited.currency,
        "expired_at": instant(lot.expires_at, tz),
    }


def alerts_report(report: Report) -> dict[str, Any]:
    return {
        "ran": report.ran,
        "expired": report.expired,
        "orders_expired": report.orders_expired,
        "claimed": report.claimed,
        "posted": report.posted,
        "retry_later": report.retry_later,
        "undeliverable": report.undeliverable,
        "drafted": report.drafted,
    }


def delivery_status(status: DeliveryStatus, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "counts": dict(status.counts),
        "stuck": [
            {
                "id": n.id,
                "key": n.key,
                "kind": n.kind,
                "channel": n.channel,
                "project": n.project_id,
                "since": instant(n.since, tz),
                "attempts": n.attempts,
            }
            for n in status.stuck
        ],
    }


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def forecast(view: Forecast) -> dict[str, Any]:
    projection = view.projection
    advice = projection.advice
    return {
        "project": view.project.id,
        "currency": view.project.currency,
        "available": money(view.available),
        "daily_burn": money(projection.daily_burn),
        "basis": view.basis,
        "runs_out_on": day(projection.runs_out_on),
        "expiring_unused": [
            {
                "kind": lot.kind.value,
                **source_fields(lot.source),
                "amount": money(lot.amount),
                "expires_on": day(lot.expires_on),
            }
            for lot in projection.expiring_unused
        ],
        "advice": {
            "buy_by": day(advice.buy_by),
            "buy_at_least": money(advice.buy_at_least),
            "useful_at_most": money(advice.useful_at_most),
        },
        "open_orders": [  # not counted above
            {"po": o.number, "amount": money(o.amount), "status": o.status.value}
            for o in view.open_orders
        ],
    }


def autopilot_state(state: AutopilotState, tz: ZoneInfo) -> dict[str, Any]:
    seen = state.outlook
    drafted = state.last_draft
    return {
        "project": state.project.id,
        "enabled": state.enabled,
        "cover_days": state.cover_days,
        "monthly_cap": _maybe_money(state.monthly_cap),
        "cap_used_this_month": money(state.cap_used),
        "currency": state.project.currency,
        "changed_by": state.changed_by,
        "changed_at": instant(state.changed_at, tz),
        "open_order": state.open_order,
        "last_draft": {
            "po": drafted.number,
            "day": day(drafted.day),
            "amount": money(drafted.amount),
            "runs_out_on": day(drafted.runs_out_on),
            "cover_days": drafted.cover_days,
            "covers_through": day(drafted.covers_through),
            "bounded_by": drafted.bounded_by,
            "status": drafted.status.value,
            "decided_at": instant(drafted.decided_at, tz),
        }
        if drafted
        else None,
        "next": {
            "due_now": seen.draft is not None,
            "amount": money(seen.draft.amount) if seen.draft else None,
            "covers_through": day(seen.draft.covers_through) if seen.draft else None,
            "days_covered": seen.draft.days_covered if seen.draft else None,
            "bounded_by": seen.draft.bounded_by if seen.draft else None,
            "reason": seen.reason.value if seen.reason else None,
            "expected_on": day(seen.expected_on),
            "order": seen.order,
            "since": instant(seen.since, tz),
        },
    }


def _maybe_money(value: Money | None) -> str | None:
    return money(value) if value is not None else None


def _stray(stray: StrayOrder) -> dict[str, Any]:
    return {
        "order_id": stray.order_id,
        "placed_at": stray.placed_at.isoformat() if stray.placed_at else None,
        "price_excl_tax": money(stray.excl_tax),
        "currency": stray.excl_tax.currency,
        "services": list(stray.services),
        "duplicate_of": stray.duplicate_of,
    }


def reconciliation(found: Reconciliation) -> dict[str, Any]:
    return {
        "orders": [
            {
                "po": row.number,
                "project": row.project_id,
                "order_id": row.order_id,
                "state": row.state,
                "status": row.status,
                "paid": row.paid,
                "bill": row.bill,
                "credit_id": row.credit_id,
                "delivered": _maybe_money(row.delivered),
                "amount_excl_tax": money(row.amount_excl_tax),
                "price_excl_tax": _maybe_money(row.provider_excl_tax),
                "price_incl_tax": _maybe_money(row.provider_incl_tax),
                "currency": row.amount_excl_tax.currency,
            }
            for row in found.orders
        ],
        "orphans": [_stray(s) for s in found.orphans],
        "duplicates": [_stray(s) for s in found.duplicates],
        "gone": [
            {
                "project": g.project_id,
                "credit_id": g.credit_id,
                "gone_at": g.gone_at.isoformat(),
                "removed": money(g.removed),
                "currency": g.removed.currency,
            }
            for g in found.gone
        ],
    }


def budget(view: BudgetView | None, tz: ZoneInfo) -> dict[str, Any] | None:
    """A project's budget and its use in the current period (None: it has none)."""
    if view is None:
        return None
    return {
        "project": view.project.id,
        "period": view.period.value,
        "currency": view.amount.currency,
        "budget": money(view.amount),
        "starts_on": day(view.starts_on),
        "ends_on": day(view.ends_on),
        "use": money(view.use),
        "left": money(view.left),
        "over": money(view.over),
        "percent": view.percent,
        "set_by": view.set_by,
        "set_at": instant(view.set_at, tz),
    }
