"""OVHcloud from the command line: `project link-ovh|unlink-ovh`, `ovh sync|reconcile`,
and finance's answers to what OVHcloud did with an order, `po reorder|close`. Same
services as Slack."""

from __future__ import annotations

import argparse

from bot.cli import ovh_text, serialise, text
from bot.cli.common import actor, names, provider, reader
from bot.cli.outcome import Failure, Outcome
from bot.settings import Settings
from ledger.services import Ledger, linked, ordering, projects
from ledger.services.reconcile import project_names, reconcile
from ledger.services.reordering import close_order, reorder


def link(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    report = linked.link_project(
        ledger, provider(settings), actor(args, settings), args.id, args.service
    )
    said = ovh_text.linked_to_ovh(report, reader(settings), names(ledger))
    return Outcome(serialise.sync_report(report), said)


def unlink(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    service = linked.unlink_project(ledger, actor(args, settings), args.id)
    project = projects.get_project(ledger, args.id).name
    said = ovh_text.unlinked_from_ovh(project, service, reader(settings))
    return Outcome({"project": args.id, "service": service}, said)


def sync(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    """Failure (exit 1) when a project could not be synced; the report is printed all the same."""
    ovh = provider(settings)
    earlier: list[linked.SyncReport] = []
    if args.project is None:
        ordering.resume_orders(ledger, ovh, pay=settings.ovh_auto_pay)
        followed = ordering.follow_orders(ledger, ovh)
        earlier = [f.synced for f in followed if f.synced is not None]
    reports = linked.merged(earlier, linked.sync_all(ledger, ovh, args.project))
    rows = [serialise.sync_report(r) for r in reports]
    said = ovh_text.synced(reports, reader(settings), names(ledger))
    if any(r.error for r in reports):
        return Failure(rows, said)
    return Outcome(rows, said)


def po_reorder(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    view = reorder(
        ledger,
        provider(settings),
        actor(args, settings),
        args.number,
        pay=settings.ovh_auto_pay,
    )
    said = text.reordered(view, view.repeated, reader(settings))
    return Outcome(serialise.purchase_order(view, settings.timezone), said)


def po_close(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    view = close_order(ledger, actor(args, settings), args.number, args.reason)
    data = serialise.purchase_order(view, settings.timezone)
    return Outcome(data, text.purchase_order(view, reader(settings)))


def reconciliation(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    from bot.slack.blocks import ovh_reconcile

    found = reconcile(ledger, provider(settings))
    said = "\n".join(ovh_reconcile.lines(found, project_names(ledger), reader(settings)))
    return Outcome(serialise.reconciliation(found), said)
