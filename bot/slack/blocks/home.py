"""The App Home: each person's dashboard of projects, finance's pending purchase orders,
and the admins' health view. At most 100 blocks (Slack's limit); beyond, a summary line.

Blocks are written as the plain dicts slack_sdk's models produce (the tests compare them),
because a Home of 75 blocks is rebuilt on every open and every decision, and the models'
validation costs more than reading the ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot import autopilot_words, labels, run_outcome
from bot.budget_words import use_line
from bot.i18n import Translator
from bot.slack.blocks.forecast import advice_lines
from bot.slack.blocks.purchase_orders import (
    APPROVE,
    REJECT,
    approve_confirmation,
    approve_title,
    po_line,
)
from bot.slack.formatting import channel, escape
from ledger.domain import PurchaseOrderView, Role
from ledger.periods import BudgetView
from ledger.services.autopilot import AutopilotState
from ledger.services.dashboard import Dashboard
from ledger.services.forecasting import Forecast
from ledger.services.health import OUTBOX_RUN, PROVIDER_SYNC, SCHEDULED_RUN, Health

MAX_HOME_BLOCKS = 100
MAX_SECTION = 2900
MAX_PROJECTS_SHOWN = 30
MAX_ORDERS_SHOWN = 20
MAX_NAMES_SHOWN = 20
HOME_BALANCE = "home_balance"


Block = dict[str, Any]


def _md(text: str) -> Block:
    return {"text": text, "type": "mrkdwn"}


def _plain(text: str) -> Block:
    return {"emoji": True, "text": text, "type": "plain_text"}


def _header(text: str) -> Block:
    return {"text": {"text": text[:150], "type": "plain_text"}, "type": "header"}


def _section(text: str, accessory: Block | None = None) -> Block:
    block: Block = {"text": _md(text[:MAX_SECTION]), "type": "section"}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def _context(text: str) -> Block:
    return {"elements": [_md(text)], "type": "context"}


DIVIDER: Block = {"type": "divider"}


def po_buttons(number: str, t: Translator, left: int = 1) -> Block:
    """The Approve and Reject buttons of `purchase_orders.po_buttons`, same ids, values and confirm."""
    return {
        "block_id": f"po:{number}",
        "elements": [
            {
                "action_id": APPROVE,
                "confirm": {
                    "title": _plain(approve_title(left, t)),
                    "text": _md(approve_confirmation(number, left, t)),
                    "confirm": _plain(t.gettext("Approve")),
                    "deny": _plain(t.gettext("Back")),
                },
                "style": "primary",
                "text": _plain(t.gettext("Approve")),
                "type": "button",
                "value": number,
            },
            {
                "action_id": REJECT,
                "style": "danger",
                "text": _plain(t.gettext("Reject")),
                "type": "button",
                "value": number,
            },
        ],
        "type": "actions",
    }


def _soonest_first(seen: Forecast) -> tuple[int, str, str]:
    out = seen.projection.runs_out_on
    return (out.toordinal() if out else 10**7, seen.project.name.casefold(), seen.project.id)


def _project(
    seen: Forecast,
    t: Translator,
    budget: BudgetView | None = None,
    pilot: AutopilotState | None = None,
) -> Block:
    soonest = min(seen.lots, key=lambda lot: lot.expires_at, default=None)
    expiry = (
        t.say(
            "next expiry {until} ({amount})",
            until=t.last_day(soonest.expires_at),
            amount=t.money(soonest.remaining),
        )
        if soonest
        else labels.nothing_to_expire(t)
    )
    lines = [
        t.say(
            "*{project}* · {amount} available · {expiry}",
            project=escape(seen.project.name),
            amount=t.money(seen.available),
            expiry=expiry,
        ),
        *advice_lines(seen, t),
        *([use_line(budget, t)] if budget else []),
    ]
    if pilot is not None:
        lines.append(_autopilot(pilot, t))
    button = {
        "action_id": HOME_BALANCE,
        "text": _plain(t.gettext("Balance")),
        "type": "button",
        "value": seen.project.id,
    }
    return _section("\n".join(lines), button)


def _autopilot(pilot: AutopilotState, t: Translator) -> str:
    """The project's autopilot in one line: off, or on with its cover, cap and next draft."""
    line = ":robot_face: " + autopilot_words.setting(pilot, t)
    if pilot.enabled:
        line += " — " + autopilot_words.outlook(pilot, t)
    return line


