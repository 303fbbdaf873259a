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
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from bot import cli_ovh, cli_runtime, labels, serialise
from bot.composition import build_ledger, build_provider, roles_from_ids
from bot.forecast_words import basis, lasts_until
from bot.i18n import Translator, at_terminal, translator
from bot.settings import Settings, slack_user_id
from bot.slack.blocks import ovh as ovh_words
from ledger import migrate
from ledger.amounts import parse_amount
from ledger.clock import parse_day, parse_moment
from ledger.domain import IssuedVoucher, POStatus, PurchaseOrderView
from ledger.errors import N_, InvalidInput, LedgerError, WrongCurrency
from ledger.money import normalise_currency, parse_rate, rate_text
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
from ledger.services.linked import SyncReport
from ledger.text import storable

Handler = Callable[[argparse.Namespace, Settings, Ledger], Any]


class Output:
    """Prints a value as JSON or as the text a person reads."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def show(self, data: Any, text: str) -> None:
        print(json.dumps(data, indent=2, ensure_ascii=False) if self.as_json else text)


def _t(settings: Settings) -> Translator:
    """Human output is in the language of the person at the terminal (LC_ALL, LC_MESSAGES,
    LANG); people are written as their ids. Channels keep CREDITBOT_LOCALE."""
    return at_terminal(settings.timezone)


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
    text = _t(settings).gettext("database schema is up to date")
    return {"revisions": revisions, "up_to_date": True}, text


def cmd_project_add(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    rate = parse_rate(args.vat) if args.vat is not None else None
    view = projects.add_project(
        ledger, _actor(args, settings), args.id, args.name, args.currency, rate
    )
    text = _t(settings).say(
        "project {id} ({name}) added, {currency}",
        id=view.id,
        name=view.name,
        currency=view.currency,
    )
    return serialise.project(view), text


def cmd_project_link(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    linked = projects.link_channel(ledger, _actor(args, settings), args.id, args.channel)
    t = _t(settings)
    text = t.say(
        "{channel} now belongs to project {project}",
        channel=linked.channel,
        project=linked.project.name,
    )
    if linked.previous:
        text = t.joined(
            [text, t.say("it no longer belongs to {previous}", previous=linked.previous)]
        )
    return serialise.project(linked.project), text


def _provider(settings: Settings) -> CreditProvider:
    provider = build_provider(settings)
    if provider is None:
        raise InvalidInput(
            N_("OVHcloud is not configured"), hint=N_("set OVH_ENDPOINT and its keys")
        )
    return provider


def _names(ledger: Ledger) -> dict[str, str]:
    """Each project's name by its id: messages name projects as people call them."""
    return {p.id: p.name for p in projects.list_projects(ledger)}


def _sync_text(report: SyncReport, t: Translator, names: dict[str, str] | None = None) -> str:
    line = t.say_n(
        "{project} ← {service}: {n} credit, {posted} entries posted, {amount} available",
        "{project} ← {service}: {n} credits, {posted} entries posted, {amount} available",
        report.credits,
        project=(names or {}).get(report.project, report.project),
        service=report.service,
        posted=report.entries_posted,
        amount=t.money(report.available),
    )
    if report.error:
        line += " — " + t.say("failed: {reason}", reason=t.refusal(report.error)[0])
    if report.disappeared:
        line += " — " + t.say(
            "gone at OVHcloud: {credits}",
            credits=", ".join(key.rsplit(":", 1)[1] for key in report.disappeared),
        )
    return line


