"""`creditbot project add|link|list`: projects and the channels that are theirs."""

from __future__ import annotations

import argparse

from bot.cli import serialise, text
from bot.cli.common import actor, reader
from bot.cli.outcome import Outcome
from bot.settings import Settings
from ledger.money import parse_rate
from ledger.services import Ledger, projects


def add(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    rate = parse_rate(args.vat) if args.vat is not None else None
    view = projects.add_project(
        ledger, actor(args, settings), args.id, args.name, args.currency, rate
    )
    return Outcome(serialise.project(view), text.project_added(view, reader(settings)))


def link(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    linked = projects.link_channel(ledger, actor(args, settings), args.id, args.channel)
    return Outcome(serialise.project(linked.project), text.channel_linked(linked, reader(settings)))


def list_all(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    views = projects.list_projects(ledger)
    return Outcome([serialise.project(v) for v in views], text.projects(views, reader(settings)))
