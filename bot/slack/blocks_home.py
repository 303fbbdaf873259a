"""The App Home: each person's dashboard of projects, finance's pending purchase orders,
and the admins' health view. At most 100 blocks (Slack's limit); beyond, a summary line.

Blocks are written as the plain dicts slack_sdk's models produce (the tests compare them),
because a Home of 75 blocks is rebuilt on every open and every decision, and the models'
validation costs more than reading the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.slack import wording
from bot.slack.blocks import APPROVE, REJECT
from bot.slack.blocks_forecast import advice_lines
from bot.slack.formatting import Formatter, channel, escape, mention
from ledger.domain import PurchaseOrderView, Role
from ledger.services.dashboard import Dashboard
from ledger.services.forecasting import Forecast
from ledger.services.health import PROVIDER_SYNC, SCHEDULED_RUN, Health

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


def po_buttons(number: str) -> Block:
    """The Approve and Reject buttons of `blocks.po_buttons`, same ids, values and confirm."""
    return {
        "block_id": f"po:{number}",
        "elements": [
            {
                "action_id": APPROVE,
                "confirm": {
                    "title": _plain("Approve and pay?"),
                    "text": _md(f"This records payment of {number} and grants the credit."),
                    "confirm": _plain("Approve"),
                    "deny": _plain("Back"),
                },
                "style": "primary",
                "text": _plain("Approve"),
                "type": "button",
                "value": number,
            },
            {
                "action_id": REJECT,
                "style": "danger",
                "text": _plain("Reject"),
                "type": "button",
                "value": number,
            },
        ],
        "type": "actions",
    }


def _soonest_first(seen: Forecast) -> tuple[int, str, str]:
    out = seen.projection.runs_out_on
    return (out.toordinal() if out else 10**7, seen.project.name.casefold(), seen.project.id)


def _project(seen: Forecast, fmt: Formatter) -> Block:
    soonest = min(seen.lots, key=lambda lot: lot.expires_at, default=None)
    expiry = (
        f"next expiry {fmt.last_day(soonest.expires_at)} ({fmt.money(soonest.remaining)})"
        if soonest
        else "nothing to expire"
    )
    lines = [
        f"*{escape(seen.project.name)}* · {fmt.money(seen.available)} available · {expiry}",
        *advice_lines(seen, fmt),
    ]
    button = {
        "action_id": HOME_BALANCE,
        "text": _plain("Balance"),
        "type": "button",
        "value": seen.project.id,
    }
    return _section("\n".join(lines), button)


def _projects(forecasts: Sequence[Forecast], fmt: Formatter) -> list[Block]:
    blocks: list[Block] = [_header("Projects")]
    if not forecasts:
        return [*blocks, _section("No project yet.")]
    ordered = sorted(forecasts, key=_soonest_first)
    blocks += [_project(seen, fmt) for seen in ordered[:MAX_PROJECTS_SHOWN]]
    hidden = ordered[MAX_PROJECTS_SHOWN:]
    if hidden:
        names = ", ".join(f"`{s.project.id}`" for s in hidden[:MAX_NAMES_SHOWN])
        more = "…" if len(hidden) > MAX_NAMES_SHOWN else ""
        blocks.append(
            _context(
                f"…and {len(hidden)} more projects, whose credit lasts longer: {names}{more}. "
                "`/credit forecast PROJECT` shows any of them."
            )
        )
    return blocks


def _orders(orders: Sequence[PurchaseOrderView], fmt: Formatter) -> list[Block]:
    blocks: list[Block] = [DIVIDER, _header("Purchase orders waiting")]
    if not orders:
        return [*blocks, _section(wording.NOTHING_PENDING)]
    for po in orders[:MAX_ORDERS_SHOWN]:
        blocks.append(
            _section(
                f"*{po.number}* · {escape(po.project.name)} · {fmt.money(po.amount_excl_tax)} excl. tax"
                f" ({fmt.money(po.amount_incl_tax)} incl.) · by {mention(po.requested_by)} on {fmt.day(po.created_at)}"
            )
        )
        blocks.append(po_buttons(po.number))
    if len(orders) > MAX_ORDERS_SHOWN:
        blocks.append(
            _context(
                f"…and {len(orders) - MAX_ORDERS_SHOWN} more, newer; `/credit pending` lists them."
            )
        )
    return blocks


def _run(health: Health, name: str, label: str, fmt: Formatter) -> str:
    run = health.runs.get(name)
    if run is None:
        return f"*{label}*: never"
    if run.finished_at is None:
        return f"*{label}*: started {fmt.moment(run.started_at)}, not finished"
    return f"*{label}*: {fmt.moment(run.finished_at)} ({escape(run.outcome or '')})"


def _health(health: Health, fmt: Formatter) -> list[Block]:
    alone = health.projects_without_channel
    lost = health.unreachable_channels
    lines = [
        "*Projects without a channel*: "
        + (", ".join(f"`{p}`" for p in alone[:MAX_NAMES_SHOWN]) or "none")
        + ("…" if len(alone) > MAX_NAMES_SHOWN else ""),
        "*Channels where I was removed*: "
        + (", ".join(channel(c) for c in lost[:MAX_NAMES_SHOWN]) or "none")
        + ("…" if len(lost) > MAX_NAMES_SHOWN else ""),
        _run(health, SCHEDULED_RUN, "Last alert run", fmt),
        _run(health, PROVIDER_SYNC, "Last OVHcloud sync", fmt),
    ]
    return [DIVIDER, _header("Health"), _section("\n".join(lines))]


def home_view(roles: frozenset[Role], data: Dashboard, fmt: Formatter) -> dict[str, Any]:
    blocks: list[Block] = [*_projects(data.forecasts, fmt)]
    if Role.FINANCE in roles:
        blocks += _orders(data.pending, fmt)
    if Role.ADMIN in roles and data.health is not None:
        blocks += _health(data.health, fmt)
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}