def cmd_project_link_ovh(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    report = linked.link_project(
        ledger, _provider(settings), _actor(args, settings), args.id, args.service
    )
    t = _t(settings)
    names = _names(ledger)
    head = t.say(
        "project {project} linked to OVHcloud {service}",
        project=names.get(report.project, report.project),
        service=report.service,
    )
    return serialise.sync_report(report), head + "\n" + _sync_text(report, t, names)


def cmd_project_unlink_ovh(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    service = linked.unlink_project(ledger, _actor(args, settings), args.id)
    text = _t(settings).say(
        "project {project} unlinked from OVHcloud {service}; its history stays",
        project=projects.get_project(ledger, args.id).name,
        service=service,
    )
    return {"project": args.id, "service": service}, text


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
    t = _t(settings)
    names = _names(ledger)
    text = "\n".join(_sync_text(r, t, names) for r in reports) or t.gettext(
        "no project is linked to OVHcloud"
    )
    if failed:
        raise SyncFailed(rows, text)
    return rows, text


def cmd_project_list(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    views = projects.list_projects(ledger)
    text = "\n".join(
        f"{v.id}\t{v.name}\t{v.currency}\t{' '.join(v.channels) or '-'}" for v in views
    ) or _t(settings).gettext("no projects yet")
    return [serialise.project(v) for v in views], text


def _po_text(view: PurchaseOrderView, t: Translator) -> str:
    line = t.say(
        "{po} [{status}] {project}: {excl} excl. tax + VAT {rate}% {vat} = {incl}",
        po=view.number,
        status=labels.po_status(view.status, t),
        project=view.project.name,
        excl=t.money(view.amount_excl_tax),
        rate=rate_text(view.vat_rate_bp),
        vat=t.money(view.vat),
        incl=t.money(view.amount_incl_tax),
    )
    if view.decided_by and view.decided_at:
        line += " — " + t.say(
            "decided by {who} on {when}", who=view.decided_by, when=t.moment(view.decided_at)
        )
    if view.reason:
        line += f" ({view.reason})"
    state = ovh_words.order_state(view, t)
    if state:
        line += " — " + state
    return line


def cmd_buy(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    amount = parse_amount(args.amount, _project_currency(ledger, args.project))
    view = purchases.request_purchase(ledger, _actor(args, settings), args.project, amount)
    data = serialise.purchase_order(view, settings.timezone)
    return data, _po_text(view, _t(settings))


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
    return data, _po_text(view, _t(settings))


def cmd_po_list(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    status = POStatus(args.status) if args.status else None
    views = purchases.list_purchase_orders(ledger, status)
    rows = [serialise.purchase_order(v, settings.timezone) for v in views]
    t = _t(settings)
    return rows, "\n".join(_po_text(v, t) for v in views) or t.gettext("no purchase orders")


def cmd_voucher_issue(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    asked = normalise_currency(args.currency) if args.currency else None
    currency = _project_currency(ledger, args.project) if args.project else asked or "EUR"
    if asked is not None and asked != currency:
        raise WrongCurrency(
            N_("this project counts in {expected}, not {other}"),
            hint=N_("leave out --currency, or give {expected}"),
            expected=currency,
            other=asked,
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
    t = _t(settings)
    text = t.say(
        "voucher {code}: {amount}, valid until {until}",
        code=view.code or f"…{view.last4}",
        amount=t.money(view.amount),
        until=t.date(view.valid_until),
    )
    return data, text


def _announce_voucher(settings: Settings, view: IssuedVoucher) -> None:
    """Finance hears of every voucher, issued here as in Slack (never its code)."""
    if not (settings.slack_bot_token and settings.finance_channel):
        _warn(N_("voucher not announced to finance (set SLACK_BOT_TOKEN and FINANCE_CHANNEL)"))
        return
    # Slack's client is loaded only when a voucher is issued.
    from bot.slack.app import build_client
    from bot.slack.notify import tell_finance_of_voucher

    # The finance channel reads the workspace's language, with @mentions.
    channel_t = translator(settings.creditbot_locale, settings.timezone)
    try:
        told = tell_finance_of_voucher(
            build_client(settings), settings.finance_channel, view, channel_t
        )
    except OSError:  # Slack unreachable: the voucher stands, the warning says so
        told = False
    if not told:
        _warn(N_("could not post the voucher's announcement to finance"))


def cmd_voucher_redeem(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    view = vouchers.redeem_voucher(
        ledger, _actor(args, settings), args.code, args.project, build_provider(settings)
    )
    data = serialise.redeemed_voucher(view, settings.timezone)
    t = _t(settings)
    text = t.say(
        "voucher …{last4}: {amount} added to {project}, usable until {until}",
        last4=view.last4,
        amount=t.money(view.amount),
        project=view.project.name,
        until=t.last_day(view.expires_at),
    )
    return data, text


def cmd_charge(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    amount = parse_amount(args.amount, _project_currency(ledger, args.project))
    view = billing.charge(ledger, _actor(args, settings), args.project, amount, args.key, args.memo)
    data = serialise.charge(view, settings.timezone)
    t = _t(settings)
    parts = [t.lot_from(a.source, a.amount) for a in view.allocations]
    text = t.say(
        "charge {key}: {amount} = {parts}; due by other means: {due}",
        key=view.key,
        amount=t.money(view.amount),
        parts=" + ".join(parts) or t.gettext("nothing from credit"),
        due=t.money(view.due_other),
    )
    if view.repeated:
        text += " " + t.gettext("(repeat: nothing more spent)")
    return data, text


def cmd_void(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    view = billing.void_charge(ledger, _actor(args, settings), args.key, args.reason or "")
    data = serialise.charge(view, settings.timezone)
    t = _t(settings)
    given_back = ", ".join(
        t.say("{amount} to {lot}", amount=t.money(a.amount), lot=t.lot(a.source))
        for a in view.allocations
    ) or t.gettext("nothing to give back")
    return data, t.say("charge {key} voided: {given_back}", key=view.key, given_back=given_back)


def cmd_balance(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    view = reading.balance(
        ledger, args.project, parse_moment(args.at, settings.timezone) if args.at else None
    )
    data = serialise.balance(view, settings.timezone)
    t = _t(settings)
    lines = [
        t.say(
            "{project}: {amount} available (vouchers {vouchers}, credit {credit})",
            project=view.project.name,
            amount=t.money(view.available),
            vouchers=t.money(view.vouchers),
            credit=t.money(view.credit),
        )
    ]
    lines += [
        "  "
        + t.say(
            "{lot}: {remaining} left of {initial}, usable until {until}",
            lot=t.lot(lot.source),
            remaining=t.money(lot.remaining),
            initial=t.money(lot.initial),
            until=t.last_day(lot.expires_at),
        )
        for lot in view.lots
    ]
    return data, "\n".join(lines)


def cmd_history(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    lines = reading.history(ledger, args.project, args.limit)
    rows = [serialise.history_line(line, settings.timezone) for line in lines]
    t = _t(settings)
    text = "\n".join(
        "  ".join(
            part
            for part in (
                t.moment(line.at),
                labels.entry_kind(line.kind, t),
                t.money(line.amount),
                t.lot(line.lot_source) if line.lot_source else "",
                line.charge_key or "",
                labels.entry_note(line, t) or "",
            )
            if part
        )
        for line in lines
    ) or t.gettext("no entries yet")
    return rows, text


def cmd_forecast(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    seen = forecasting.forecast(ledger, args.project)
    data = serialise.forecast(seen)
    projection, advice = seen.projection, seen.projection.advice
    t = _t(settings)
    lines = [
        t.say(
            "{project}: {amount} available, burning {burn} a day",
            project=seen.project.name,
            amount=t.money(seen.available),
            burn=t.money(projection.daily_burn),
        ),
        lasts_until(seen, t),
        basis(seen, t),
        t.say(
            "runs out on: {day}",
            day=t.date(projection.runs_out_on)
            if projection.runs_out_on
            else t.gettext("not within 13 months"),
        ),
        t.say(
            "buy by: {day}; at least {least}, at most {most}",
            day=t.deadline(advice.buy_by, projection.today) if advice.buy_by else "-",
            least=t.money(advice.buy_at_least),
            most=t.money(advice.useful_at_most),
        ),
    ]
    lines += [
        "  "
        + t.say(
            "expires unused {day}: {amount} of {lot}",
            day=t.date(lot.expires_on),
            amount=t.money(lot.amount),
            lot=t.lot(lot.source),
        )
        for lot in projection.expiring_unused
    ]
    return data, "\n".join(lines)


def cmd_chart(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    from bot import chart

    t = _t(settings)
    png = chart.draw(ledger, args.project, t)
    with open(args.out, "wb") as out:
        out.write(png)
    text = t.say("chart written to {out} ({size} bytes)", out=args.out, size=len(png))
    return {"out": args.out, "bytes": len(png)}, text


def cmd_expire(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    lots = expiry.expire_due(ledger)
    rows = [serialise.expired_lot(lot, settings.timezone) for lot in lots]
    t = _t(settings)
    names = _names(ledger) if lots else {}
    text = "\n".join(
        t.say(
            "{project}: {lot} forfeited {amount}",
            project=names.get(lot.project_id, lot.project_id),
            lot=t.lot(lot.source),
            amount=t.money(lot.forfeited),
        )
        for lot in lots
    )
    return rows, text or t.gettext("nothing to expire")


def cmd_verify(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    problems = audit.verify(ledger)
    if problems:
        raise VerifyFailed(problems)
    return {"ok": True, "problems": []}, _t(settings).gettext(
        "ledger verified: every lot, charge and order matches the journal"
    )


def cmd_export(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    if args.format == "csv":
        if args.json:
            raise Refused(N_("--json writes JSON, --format csv writes CSV: choose one"))
        print(audit.export_csv(ledger), end="")
    else:
        print(audit.export_json(ledger))
    return None


def cmd_alerts_run(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    if not args.dry_run and not settings.slack_bot_token:
        raise Refused(N_("posting needs SLACK_BOT_TOKEN"), N_("or use --dry-run"))
    from bot.composition import build_alerts

    report = build_alerts(settings, ledger).run(dry_run=args.dry_run)
    t = _t(settings)
    if not args.dry_run:
        return serialise.alerts_report(report), report.summary(t)
    planned = [{"channel": channel, "text": message.text} for channel, message in report.planned]
    lines = [t.say_n("would expire {n} lot", "would expire {n} lots", report.expired)]
    lines += [
        t.say("would post to #{channel}:", channel=p["channel"]) + f"\n{p['text']}\n"
        for p in planned
    ]
    return (
        {"dry_run": True, "would_expire": report.expired, "would_post": planned},
        "\n".join(lines if planned else [*lines, t.gettext("nothing to post")]),
    )


def _state(name: str, n: int, t: Translator) -> str:
    """A count of notices in one delivery state, in words."""
    match name:
        case "pending":
            return t.say_n("{n} pending", "{n} pending", n)
        case "sending":
            return t.say_n("{n} sending", "{n} sending", n)
        case "posted":
            return t.say_n("{n} posted", "{n} posted", n)
        case "undeliverable":
            return t.say_n("{n} undeliverable", "{n} undeliverable", n)
        case "dropped":
            # A warning whose lot was spent or expired before it went out.
            return t.say_n(
                "{n} dropped (nothing left to warn about)",
                "{n} dropped (nothing left to warn about)",
                n,
            )
    return f"{n} {name}"


def cmd_alerts_status(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Any:
    status = notices.delivery_status(ledger)
    data = serialise.delivery_status(status, settings.timezone)
    counts = data["counts"]
    t = _t(settings)
    # --json and /metrics keep the states' names; a person reads them in words.
    lines = [", ".join(_state(name, counts[name], t) for name in notices.STATUSES)]
    if data["stuck"]:
        lines.append(
            t.gettext(
                "sending for a long time, possibly lost "
                "(check the channel in Slack before posting by hand):"
            )
        )
        lines += [
            "  "
            + t.say(
                "{key} to {channel}, taken at {since} (attempt {attempt})",
                key=n.key,
                channel=n.channel,
                since=t.moment(n.since),
                attempt=n.attempts,
            )
            for n in status.stuck
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
        t = at_terminal()
        detail = message + " (" + t.say("see `{command} --help`", command=self.prog) + ")"
        self.exit(1, t.say("error: {text}", text=detail) + "\n")


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
    cli_ovh.register_ovh(ovh, command)

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
    cli_ovh.register_po(po, command)
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
    p.add_argument(
        "--at", help="an ISO 8601 instant with offset, or a day: the end of that day (YYYY-MM-DD)"
    )
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


def _fail(
    message: str, hint: str | None = None, *, t: Translator | None = None, **values: str
) -> int:
    """One line on stderr, in the terminal's language unless `t` says otherwise. `message`
    and `hint` are catalog sentences (marked N_), filled in with `values` if any."""
    t = t or at_terminal()
    said = t.gettext(message).format(**values) if values else t.gettext(message)
    if hint:
        said += f" ({t.gettext(hint)})"
    print(t.say("error: {text}", text=said), file=sys.stderr)
    return 1


def _warn(message: str) -> None:
    t = at_terminal()
    print(t.say("warning: {text}", text=t.gettext(message)), file=sys.stderr)


def _database_trouble(url: str, exc: Exception) -> int:
    try:
        where = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return _fail(N_("DATABASE_URL is not a database URL"), N_("e.g. sqlite:///creditbot.db"))
    if isinstance(exc, DatabaseError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    else:
        reason = str(exc).strip().splitlines()[0]
    return _fail(N_("cannot use the database {where}: {reason}"), where=where, reason=reason)


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
        return _fail(N_("an argument holds characters that cannot be stored (such as a NUL)"))
    try:
        args = _parser().parse_args(given)
    except SystemExit as stop:  # --help, or a usage error already reported
        return stop.code if isinstance(stop.code, int) else 1
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        return _fail(N_("invalid settings: {problems}"), problems=problems)
    if getattr(args, "runtime", False):
        if args.json:
            return _fail(
                N_("`{command}` runs until stopped and prints no result: drop --json"),
                command=args.command,
            )
        try:
            return int(args.handler(args, settings))
        except (ArgumentError, DatabaseError) as exc:  # mostly at start-up: migrating
            return _database_trouble(settings.database_url, exc)
    if getattr(args, "key", "unset") is None:
        args.key = f"cli-{uuid.uuid4()}"
    try:
        ledger = build_ledger(settings, upgrade=args.command == "db")
    except (ArgumentError, ImportError, DatabaseError) as exc:  # no driver for the URL's scheme
        return _database_trouble(settings.database_url, exc)
    try:
        return _run(args, settings, ledger)
    except DatabaseError as exc:
        if not _unusable(exc):
            raise
        return _database_trouble(settings.database_url, exc)


def _unusable(exc: DatabaseError) -> bool:
    """The database cannot be reached or read (a file that is no database), as opposed to a
    statement it refused."""
    return isinstance(exc, OperationalError) or type(exc) is DatabaseError


def _run(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> int:
    try:
        if not migrate.is_current(ledger.db.engine):
            return _fail(
                N_("the database schema is not up to date"), N_("run `creditbot db upgrade`")
            )
        result = args.handler(args, settings, ledger)
    except SyncFailed as failed:
        Output(args.json).show(failed.rows, failed.text)
        return 1
    except VerifyFailed as failed:
        for problem in failed.problems:
            print(f"mismatch: {problem}", file=sys.stderr)
        return 1
    except LedgerError as exc:
        if args.json:  # what scripts read stays as it was, in English
            return _fail(exc.message, exc.hint, t=translator("en", settings.timezone))
        return _fail(*_t(settings).refusal(exc))
    except Refused as exc:
        return _fail(exc.message, exc.hint)
    except OSError as exc:
        if exc.filename is None:  # not a file given on the command line
            raise
        return _fail(
            N_("cannot write {file}: {reason}"), file=str(exc.filename), reason=str(exc.strerror)
        )
    finally:
        ledger.db.dispose()
    if result is not None:
        data, text = result
        Output(args.json).show(data, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
