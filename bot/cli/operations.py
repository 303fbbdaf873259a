"""Keeping the books: `db upgrade`, `expire`, `verify`, `export`, `alerts run|status`."""

from __future__ import annotations

import argparse

from bot.cli import serialise, text
from bot.cli.common import names, reader
from bot.cli.outcome import JSON, Document, Mismatches, Outcome, Refused
from bot.settings import Settings
from ledger import migrate
from ledger.errors import N_
from ledger.services import Ledger, audit, expiry, notices


def db_upgrade(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    revisions = sorted(migrate.current_revisions(ledger.db.engine))
    return Outcome(
        {"revisions": revisions, "up_to_date": True}, text.schema_current(reader(settings))
    )


def expire(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    lots = expiry.expire_due(ledger)
    rows = [serialise.expired_lot(lot, settings.timezone) for lot in lots]
    t = reader(settings)
    return Outcome(rows, text.expired(lots, t, names(ledger) if lots else {}))


def verify(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome | Mismatches:
    problems = audit.verify(ledger)
    if problems:
        return Mismatches(tuple(problems))
    return Outcome({"ok": True, "problems": []}, text.verified(reader(settings)))


def export(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Document:
    if args.format == "csv":
        if args.json:
            raise Refused(N_("--json writes JSON, --format csv writes CSV: choose one"))
        return Document(audit.export_csv(ledger), end="")
    return Document(audit.export_json(ledger))


def alerts_run(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    if not args.dry_run and not settings.slack_bot_token:
        raise Refused(N_("posting needs SLACK_BOT_TOKEN"), N_("or use --dry-run"))
    from bot.composition import build_alerts

    report = build_alerts(settings, ledger).run(dry_run=args.dry_run)
    t = reader(settings)
    if not args.dry_run:
        return Outcome(serialise.alerts_report(report), report.summary(t))
    planned = [(channel, message.text) for channel, message in report.planned]
    drafts = [
        (state.project, state.outlook.draft.amount)
        for state in report.would_draft
        if state.outlook.draft is not None
    ]
    data: JSON = {
        "dry_run": True,
        "would_expire": report.expired,
        "would_expire_orders": report.orders_expired,
        "would_draft": [
            {"project": project.id, "amount": serialise.money(amount), "currency": amount.currency}
            for project, amount in drafts
        ],
        "finance_channel": settings.finance_channel,  # null: finance's messages go nowhere
        "would_post": [{"channel": channel, "text": said} for channel, said in planned],
    }
    said = text.would_post(
        report.expired,
        planned,
        t,
        report.orders_expired,
        drafts=[(project.name, amount) for project, amount in drafts],
        finance=bool(settings.finance_channel),
    )
    return Outcome(data, said)


def alerts_status(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    status = notices.delivery_status(ledger)
    data = serialise.delivery_status(status, settings.timezone)
    return Outcome(data, text.delivery(status, reader(settings)))
