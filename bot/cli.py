"""`creditbot`: the operator command line. Same services, same rules as Slack.

Only what every command needs is imported here; the Slack runtime, the scheduler and
the alerts are imported by the commands that use them, so a read starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from bot import cli_runtime, serialise
from bot.composition import build_ledger, build_provider, roles_from_ids
from bot.settings import Settings, slack_user_id
from ledger import migrate
from ledger.amounts import parse_amount
from ledger.clock import parse_day, parse_instant
from ledger.domain import IssuedVoucher, POStatus
from ledger.errors import InvalidInput, LedgerError, WrongCurrency
from ledger.money import normalise_currency, parse_rate
from ledger.provider import CreditProvider
from ledger.services import (
    Ledger,
    audit,
    billing,
    expiry,
    forecasting,
    linked,
    notices,
    ordering,
    projects,
    purchases,
    reading,
    vouchers,
)
from ledger.text import storable

Handler = Callable[[argparse.Namespace, Settings, Ledger], Any]


class Output:
    """Prints a value as JSON or as the text a person reads."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def show(self, data: Any, text: str) -> None:
        print(json.dumps(data, indent=2, ensure_ascii=False) if self.as_json else text)


def _actor(args: argparse.Namespace, settings: Settings) -> Any:
    try:
        user = slack_user_id(args.as_user)
    except ValueError as exc:
        raise InvalidInput(f"--as {exc}") from None
    return roles_from_ids(settings, user)


def _project_currency(ledger: Ledger, ref: str) -> str:
    return projects.get_project(ledger, ref).currency


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    revisions = sorted(migrate.current_revisions(ledger.db.engine))
    return {"revisions": revisions, "up_to_date": True}, "database schema is up to date"