def _projects(
    forecasts: Sequence[Forecast],
    t: Translator,
    budgets: Mapping[str, BudgetView],
    pilots: Mapping[str, AutopilotState] | None = None,
) -> list[Block]:
    blocks: list[Block] = [_header(t.gettext("Projects"))]
    if not forecasts:
        return [*blocks, _section(t.gettext("No project yet."))]
    ordered = sorted(forecasts, key=_soonest_first)
    pilots = pilots or {}
    blocks += [
        _project(seen, t, budgets.get(seen.project.id), pilots.get(seen.project.id))
        for seen in ordered[:MAX_PROJECTS_SHOWN]
    ]
    hidden = ordered[MAX_PROJECTS_SHOWN:]
    if hidden:
        names = ", ".join(f"`{s.project.id}`" for s in hidden[:MAX_NAMES_SHOWN])
        more = "…" if len(hidden) > MAX_NAMES_SHOWN else ""
        blocks.append(
            _context(
                t.say_n(
                    "…and {n} more project, whose credit lasts longer: {names}. "
                    "`/credit forecast PROJECT` shows any of them.",
                    "…and {n} more projects, whose credit lasts longer: {names}. "
                    "`/credit forecast PROJECT` shows any of them.",
                    len(hidden),
                    names=names + more,
                )
            )
        )
    return blocks


def _orders(orders: Sequence[PurchaseOrderView], t: Translator) -> list[Block]:
    blocks: list[Block] = [DIVIDER, _header(t.gettext("Purchase orders waiting"))]
    if not orders:
        return [*blocks, _section(t.gettext("No purchase order is waiting for approval."))]
    for po in orders[:MAX_ORDERS_SHOWN]:
        blocks.append(_section(po_line(po, t)))
        blocks.append(po_buttons(po.number, t, po.approvals_left))
    if len(orders) > MAX_ORDERS_SHOWN:
        blocks.append(
            _context(
                t.say_n(
                    "…and {n} more, newer; `/credit pending` lists them.",
                    "…and {n} more, newer; `/credit pending` lists them.",
                    len(orders) - MAX_ORDERS_SHOWN,
                )
            )
        )
    return blocks


def _run(health: Health, name: str, label: str, t: Translator) -> str:
    run = health.runs.get(name)
    if run is None:
        return t.say("*{label}*: never", label=label)
    if run.finished_at is None:
        return t.say(
            "*{label}*: started {when}, not finished", label=label, when=t.moment(run.started_at)
        )
    return t.say(
        "*{label}*: {when} ({outcome})",
        label=label,
        when=t.moment(run.finished_at),
        outcome=escape(run_outcome.words(run.outcome or "", t)),
    )


def _health(health: Health, t: Translator) -> list[Block]:
    alone = health.projects_without_channel
    lost = health.unreachable_channels
    none = t.gettext("none")
    projects = ", ".join(f"`{p}`" for p in alone[:MAX_NAMES_SHOWN]) or none
    channels = ", ".join(channel(c) for c in lost[:MAX_NAMES_SHOWN]) or none
    lines = [
        t.say(
            "*Projects without a channel*: {projects}",
            projects=projects + ("…" if len(alone) > MAX_NAMES_SHOWN else ""),
        ),
        t.say(
            "*Channels where I was removed*: {channels}",
            channels=channels + ("…" if len(lost) > MAX_NAMES_SHOWN else ""),
        ),
        _run(health, SCHEDULED_RUN, t.gettext("Last alert run"), t),
        _run(health, OUTBOX_RUN, t.gettext("Last outbox delivery"), t),
        _run(health, PROVIDER_SYNC, t.gettext("Last OVHcloud sync"), t),
    ]
    return [DIVIDER, _header(t.gettext("Health")), _section("\n".join(lines))]


def home_view(roles: frozenset[Role], data: Dashboard, t: Translator) -> dict[str, Any]:
    """The Home in its reader's language."""
    blocks: list[Block] = [*_projects(data.forecasts, t, data.budgets, data.autopilot)]
    if Role.FINANCE in roles:
        blocks += _orders(data.pending, t)
    if Role.ADMIN in roles and data.health is not None:
        blocks += _health(data.health, t)
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}
