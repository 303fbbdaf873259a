"""Every command of `creditbot` in one table, and the argparse parser built from it.

A row names the command (its words after `creditbot`), its help, its arguments and the
handler that runs it. Groups (`project`, `po`…) appear in `--help` in the order of their
first row.
"""

from __future__ import annotations

import argparse
import os
from typing import Any, NoReturn

from bot.cli import (
    accounting,
    autopilot,
    billing,
    budgets,
    operations,
    ovh,
    projects,
    purchases,
    reading,
    runtime,
    text,
    vouchers,
)
from bot.cli.table import Arg, Command, Running
from bot.i18n import at_terminal
from ledger.domain import POStatus

MAX_LIMIT = 100_000  # more lines than anyone reads, well inside a 64-bit LIMIT


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to {MAX_LIMIT}")
    return value


# A group's help and the name its chosen subcommand is kept under.
GROUPS: dict[str, tuple[str, str]] = {
    "db": ("database schema", "db_command"),
    "project": ("projects and their channels", "sub"),
    "ovh": ("OVHcloud", "sub"),
    "po": ("purchase orders", "sub"),
    "voucher": ("voucher codes", "sub"),
    "alerts": ("the scheduled jobs, on demand", "sub"),
    "budget": ("purchase budgets per calendar period", "sub"),
    "export": ("the accountant's exports of a period", "sub"),
    "due": ("what is due by other means, and its settlement", "sub"),
    "autopilot": ("purchase orders drafted from the forecast", "sub"),
}

PROJECT = Arg("--project", required=True)
REASON = Arg("--reason", required=True, help="told to the requester")

COMMANDS: tuple[Command | Running, ...] = (
    Command(("db", "upgrade"), "apply every pending migration", operations.db_upgrade),
    Command(
        ("project", "add"),
        "register a project",
        projects.add,
        (
            Arg("id"),
            Arg("--name", required=True),
            Arg("--currency", default="EUR"),
            Arg("--vat", help="VAT rate in percent (default: DEFAULT_VAT_RATE)"),
        ),
        as_user=True,
    ),
    Command(
        ("project", "link"),
        "make the project a channel's own",
        projects.link,
        (Arg("id"), Arg("--channel", required=True)),
        as_user=True,
    ),
    Command(("project", "list"), "known projects and their channels", projects.list_all),
    Command(
        ("project", "link-ovh"),
        "tie a project to an OVHcloud project",
        ovh.link,
        (
            Arg("id"),
            Arg("service", metavar="SERVICE_NAME", help="the OVHcloud Public Cloud project id"),
        ),
        as_user=True,
    ),
    Command(
        ("project", "unlink-ovh"), "undo the OVHcloud link", ovh.unlink, (Arg("id"),), as_user=True
    ),
    Command(
        ("ovh", "sync"),
        "bring OVHcloud's credits and consumption in",
        ovh.sync,
        (Arg("--project"),),
    ),
    Command(
        ("ovh", "reconcile"),
        "purchase orders against OVHcloud's orders, bills and credits",
        ovh.reconciliation,
    ),
    Command(
        ("buy",),
        "request a purchase order",
        purchases.buy,
        (Arg("amount"), PROJECT),
        as_user=True,
    ),
    *(
        Command(
            ("po", decision),
            f"{decision} a pending purchase order",
            purchases.decide,
            (Arg("number"), REASON) if decision == "reject" else (Arg("number"),),
            as_user=True,
            defaults={"decision": decision},
        )
        for decision in ("approve", "reject", "cancel")
    ),
    Command(
        ("po", "reorder"),
        "order again at OVHcloud a purchase order whose order was cancelled",
        ovh.po_reorder,
        (Arg("number"),),
        as_user=True,
    ),
    Command(
        ("po", "close"),
        "close a purchase order OVHcloud will not deliver (no credit)",
        ovh.po_close,
        (Arg("number"), Arg("--reason", help="kept on the purchase order")),
        as_user=True,
    ),
    Command(
        ("po", "show"), "one purchase order, with its approvals", purchases.show, (Arg("number"),)
    ),
    Command(
        ("po", "list"),
        "purchase orders, oldest first",
        purchases.list_all,
        (Arg("--status", choices=tuple(s.value for s in POStatus)),),
    ),
    Command(
        ("budget", "set"),
        "set (or replace) a project's purchase budget",
        budgets.set_budget,
        (
            PROJECT,
            Arg("--amount", required=True, help="excl. tax, whole units, at most PO_MAX_AMOUNT"),
            Arg(
                "--period",
                required=True,
                metavar="monthly|quarterly|yearly",
                help="a calendar period (also mensuel, trimestriel, annuel)",
            ),
        ),
        as_user=True,
    ),
    Command(
        ("budget", "show"),
        "purchase budgets and their use in the current period",
        budgets.show,
        (Arg("--project", help="default: every budget"),),
    ),
    Command(
        ("budget", "clear"),
        "remove a project's purchase budget",
        budgets.clear,
        (PROJECT,),
        as_user=True,
    ),
    Command(
        ("voucher", "issue"),
        "create a voucher code (shown once)",
        vouchers.issue,
        (
            Arg("amount"),
            Arg("--until", help="last day of validity, YYYY-MM-DD (default: one year)"),
            Arg("--currency", help="default: the project's, or EUR"),
            Arg("--project"),
            Arg("--code", help="import an existing provider code instead of generating one"),
        ),
        as_user=True,
    ),
    Command(
        ("voucher", "redeem"),
        "activate a voucher on a project",
        vouchers.redeem,
        (Arg("code"), PROJECT),
        as_user=True,
    ),
    Command(
        ("charge",),
        "bill a project",
        billing.charge,
        (
            Arg("amount"),
            PROJECT,
            Arg("--key", help="idempotency key (default: a new random one)"),
            Arg("--memo"),
        ),
        as_user=True,
    ),
    Command(
        ("void",),
        "void a mistaken charge: its debits are given back",
        billing.void,
        (Arg("key", help="the charge's key"), Arg("--reason", required=True)),
        as_user=True,
    ),
    Command(
        ("balance",),
        "what a project can spend",
        reading.balance,
        (
            PROJECT,
            Arg(
                "--at",
                help="an ISO 8601 instant with offset, or a day: the end of that day (YYYY-MM-DD)",
            ),
        ),
    ),
    Command(
        ("history",),
        "latest ledger entries",
        reading.history,
        (PROJECT, Arg("--limit", type=_limit)),
    ),
    Command(
        ("forecast",),
        "when credit runs out, and what to buy by when",
        reading.forecast,
        (PROJECT,),
    ),
    Command(
        ("chart",),
        "draw the credit chart as a PNG",
        reading.chart,
        (PROJECT, Arg("--out", required=True, metavar="FILE.png")),
    ),
    Command(("expire",), "forfeit what is left of due lots", operations.expire),
    Command(("verify",), "re-derive every balance from the journal", operations.verify),
    Command(
        ("export",),
        "dump the ledger, or the accountant's exports (purchases, due)",
        operations.export,
        (Arg("--format", choices=("json", "csv"), default="json"),),
    ),
    *accounting.COMMANDS,
    Command(
        ("alerts", "run"),
        "run the scheduled jobs once, now",
        operations.alerts_run,
        (Arg("--dry-run", flag=True, help="print what would be posted, change nothing"),),
    ),
    Command(
        ("alerts", "status"),
        "notices by delivery state; those stuck sending",
        operations.alerts_status,
    ),
    *autopilot.COMMANDS,
    Running(
        ("run",),
        "connect to Slack, or start the local console without credentials",
        runtime.cmd_run,
        (Arg("--port", type=int, default=int(os.environ.get("PORT", "3000"))),),
    ),
    Running(
        ("serve",),
        "serve /slack/events over HTTP, under gunicorn",
        runtime.cmd_serve,
        (
            Arg(
                "--config",
                metavar="FILE",
                help="a gunicorn config file, e.g. deploy/gunicorn.conf.py",
            ),
            Arg("--bind", metavar="HOST:PORT", help="where to listen (gunicorn's bind)"),
            Arg("--host", help="with --port, instead of --bind"),
            Arg("--port", type=int, help="default: $PORT, or 3000"),
            Arg("--workers", type=int, help="processes sharing the port: one per core"),
            Arg("--threads", type=int, help="threads per worker process"),
            Arg("--timeout", type=int, help="seconds before a silent worker is replaced"),
            Arg("--max-requests", type=int, help="requests before a worker is replaced"),
            Arg("--max-requests-jitter", type=int, help="random extra to --max-requests"),
        ),
    ),
    Running(
        ("scheduler",),
        "run only the scheduled jobs (warnings, expiry, reminders, autopilot)",
        runtime.cmd_scheduler,
    ),
    Running(
        ("console",),
        "try every command and button in a terminal, no Slack needed",
        runtime.cmd_console,
        (
            Arg("--as", dest="as_user", default=runtime.CONSOLE_USER, metavar="USER_ID"),
            Arg("--channel", default=runtime.CONSOLE_CHANNEL),
        ),
    ),
)


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error reported like every other error: one line, exit 1."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, text.usage_error(message, self.prog, at_terminal()) + "\n")


