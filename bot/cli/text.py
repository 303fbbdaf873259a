"""Every sentence the command line prints for a person, in one place.

Each function takes what a service returned and the reader's translator and gives the
plain text; `--json` prints `serialise`'s data instead. Labels of the ledger's own values
come from `bot.labels`, shared with Slack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot import autopilot_words, labels, run_outcome
from bot.forecast_words import basis, lasts_until, never_runs_out, on_its_way
from bot.i18n import Translator
from bot.settings import Settings
from bot.slack.blocks import ovh as ovh_words
from ledger.domain import (
    Balance,
    ChargeResult,
    ExpiredLot,
    HistoryLine,
    IssuedVoucher,
    LinkedChannel,
    POStatus,
    ProjectView,
    PurchaseOrderView,
    RedeemedVoucher,
)
from ledger.money import Money
from ledger.services.autopilot import AutopilotState
from ledger.services.forecasting import Forecast
from ledger.services.notices import STATUSES, DeliveryStatus


def error(said: str, t: Translator) -> str:
    """A refusal, already in words, as the one line stderr shows."""
    return t.say("error: {text}", text=said)


def warning(said: str, t: Translator) -> str:
    return t.say("warning: {text}", text=said)


def usage_error(message: str, command: str, t: Translator) -> str:
    """argparse's own complaint, with where to read the usage."""
    return error(message + " (" + t.say("see `{command} --help`", command=command) + ")", t)


def schema_current(t: Translator) -> str:
    return t.gettext("database schema is up to date")


def project_added(view: ProjectView, t: Translator) -> str:
    return t.say(
        "project {id} ({name}) added, {currency}",
        id=view.id,
        name=view.name,
        currency=view.currency,
    )


def channel_linked(linked: LinkedChannel, t: Translator) -> str:
    text = t.say(
        "{channel} now belongs to project {project}",
        channel=linked.channel,
        project=linked.project.name,
    )
    if linked.previous:
        text = t.joined(
            [text, t.say("it no longer belongs to {previous}", previous=linked.previous)]
        )
    return text


def projects(views: Sequence[ProjectView], t: Translator) -> str:
    return "\n".join(
        f"{v.id}\t{v.name}\t{v.currency}\t{' '.join(v.channels) or '-'}" for v in views
    ) or t.gettext("no projects yet")


def purchase_order(view: PurchaseOrderView, t: Translator) -> str:
    line = t.say(
        "{po} [{status}] {project}: {excl} excl. tax + VAT {rate} {vat} = {incl}",
        po=view.number,
        status=labels.po_status(view.status, t),
        project=view.project.name,
        excl=t.money(view.amount_excl_tax),
        rate=t.rate(view.vat_rate_bp),
        vat=t.money(view.vat),
        incl=t.money(view.amount_incl_tax),
    )
    if view.drafted is not None:
        line += " — " + t.gettext("drafted by the autopilot")
    if view.status is POStatus.EXPIRED and view.decided_at:
        line += " — " + t.say("expired on {when}, never approved", when=t.moment(view.decided_at))
    elif view.decided_by and view.decided_at:
        line += " — " + t.say(
            "decided by {who} on {when}", who=view.decided_by, when=t.moment(view.decided_at)
        )
    if view.reason:
        line += f" ({view.reason})"
    said = labels.approvals(view, t, left=True)
    if said:
        line += " — " + said
    if view.over_budget is not None and view.approvals_asked is None:
        line += " — " + t.say(
            "over budget by {amount}: one approval more", amount=t.money(view.over_budget)
        )
    elif view.over_budget is not None:
        line += " — " + t.say("over budget by {amount}", amount=t.money(view.over_budget))
    cut = labels.approvals_cut(view, t)
    if cut:
        line += " — " + cut
    state = ovh_words.order_state(view, t)
    if state:
        line += " — " + state
    order = view.provider
    if order is not None and order.state == "ordering":
        line += " — " + t.say(
            "not ordered at OVHcloud yet: {reason}",
            reason=t.recorded(order.error) or t.gettext("being placed"),
        )
    return line


def purchase_orders(views: Sequence[PurchaseOrderView], t: Translator) -> str:
    return "\n".join(purchase_order(v, t) for v in views) or t.gettext("no purchase orders")


def reordered(view: PurchaseOrderView, repeated: bool, t: Translator) -> str:
    text = purchase_order(view, t)
    if repeated:
        text += "\n" + labels.already_reordered(view.number, t)
    return text


def autopilot_states(states: Sequence[AutopilotState], t: Translator) -> str:
    return autopilot_words.listing(states, t) or t.gettext("no projects yet")