def cmd_project_add(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    rate = parse_rate(args.vat) if args.vat is not None else None
    view = projects.add_project(
        ledger, _actor(args, settings), args.id, args.name, args.currency, rate
    )
    return serialise.project(view), f"project {view.id} ({view.name}) added, {view.currency}"


def cmd_project_link(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    view = projects.link_channel(ledger, _actor(args, settings), args.id, args.channel)
    return serialise.project(view), f"{args.channel.upper()} now belongs to project {view.id}"


def _provider(settings: Settings) -> CreditProvider:
    provider = build_provider(settings)
    if provider is None:
        raise InvalidInput("OVHcloud is not configured", hint="set OVH_ENDPOINT and its keys")
    return provider


def _sync_text(data: dict[str, Any]) -> str:
    line = (
        f"{data['project']} ← {data['service']}: {data['credits']} credits,"
        f" {data['entries_posted']} entries posted, {data['available']} {data['currency']} available"
    )
    if data["error"]:
        line += f" — failed: {data['error']}"
    if data["disappeared"]:
        line += f" — gone at OVHcloud: {', '.join(data['disappeared'])}"
    return line


def cmd_project_link_ovh(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    report = linked.link_project(
        ledger, _provider(settings), _actor(args, settings), args.id, args.service
    )
    data = serialise.sync_report(report)
    return data, f"project {report.project} linked to OVHcloud {report.service}\n" + _sync_text(
        data
    )


def cmd_project_unlink_ovh(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    service = linked.unlink_project(ledger, _actor(args, settings), args.id)
    return (
        {"project": args.id, "service": service},
        f"project {args.id} unlinked from OVHcloud {service}; its history stays",
    )


def cmd_ovh_sync(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    provider = _provider(settings)
    earlier: list[linked.SyncReport] = []
    if args.project is None:
        ordering.resume_orders(ledger, provider, pay=settings.ovh_auto_pay)
        followed = ordering.follow_orders(ledger, provider)
        earlier = [f.synced for f in followed if f.synced is not None]
    reports = linked.merged(earlier, linked.sync_all(ledger, provider, args.project))
    rows = [serialise.sync_report(r) for r in reports]
    failed = [r for r in rows if r["error"]]
    text = "\n".join(_sync_text(r) for r in rows) or "no project is linked to OVHcloud"
    if failed:
        raise SyncFailed(rows, text)
    return rows, text


def cmd_project_list(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    views = projects.list_projects(ledger)
    text = (
        "\n".join(f"{v.id}\t{v.name}\t{v.currency}\t{' '.join(v.channels) or '-'}" for v in views)
        or "no projects yet"
    )
    return [serialise.project(v) for v in views], text


def _po_text(data: dict[str, Any]) -> str:
    line = (
        f"{data['po']} [{data['status']}] {data['project']}: {data['amount_excl_tax']} excl. tax"
        f" + VAT {data['vat_rate']} % {data['vat']} = {data['amount_incl_tax']} {data['currency']}"
    )
    if data["decided_by"]:
        line += f" — {data['status']} by {data['decided_by']} at {data['decided_at']}"
    if data["reason"]:
        line += f" ({data['reason']})"
    return line


def cmd_buy(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    amount = parse_amount(args.amount, _project_currency(ledger, args.project))
    view = purchases.request_purchase(ledger, _actor(args, settings), args.project, amount)
    data = serialise.purchase_order(view, settings.timezone)
    return data, _po_text(data)


def cmd_po_decide(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    actor = _actor(args, settings)
    if args.decision == "approve":
        view = ordering.approve_and_order(
            ledger, build_provider(settings), actor, args.number, pay=settings.ovh_auto_pay
        )
    elif args.decision == "reject":
        view = purchases.reject_purchase(ledger, actor, args.number, args.reason)
    else:
        view = purchases.cancel_purchase(ledger, actor, args.number)
    data = serialise.purchase_order(view, settings.timezone)
    return data, _po_text(data)


def cmd_po_list(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    status = POStatus(args.status) if args.status else None
    rows = [
        serialise.purchase_order(v, settings.timezone)
        for v in purchases.list_purchase_orders(ledger, status)
    ]
    return rows, "\n".join(_po_text(r) for r in rows) or "no purchase orders"


def cmd_voucher_issue(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    asked = normalise_currency(args.currency) if args.currency else None
    currency = _project_currency(ledger, args.project) if args.project else asked or "EUR"
    if asked is not None and asked != currency:
        raise WrongCurrency(
            f"this project counts in {currency}, not {asked}",
            hint=f"leave out --currency, or give {currency}",
        )
    view = vouchers.issue_voucher(
        ledger,
        _actor(args, settings),
        parse_amount(args.amount, currency),
        parse_day(args.until) if args.until else None,
        args.project,
        args.code,
    )
    data = serialise.issued_voucher(view, settings.timezone)
    _announce_voucher(settings, view)
    return (
        data,
        f"voucher {view.code}: {data['amount']} {data['currency']}, valid until {data['valid_until']}",
    )


def _announce_voucher(settings: Settings, view: IssuedVoucher) -> None:
    """Finance hears of every voucher, issued here as in Slack (never its code)."""
    if not (settings.slack_bot_token and settings.finance_channel):
        print(
            "warning: voucher not announced to finance (set SLACK_BOT_TOKEN and FINANCE_CHANNEL)",
            file=sys.stderr,
        )
        return
    # Slack's client is loaded only when a voucher is issued.
    from bot.slack.app import build_client
    from bot.slack.formatting import Formatter
    from bot.slack.notify import tell_finance_of_voucher

    fmt = Formatter(settings.timezone, settings.creditbot_locale)
    try:
        told = tell_finance_of_voucher(build_client(settings), settings.finance_channel, view, fmt)
    except OSError:  # Slack unreachable: the voucher stands, the warning says so
        told = False
    if not told:
        print("warning: could not post the voucher's announcement to finance", file=sys.stderr)


def cmd_voucher_redeem(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    view = vouchers.redeem_voucher(
        ledger, _actor(args, settings), args.code, args.project, build_provider(settings)
    )
    data = serialise.redeemed_voucher(view, settings.timezone)
    return (
        data,
        f"voucher …{view.last4}: {data['amount']} {data['currency']} added to {view.project.id}, expires {data['expires_at']}",
    )


def cmd_charge(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    amount = parse_amount(args.amount, _project_currency(ledger, args.project))
    view = billing.charge(ledger, _actor(args, settings), args.project, amount, args.key, args.memo)
    data = serialise.charge(view, settings.timezone)
    parts = [f"{a['amount']} from {a['kind']} {a['source']}" for a in data["allocations"]]
    text = f"charge {view.key}: {data['amount']} {data['currency']} = " + (
        " + ".join(parts) or "nothing from credit"
    )
    text += f"; due by other means: {data['due_other']}" + (
        " (repeat: nothing more spent)" if view.repeated else ""
    )
    return data, text


def cmd_void(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    view = billing.void_charge(ledger, _actor(args, settings), args.key, args.reason or "")
    data = serialise.charge(view, settings.timezone)
    given_back = (
        ", ".join(f"{a['amount']} to {a['source']}" for a in data["allocations"])
        or "nothing to give back"
    )
    return data, f"charge {view.key} voided: {given_back}"


def cmd_balance(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    view = reading.balance(ledger, args.project, parse_instant(args.at) if args.at else None)
    data = serialise.balance(view, settings.timezone)
    lines = [
        f"{view.project.id}: {data['available']} {data['currency']} available (vouchers {data['vouchers']}, credit {data['credit']})"
    ]
    lines += [
        f"  {lot['kind']:<7} {lot['source']:<22} {lot['remaining']:>12} of {lot['initial']:>12}  expires {lot['expires_at']}"
        for lot in data["lots"]
    ]
    return data, "\n".join(lines)


def cmd_history(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    rows = [
        serialise.history_line(line, settings.timezone)
        for line in reading.history(ledger, args.project, args.limit)
    ]
    text = (
        "\n".join(
            f"{r['at']}  {r['kind']:<6} {r['amount']:>12} {r['currency']}  {r['source'] or 'by other payment means'}  {r['memo'] or ''}".rstrip()
            for r in rows
        )
        or "no entries yet"
    )
    return rows, text


def cmd_forecast(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    data = serialise.forecast(forecasting.forecast(ledger, args.project))
    advice = data["advice"]
    lines = [
        f"{data['project']}: {data['available']} {data['currency']} available, "
        f"burning {data['daily_burn']} a day ({data['basis']})",
        f"runs out on: {data['runs_out_on'] or 'not within 13 months'}",
        f"buy by: {advice['buy_by'] or '-'}; at least {advice['buy_at_least']}, "
        f"at most {advice['useful_at_most']} {data['currency']}",
    ]
    lines += [
        f"  expires unused {lot['expires_on']}: {lot['amount']} of {lot['kind']} {lot['source']}"
        for lot in data["expiring_unused"]
    ]
    return data, "\n".join(lines)


def cmd_chart(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    from bot import chart

    png = chart.draw(ledger, args.project, settings.creditbot_locale)
    with open(args.out, "wb") as out:
        out.write(png)
    return {"out": args.out, "bytes": len(png)}, f"chart written to {args.out} ({len(png)} bytes)"


def cmd_expire(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    rows = [serialise.expired_lot(lot, settings.timezone) for lot in expiry.expire_due(ledger)]
    text = "\n".join(
        f"{r['project']}: {r['source']} forfeited {r['forfeited']} {r['currency']}" for r in rows
    )
    return rows, text or "nothing to expire"


def cmd_verify(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    problems = audit.verify(ledger)
    if problems:
        raise VerifyFailed(problems)
    return {
        "ok": True,
        "problems": [],
    }, "ledger verified: every lot, charge and order matches the journal"


def cmd_export(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    if args.format == "csv":
        if args.json:
            raise Refused("--json writes JSON, --format csv writes CSV: choose one")
        print(audit.export_csv(ledger), end="")
    else:
        print(audit.export_json(ledger))
    return None


def cmd_alerts_run(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    if not args.dry_run and not settings.slack_bot_token:
        raise Refused("posting needs SLACK_BOT_TOKEN", "or use --dry-run")
    from bot.composition import build_alerts

    report = build_alerts(settings, ledger).run(dry_run=args.dry_run)
    if not args.dry_run:
        return serialise.alerts_report(report), report.summary()
    planned = [{"channel": channel, "text": message.text} for channel, message in report.planned]
    lines = [f"would expire {report.expired} lots"]
    lines += [f"would post to {p['channel']}:\n{p['text']}\n" for p in planned]
    return (
        {"dry_run": True, "would_expire": report.expired, "would_post": planned},
        "\n".join(lines if planned else [*lines, "nothing to post"]),
    )


def cmd_alerts_status(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    status = notices.delivery_status(ledger)
    data = serialise.delivery_status(status, settings.timezone)
    counts = data["counts"]
    lines = [", ".join(f"{counts[name]} {name}" for name in notices.STATUSES)]
    if data["stuck"]:
        lines.append(
            "sending for a long time, possibly lost (check the channel in Slack before posting by hand):"
        )
        lines += [
            f"  {n['key']} to {n['channel']}, taken at {n['since']} (attempt {n['attempts']})"
            for n in data["stuck"]
        ]
    return data, "\n".join(lines)


class SyncFailed(Exception):
    """Some project could not be synced: the report is still printed, the exit code is 1."""

    def __init__(self, rows: list[dict[str, Any]], text: str) -> None:
        super().__init__(text)
        self.rows = rows
        self.text = text


class VerifyFailed(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Refused(Exception):
    """The command line itself refuses: a flag that contradicts another, a missing setting."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error reported like every other error: one line, exit 1."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, f"error: {message} (see `{self.prog} --help`)\n")


MAX_LIMIT = 100_000  # more lines than anyone reads, well inside a 64-bit LIMIT


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to {MAX_LIMIT}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="creditbot", description="Cloud credit, purchase orders and vouchers.")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, handler: Handler | None, parent: Any = sub, help: str = "", as_user: bool = False
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(name, help=help)
        if handler is not None:
            p.set_defaults(handler=handler)
            # Also after the command; SUPPRESS keeps a --json given before it.
            p.add_argument(
                "--json", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
            )
        if as_user:
            p.add_argument(
                "--as", dest="as_user", required=True, metavar="USER_ID", help="who acts"
            )
        return p

    db = command("db", None, help="database schema").add_subparsers(
        dest="db_command", required=True
    )
    command("upgrade", cmd_db_upgrade, db, "apply every pending migration")

    proj = command("project", None, help="projects and their channels").add_subparsers(
        dest="sub", required=True
    )
    p = command("add", cmd_project_add, proj, "register a project", as_user=True)
    p.add_argument("id")
    p.add_argument("--name", required=True)
    p.add_argument("--currency", default="EUR")
    p.add_argument("--vat", help="VAT rate in percent (default: DEFAULT_VAT_RATE)")
    p = command("link", cmd_project_link, proj, "make the project a channel's own", as_user=True)
    p.add_argument("id")
    p.add_argument("--channel", required=True)
    command("list", cmd_project_list, proj, "known projects and their channels")
    p = command(
        "link-ovh", cmd_project_link_ovh, proj, "tie a project to an OVHcloud project", as_user=True
    )
    p.add_argument("id")
    p.add_argument("service", metavar="SERVICE_NAME", help="the OVHcloud Public Cloud project id")
    p = command("unlink-ovh", cmd_project_unlink_ovh, proj, "undo the OVHcloud link", as_user=True)
    p.add_argument("id")

    ovh = command("ovh", None, help="OVHcloud").add_subparsers(dest="sub", required=True)
    p = command("sync", cmd_ovh_sync, ovh, "bring OVHcloud's credits and consumption in")
    p.add_argument("--project")

    p = command("buy", cmd_buy, help="request a purchase order", as_user=True)
    p.add_argument("amount")
    p.add_argument("--project", required=True)

    po = command("po", None, help="purchase orders").add_subparsers(dest="sub", required=True)
    for decision in ("approve", "reject", "cancel"):
        p = command(
            decision, cmd_po_decide, po, f"{decision} a pending purchase order", as_user=True
        )
        p.set_defaults(decision=decision)
        p.add_argument("number")
        if decision == "reject":
            p.add_argument("--reason", required=True, help="told to the requester")
    p = command("list", cmd_po_list, po, "purchase orders, oldest first")
    p.add_argument("--status", choices=[s.value for s in POStatus])

    vo = command("voucher", None, help="voucher codes").add_subparsers(dest="sub", required=True)
    p = command("issue", cmd_voucher_issue, vo, "create a voucher code (shown once)", as_user=True)
    p.add_argument("amount")
    p.add_argument("--until", help="last day of validity, YYYY-MM-DD (default: one year)")
    p.add_argument("--currency", help="default: the project's, or EUR")
    p.add_argument("--project")
    p.add_argument("--code", help="import an existing provider code instead of generating one")
    p = command("redeem", cmd_voucher_redeem, vo, "activate a voucher on a project", as_user=True)
    p.add_argument("code")
    p.add_argument("--project", required=True)

    p = command("charge", cmd_charge, help="bill a project", as_user=True)
    p.add_argument("amount")
    p.add_argument("--project", required=True)
    p.add_argument("--key", default=None, help="idempotency key (default: a new random one)")
    p.add_argument("--memo")

    p = command(
        "void", cmd_void, help="void a mistaken charge: its debits are given back", as_user=True
    )
    p.add_argument("key", help="the charge's key")
    p.add_argument("--reason", required=True)

    p = command("balance", cmd_balance, help="what a project can spend")
    p.add_argument("--project", required=True)
    p.add_argument("--at", help="an ISO 8601 instant with offset")
    p = command("history", cmd_history, help="latest ledger entries")
    p.add_argument("--project", required=True)
    p.add_argument("--limit", type=_limit, default=None)
    p = command("forecast", cmd_forecast, help="when credit runs out, and what to buy by when")
    p.add_argument("--project", required=True)
    p = command("chart", cmd_chart, help="draw the credit chart as a PNG")
    p.add_argument("--project", required=True)
    p.add_argument("--out", required=True, metavar="FILE.png")
    command("expire", cmd_expire, help="forfeit what is left of due lots")
    command("verify", cmd_verify, help="re-derive every balance from the journal")
    p = command("export", cmd_export, help="dump the ledger")
    p.add_argument("--format", choices=["json", "csv"], default="json")

    alerts = command("alerts", None, help="the scheduled jobs, on demand").add_subparsers(
        dest="sub", required=True
    )
    p = command("run", cmd_alerts_run, alerts, "run the scheduled jobs once, now")
    p.add_argument(
        "--dry-run", action="store_true", help="print what would be posted, change nothing"
    )
    command("status", cmd_alerts_status, alerts, "notices by delivery state; those stuck sending")

    cli_runtime.register(sub)
    return parser


def _fail(message: str, hint: str | None = None) -> int:
    print(f"error: {message}" + (f" ({hint})" if hint else ""), file=sys.stderr)
    return 1


def _database_trouble(url: str, exc: Exception) -> int:
    try:
        where = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return _fail("DATABASE_URL is not a database URL", "e.g. sqlite:///creditbot.db")
    if isinstance(exc, OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    else:
        reason = str(exc).strip().splitlines()[0]
    return _fail(f"cannot use the database {where}: {reason}")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`creditbot history … | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


def _main(argv: Sequence[str] | None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if not all(storable(arg) for arg in given):
        return _fail("an argument holds characters that cannot be stored (such as a NUL)")
    try:
        args = _parser().parse_args(given)
    except SystemExit as stop:  # --help, or a usage error already reported
        return stop.code if isinstance(stop.code, int) else 1
    try:
        settings = Settings()
    except ValidationError as exc:
        return _fail(
            "invalid settings: "
            + "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        )
    if getattr(args, "runtime", False):
        if args.json:
            return _fail(f"`{args.command}` runs until stopped and prints no result: drop --json")
        try:
            return int(args.handler(args, settings))
        except (ArgumentError, OperationalError) as exc:  # mostly at start-up: migrating
            return _database_trouble(settings.database_url, exc)
    if getattr(args, "key", "unset") is None:
        args.key = f"cli-{uuid.uuid4()}"
    try:
        ledger = build_ledger(settings, upgrade=args.command == "db")
    except (ArgumentError, ImportError, OperationalError) as exc:  # no driver for the URL's scheme
        return _database_trouble(settings.database_url, exc)
    try:
        return _run(args, settings, ledger)
    except OperationalError as exc:
        return _database_trouble(settings.database_url, exc)


def _run(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> int:
    try:
        if not migrate.is_current(ledger.db.engine):
            return _fail("the database schema is not up to date", "run `creditbot db upgrade`")
        result = args.handler(args, settings, ledger)
    except SyncFailed as failed:
        Output(args.json).show(failed.rows, failed.text)
        return 1
    except VerifyFailed as failed:
        for problem in failed.problems:
            print(f"mismatch: {problem}", file=sys.stderr)
        return 1
    except (LedgerError, Refused) as exc:
        return _fail(exc.message, exc.hint)
    except OSError as exc:
        if exc.filename is None:  # not a file given on the command line
            raise
        return _fail(f"cannot write {exc.filename}: {exc.strerror}")
    finally:
        ledger.db.dispose()
    if result is not None:
        data, text = result
        Output(args.json).show(data, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