def build() -> argparse.ArgumentParser:
    parser = _Parser(prog="creditbot", description="Cloud credit, purchase orders and vouchers.")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    top = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    groups: dict[str, Any] = {}
    alone: dict[str, argparse.ArgumentParser] = {}
    for row in COMMANDS:
        *group, name = row.words
        sub = top
        if group:
            (word,) = group
            if word not in groups:
                help, dest = GROUPS[word]
                if word in alone:  # a command of its own too (`export`): its words are optional
                    groups[word] = alone[word].add_subparsers(dest=dest, metavar="WHAT")
                else:
                    groups[word] = top.add_parser(word, help=help).add_subparsers(
                        dest=dest, required=True
                    )
            sub = groups[word]
        added = _add(sub, row, name)
        if not group:
            alone[name] = added
    return parser


def _add(sub: Any, row: Command | Running, name: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(name, help=row.help)
    if isinstance(row, Running):
        p.set_defaults(handler=row.runs, runtime=True)
    else:
        p.set_defaults(handler=row.handler, offline=row.offline, **row.defaults)
        # Also after the command; SUPPRESS keeps a --json given before it.
        p.add_argument(
            "--json", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
        if row.as_user:
            p.add_argument(
                "--as", dest="as_user", required=True, metavar="USER_ID", help="who acts"
            )
    for arg in row.args:
        _argument(p, arg)
    return p


def _argument(p: argparse.ArgumentParser, arg: Arg) -> None:
    options: dict[str, Any] = {}
    if arg.flag:
        options["action"] = "store_true"
    if arg.required:
        options["required"] = True
    for option in ("default", "choices", "metavar", "dest", "type", "nargs"):
        value = getattr(arg, option)
        if value is not None:
            options[option] = list(value) if option == "choices" else value
    if arg.help is not None:
        options["help"] = arg.help
    p.add_argument(arg.name, **options)