def voucher_issued(view: IssuedVoucher, t: Translator) -> str:
    return t.say(
        "voucher {code}: {amount}, valid until {until}",
        code=view.code or f"…{view.last4}",
        amount=t.money(view.amount),
        until=t.date(view.valid_until),
    )


def voucher_redeemed(view: RedeemedVoucher, t: Translator) -> str:
    return t.say(
        "voucher …{last4}: {amount} added to {project}, usable until {until}",
        last4=view.last4,
        amount=t.money(view.amount),
        project=view.project.name,
        until=t.last_day(view.expires_at),
    )


def charged(view: ChargeResult, t: Translator) -> str:
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
    return text


def voided(view: ChargeResult, t: Translator) -> str:
    given_back = ", ".join(
        t.say("{amount} to {lot}", amount=t.money(a.amount), lot=t.lot(a.source))
        for a in view.allocations
    ) or t.gettext("nothing to give back")
    return t.say("charge {key} voided: {given_back}", key=view.key, given_back=given_back)


def balance(view: Balance, t: Translator) -> str:
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
    return "\n".join(lines)


def history(lines: Sequence[HistoryLine], t: Translator) -> str:
    return "\n".join(
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


def forecast(seen: Forecast, t: Translator) -> str:
    projection, advice = seen.projection, seen.projection.advice
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
            day=t.date(projection.runs_out_on) if projection.runs_out_on else never_runs_out(t),
        ),
        t.say(
            "buy by: {day}; at least {least}, at most {most}",
            day=t.deadline(advice.buy_by, projection.today) if advice.buy_by else "-",
            least=t.money(advice.buy_at_least),
            most=t.money(advice.useful_at_most),
        ),
        *on_its_way(seen, t),
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
    return "\n".join(lines)


def chart_written(out: str, size: int, t: Translator) -> str:
    return t.say("chart written to {out} ({size} bytes)", out=out, size=size)


def expired(lots: Sequence[ExpiredLot], t: Translator, names: Mapping[str, str]) -> str:
    text = "\n".join(
        t.say(
            "{project}: {lot} forfeited {amount}",
            project=names.get(lot.project_id, lot.project_id),
            lot=t.lot(lot.source),
            amount=t.money(lot.forfeited),
        )
        for lot in lots
    )
    return text or labels.nothing_to_expire(t)


def verified(t: Translator) -> str:
    return t.gettext("ledger verified: every lot, charge and order matches the journal")


def would_post(
    expired: int,
    planned: Sequence[tuple[str, str]],
    t: Translator,
    orders: int = 0,
    *,
    drafts: Sequence[tuple[str, Money]] = (),
    finance: bool = True,
) -> str:
    """What `alerts run --dry-run` would do: lots and purchase orders to expire, the orders
    the autopilot would draft (project name, amount), whether finance's messages have a
    channel, messages by channel (a reminder's place is its finance thread, "channel:ts")."""
    lines = [t.say_n("would expire {n} lot", "would expire {n} lots", expired)]
    if orders:
        lines.append(
            t.say_n("would expire {n} purchase order", "would expire {n} purchase orders", orders)
        )
    lines += [
        t.say(
            "would draft a purchase order of {amount} for {project} (autopilot)",
            amount=t.money(amount),
            project=name,
        )
        for name, amount in drafts
    ]
    if not finance:
        lines.append(
            t.gettext(
                "FINANCE_CHANNEL is unset: finance's messages (orders to approve, reminders,"
                " digests) have nowhere to go"
            )
        )
    lines += [
        t.say("would post to #{channel}:", channel=channel) + f"\n{text}\n"
        for channel, text in planned
    ]
    return "\n".join(lines if planned else [*lines, t.gettext("nothing to post")])


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
            return run_outcome.figure(name, n, t)
        case "dropped":
            # A warning whose lot was spent or expired before it went out.
            return t.say_n(
                "{n} dropped (nothing left to warn about)",
                "{n} dropped (nothing left to warn about)",
                n,
            )
    return f"{n} {name}"


def delivery(status: DeliveryStatus, t: Translator) -> str:
    # --json and /metrics keep the states' names; a person reads them in words.
    lines = [", ".join(_state(name, status.counts[name], t) for name in STATUSES)]
    if status.stuck:
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
    return "\n".join(lines)


def console_instead(t: Translator) -> str:
    return t.gettext("No Slack credentials (SLACK_BOT_TOKEN): starting the local console instead.")


def console_opened(
    database: str, settings: Settings, user: str, channel: str, t: Translator
) -> str:
    return t.say(
        "Local console on {database}. Admins: {admins}; finance: {finance}; "
        "finance channel #{finance_channel}. You are {user} in #{channel}.",
        database=database,
        admins=", ".join(settings.admins),
        finance=", ".join(settings.finance_approvers),
        finance_channel=settings.finance_channel,
        user=user,
        channel=channel,
    )
