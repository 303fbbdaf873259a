"""`creditbot autopilot backtest`: a usage file replayed on a fresh in-memory ledger for the
autopilot and three usual purchasing policies. It reads no configured database."""

from __future__ import annotations

import argparse
from typing import Any

from bot import backtest_words
from bot.cli import serialise, text
from bot.cli.common import reader
from bot.cli.outcome import Outcome
from bot.settings import Settings
from ledger.backtest import PolicyReport, Usage, read_usage
from ledger.errors import N_, InvalidInput
from ledger.money import Money, normalise_currency
from ledger.services.backtest import ReplayRules, backtest

MAX_FILE_BYTES = 1_000_000  # five years of daily lines take about 40 kB


def days_between(low: int, high: int) -> Any:
    """An argparse type: a whole number of days from `low` to `high`."""

    def parse(given: str) -> int:
        try:
            value = int(given)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{given!r} is not a whole number of days from {low} to {high}"
            )
        return value

    return parse


def _lines(path: str) -> list[str]:
    try:
        with open(path, "rb") as source:
            body = source.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InvalidInput(
            N_("cannot read {file}: {reason}"), file=path, reason=str(exc.strerror)
        ) from None
    if len(body) > MAX_FILE_BYTES:
        raise InvalidInput(
            N_("{file} is larger than {size} bytes: it cannot be a daily usage file"),
            file=path,
            size=MAX_FILE_BYTES,
        )
    lines = []
    for number, raw in enumerate(body.splitlines(), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise InvalidInput(N_("usage file, line {line}: not UTF-8 text"), line=number) from None
    return lines


def run_backtest(args: argparse.Namespace, settings: Settings) -> Outcome:
    currency = normalise_currency(args.currency)
    usage = read_usage(_lines(args.usage), currency, settings.charge_max_amount)
    rules = ReplayRules(
        cover_days=args.cover_days,
        lead_days=args.lead_days,
        approval_days=args.approval_days,
        max_amount=settings.po_max_amount,
        largest_charge=settings.charge_max_amount,
        window_days=settings.forecast_window_days,
        rise_days=settings.forecast_rise_days if args.rise_days is None else args.rise_days,
    )
    reports = backtest(usage, settings.timezone, rules)
    t = reader(settings)
    said = backtest_words.table(reports, usage, rules, t)
    if args.chart:
        from bot import backtest_chart

        png = backtest_chart.render(reports, t)
        with open(args.chart, "wb") as out:
            out.write(png)
        said += "\n" + text.chart_written(args.chart, len(png), t)
    return Outcome(as_data(reports, usage, rules, args.chart), said)


def as_data(
    reports: list[PolicyReport], usage: Usage, rules: ReplayRules, chart: str | None
) -> dict[str, Any]:
    """`--json`: amounts as decimal strings in the currency's units, shares in percent."""

    def money(minor: int) -> str:
        return serialise.money(Money(minor, usage.currency))

    return {
        "usage": {
            "currency": usage.currency,
            "first": usage.first.isoformat(),
            "last": usage.last.isoformat(),
            "days": len(usage.amounts),
            "total": money(usage.total),
        },
        "rules": {
            "cover_days": rules.cover_days,
            "lead_days": rules.lead_days,
            "approval_days": rules.approval_days,
            "window_days": rules.window_days,
            "rise_days": rules.rise_days,
            "max_amount": rules.max_amount,
        },
        "policies": [
            {
                "policy": report.policy,
                "bought": money(report.bought),
                "orders": report.orders,
                "consumed": money(report.consumed),
                "paid_by_credit": money(report.paid_by_credit),
                "due_other": money(report.due_other),
                "expired": money(report.expired),
                "remaining": money(report.remaining),
                "expired_pct": str(report.expired_pct),
                "due_pct": str(report.due_pct),
                "days_short": report.days_short,
            }
            for report in reports
        ],
        "chart": chart,
    }
