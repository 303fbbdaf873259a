"""`creditbot export purchases|due` (the accountant's exports of a period) and
`creditbot due list|settle|void` (what is due by other means, and its settlement)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from bot.cli import accounting_text as text
from bot.cli.common import actor, reader, warn
from bot.cli.outcome import Document, Outcome, Refused
from bot.cli.serialise import instant, money
from bot.cli.table import Arg, Command
from bot.composition import build_provider
from bot.settings import Settings
from ledger.clock import parse_day
from ledger.errors import N_
from ledger.services import Ledger, accounting, projects, settlements
from ledger.services.settlements import DuePart, SettlementView


def _days(args: argparse.Namespace) -> tuple[Any, Any]:
    return parse_day(args.start), parse_day(args.end)


def _write(
    args: argparse.Namespace, settings: Settings, work: Any, what: str
) -> Document | Outcome:
    """Stream the export to stdout, or into --output (whole or not at all: written beside
    it, then moved in place). `--json` is `--format json`."""
    if args.json and args.format == "csv":
        raise Refused(N_("--json writes JSON, --format csv writes CSV: choose one"))
    form = args.format or ("json" if args.json else "csv")
    if not args.output:
        work(sys.stdout, form)
        return Document("", end="")
    partial = f"{args.output}.part"
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            totals = work(out, form)
        os.replace(partial, args.output)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    count = sum(sum(states.values()) for states in totals.counts.values())
    t = reader(settings)
    return Outcome({"output": args.output}, text.exported(what, count, args.output, t))


def export_purchases(
    args: argparse.Namespace, settings: Settings, ledger: Ledger
) -> Document | Outcome:
    start, end = _days(args)
    found = accounting.bills(ledger, build_provider(settings), start, end)
    for service in found.unread:
        warn(text.bills_unread(service, reader(settings)))
    return _write(
        args,
        settings,
        lambda out, form: accounting.export_purchases(ledger, start, end, out, form, found),
        "purchases",
    )


def export_due(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Document | Outcome:
    start, end = _days(args)
    return _write(
        args,
        settings,
        lambda out, form: accounting.export_due(ledger, start, end, out, form),
        "due",
    )


def _settlement(view: SettlementView | None, settings: Settings) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "settlement": view.ref,
        "part": view.part,
        "project": view.project_id,
        "amount": money(view.amount),
        "currency": view.amount.currency,
        "reference": view.reference,
        "by": view.actor,
        "at": instant(view.at, settings.timezone),
        "voids": None if view.voids_id is None else settlements.settlement_ref(view.voids_id),
        "reason": view.reason,
    }


def _part(part: DuePart, settings: Settings) -> dict[str, Any]:
    return {
        "part": part.ref,
        "charge_key": part.charge_key,
        "project": part.project_id,
        "at": instant(part.at, settings.timezone),
        "memo": part.memo,
        "amount": money(part.amount),
        "currency": part.amount.currency,
        "settled": _settlement(part.settlement, settings),
    }


def due_list(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    parts = settlements.due_parts(ledger, args.project, settled=args.all)
    name = projects.get_project(ledger, args.project).name if args.project else None
    said = text.due_parts(parts, reader(settings), name)
    return Outcome([_part(p, settings) for p in parts], said)


def due_settle(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    done = settlements.settle(
        ledger, actor(args, settings), args.parts, args.reference, request=args.request
    )
    return Outcome(
        [_settlement(view, settings) for view in done], text.settled(done, reader(settings))
    )


def due_void(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    view = settlements.void_settlement(ledger, actor(args, settings), args.settlement, args.reason)
    return Outcome(_settlement(view, settings), text.settlement_voided(view, reader(settings)))


PERIOD = (
    Arg("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="first local day"),
    Arg("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="last local day"),
    Arg("--format", choices=("csv", "json"), help="default: csv, json with --json"),
    Arg("--output", metavar="FILE", help="default: standard output"),
)

# The rows of these commands in the command table (`parser.COMMANDS`).
COMMANDS = (
    Command(
        ("export", "purchases"),
        "purchase orders decided in the period, with VAT, approvals and bills",
        export_purchases,
        PERIOD,
    ),
    Command(
        ("export", "due"),
        "parts of charges made in the period that were due by other means",
        export_due,
        PERIOD,
    ),
    Command(
        ("due", "list"),
        "parts of charges due by other means, not settled",
        due_list,
        (Arg("--project"), Arg("--all", flag=True, help="settled parts too")),
    ),
    Command(
        ("due", "settle"),
        "record that parts due by other means were paid",
        due_settle,
        (
            Arg("parts", metavar="PART", nargs="+", help="C-123, from `due list`"),
            Arg("--reference", required=True, help="what paid them, e.g. INV-2026-0042"),
            Arg("--request", help="idempotency key: the same request again records nothing"),
        ),
        as_user=True,
    ),
    Command(
        ("due", "void"),
        "void a mistaken settlement: the part is due again",
        due_void,
        (Arg("settlement", metavar="SETTLEMENT", help="S-12"), Arg("--reason", required=True)),
        as_user=True,
    ),
)
