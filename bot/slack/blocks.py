"""Block Kit for everything the bot posts: small pure functions, each with a text fallback.

Nothing here talks to Slack or the ledger; tests check each message against Slack's limits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.slack import ovh_blocks, wording
from bot.slack.formatting import Formatter, channel, escape, mention
from ledger.clock import days_left
from ledger.domain import (
    Balance,
    ChargeResult,
    HistoryLine,
    IssuedVoucher,
    LotKind,
    LotView,
    POStatus,
    ProjectView,
    PurchaseOrderView,
    RedeemedVoucher,
    Role,
)
from ledger.money import Money, rate_text

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_LOTS_SHOWN = 30
MAX_PENDING_SHOWN = 15
WARN_DAYS = 30
WARNING = ":warning:"

APPROVE = "po_approve"
REJECT = "po_reject"
BUY_MODAL = "buy_modal"
REJECT_MODAL = "po_reject_modal"


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def _dicts(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def _sections(lines: Sequence[str]) -> list[Block]:
    """Lines packed into as few sections as Slack's 3,000-character limit allows."""
    sections: list[Block] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        line = line[: MAX_SECTION - 10]
        if chunk and size + len(line) + 1 > MAX_SECTION - 10:
            sections.append(SectionBlock(text=_md("\n".join(chunk))))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        sections.append(SectionBlock(text=_md("\n".join(chunk))))
    return sections


def text_message(text: str) -> Message:
    return Message(text, _dicts([SectionBlock(text=_md(text[:MAX_SECTION]))]))


def error_message(text: str) -> Message:
    return text_message(f":no_entry: {text}")


# --- help -------------------------------------------------------------------------------------

_MEMBER_HELP = [
    ("`/credit balance [PROJECT]`", "what the project can spend, lot by lot"),
    ("`/credit history [PROJECT]`", "the latest ledger entries"),
    ("`/credit forecast [PROJECT]`", "when credit runs out, and what to buy by when"),
    ("`/credit chart [PROJECT]`", "a picture of the balance and its projection, sent to you"),
    (
        "`/credit buy [AMOUNT] [PROJECT]`",
        "ask finance to buy credit, e.g. `/credit buy 500`; alone, opens a form",
    ),
    ("`/credit cancel PO-NUMBER`", "cancel your own pending purchase order"),
    ("`/credit redeem CODE [PROJECT]`", "activate a voucher code"),
    ("`/credit project list`", "known projects and their channels"),
]
_FINANCE_HELP = [
    ("`/credit pending`", "purchase orders waiting, with Approve / Reject"),
    (
        "`/credit charge AMOUNT [PROJECT] [MEMO…]`",
        "bill a project: vouchers, then credit, the rest due otherwise",
    ),
    (
        "`/credit voucher issue AMOUNT [until YYYY-MM-DD] [PROJECT]`",
        "create a single-use voucher code",
    ),
]
_ADMIN_HELP = [
    (
        "`/credit project add ID NAME… [CURRENCY]`",
        "register a project, e.g. `/credit project add prod-eu Prod EU`",
    ),
    ("`/credit project link ID`", "make ID this channel's project"),
    ("`/credit project ovh ID SERVICE_NAME`", "tie project ID to an OVHcloud project"),
]


def help_message(roles: frozenset[Role]) -> Message:
    groups = [("Everyone", _MEMBER_HELP)]
    if Role.FINANCE in roles:
        groups.append(("Finance", _FINANCE_HELP))
    if Role.ADMIN in roles:
        groups.append(("Admin", _ADMIN_HELP))
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text="Cloud credit: what you can do"))]
    for title, rows in groups:
        blocks.append(
            SectionBlock(
                text=_md(f"*{title}*\n" + "\n".join(f"{cmd} — {what}" for cmd, what in rows))
            )
        )
    blocks.append(
        ContextBlock(
            elements=[
                _md(
                    "PROJECT is optional when this channel is linked to one. "
                    "Amounts: `500`, `1 500`, `12,50`, `500 EUR`. Credit expires 13 months after purchase; "
                    "vouchers are spent first."
                )
            ]
        )
    )
    text = "\n".join(f"{cmd} — {what}" for _, rows in groups for cmd, what in rows)
    return Message(text, _dicts(blocks))


# --- balance and history ----------------------------------------------------------------------


def balance_message(
    view: Balance, fmt: Formatter, outlook: str | None = None, synced: str | None = None
) -> Message:
    project = view.project
    title = f"{project.name}: {fmt.money(view.available)} available"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=title[:150])),
        SectionBlock(
            fields=[
                _md(f"*Vouchers*\n{fmt.money(view.vouchers)}"),
                _md(f"*Credit*\n{fmt.money(view.credit)}"),
            ]
        ),
    ]
    if outlook:
        blocks.append(ContextBlock(elements=[_md(outlook)]))
    lines = []
    for lot in view.lots[:MAX_LOTS_SHOWN]:
        left = days_left(view.at, lot.expires_at, fmt.tz)
        mark = f"{WARNING} " if left < WARN_DAYS else ""
        kind = "Voucher" if lot.kind is LotKind.VOUCHER else "Credit"
        lines.append(
            f"{mark}*{kind}* {escape(lot.source)} — {fmt.money(lot.remaining)} left of {fmt.money(lot.initial)}"
            f" · until {fmt.last_day(lot.expires_at)} ({_days(left)})"
        )
    if lines:
        blocks.append(DividerBlock())
        blocks.extend(_sections(lines))
    else:
        blocks.append(
            SectionBlock(
                text=_md("No credit or voucher left. `/credit buy` asks finance for more.")
            )
        )
    hidden = view.lots[MAX_LOTS_SHOWN:]
    if hidden:
        total = hidden[0].remaining
        for lot in hidden[1:]:
            total = total + lot.remaining
        blocks.append(
            ContextBlock(
                elements=[
                    _md(
                        f"…and {len(hidden)} more lots holding {fmt.money(total)}, spent after those above."
                    )
                ]
            )
        )
    text = f"{title} (vouchers {fmt.money(view.vouchers)}, credit {fmt.money(view.credit)}; {len(view.lots)} lots)"
    if outlook:
        text += f" {outlook}"
    if synced:
        blocks = [*blocks[: MAX_BLOCKS - 1], ContextBlock(elements=[_md(synced)])]
        text += "\n" + synced
    return Message(text, _dicts(blocks[:MAX_BLOCKS]))


def _days(left: int) -> str:
    if left <= 0:
        return "last day"
    return "1 day left" if left == 1 else f"{left} days left"


_KIND_LABEL = {
    "grant": "Granted",
    "debit": "Spent",
    "expiry": "Expired",
    "void": "Voided",
    "due": "Due by other payment means",
    "refund": "Refunded",
}


def history_message(project: ProjectView, lines: Sequence[HistoryLine], fmt: Formatter) -> Message:
    rows = []
    for line in lines:
        memo = f" — {escape(line.memo)}" if line.memo and line.kind in ("debit", "due") else ""
        key = f"`{escape(line.charge_key)}`" if line.charge_key else ""
        source = " ".join(part for part in (escape(line.lot_source), key) if part)
        rows.append(
            f"{fmt.moment(line.at)} · *{_KIND_LABEL.get(line.kind, line.kind)}* {fmt.money(line.amount)}"
            f" · {source}{memo}"
        )
    title = f"{project.name}: latest ledger entries"
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=title[:150]))]
    blocks.extend(
        _sections(rows)
        if rows
        else [SectionBlock(text=_md("Nothing has happened on this project yet."))]
    )
    return Message(title + "\n" + "\n".join(rows), _dicts(blocks[:MAX_BLOCKS]))


# --- purchase orders --------------------------------------------------------------------------


def _po_fields(po: PurchaseOrderView, fmt: Formatter) -> SectionBlock:
    return SectionBlock(
        fields=[
            _md(f"*Project*\n{escape(po.project.name)} (`{po.project.id}`)"),
            _md(f"*Requested by*\n{mention(po.requested_by)}"),
            _md(f"*Amount excl. tax*\n{fmt.money(po.amount_excl_tax)}"),
            _md(f"*VAT {rate_text(po.vat_rate_bp)} %*\n{fmt.money(po.vat)}"),
            _md(f"*Total incl. tax*\n{fmt.money(po.amount_incl_tax)}"),
            _md(f"*Requested*\n{fmt.moment(po.created_at)}"),
        ]
    )


# The buttons' block_id says which message they sit in, so a decision redraws that message:
# an order's own card (`po:NUMBER`), or a row of `/credit pending` or of the digest
# (`pending:NUMBER:MS`, `digest:NUMBER:MS`, MS the instant the list was drawn, in ms).
CARD, PENDING_ROW, DIGEST_ROW = "po", "pending", "digest"


def po_buttons(number: str, surface: str = CARD, drawn_at: datetime | None = None) -> ActionsBlock:
    drawn = f":{round(drawn_at.timestamp() * 1000)}" if drawn_at else ""
    return ActionsBlock(
        block_id=f"{surface}:{number}{drawn}",
        elements=[
            ButtonElement(
                text="Approve",
                action_id=APPROVE,
                value=number,
                style="primary",
                confirm=ConfirmObject(
                    title="Approve and pay?",
                    text=f"This records payment of {number} and grants the credit.",
                    confirm="Approve",
                    deny="Back",
                ),
            ),
            ButtonElement(text="Reject", action_id=REJECT, value=number, style="danger"),
        ],
    )


def po_requested(po: PurchaseOrderView, fmt: Formatter, *, announced: bool = True) -> Message:
    head = wording.PO_REQUESTED.format(po=po.number)
    if not announced:
        head += " " + wording.PO_NOT_ANNOUNCED
    blocks = [
        SectionBlock(text=_md(head)),
        _po_fields(po, fmt),
        ContextBlock(
            elements=[_md(f"You can cancel it while it is pending: `/credit cancel {po.number}`")]
        ),
    ]
    return Message(
        f"{head} {fmt.money(po.amount_excl_tax)} excl. tax, {fmt.money(po.amount_incl_tax)} incl. tax.",
        _dicts(blocks),
    )


def po_for_approval(po: PurchaseOrderView, fmt: Formatter) -> Message:
    head = f"*{po.number}* — " + wording.PO_ANNOUNCED.format(
        requester=mention(po.requested_by), project=escape(po.project.name)
    )
    blocks: list[Block] = [SectionBlock(text=_md(head)), _po_fields(po, fmt)]
    if po.status is POStatus.PENDING:
        blocks.append(po_buttons(po.number))
    else:
        blocks.append(ContextBlock(elements=[_md(po_outcome(po, fmt))]))
    ordered = ovh_blocks.provider_order_line(po, fmt)
    if ordered:
        blocks.append(SectionBlock(text=_md(ordered)))
    text = f"{po.number}: {po.requested_by} asks to buy {fmt.money(po.amount_excl_tax)} excl. tax of credit for {po.project.name}"
    return Message(text, _dicts(blocks))


def po_outcome(po: PurchaseOrderView, fmt: Formatter) -> str:
    who = mention(po.decided_by) if po.decided_by else "someone"
    when = fmt.moment(po.decided_at) if po.decided_at else ""
    icon = {
        POStatus.APPROVED: ":white_check_mark:",
        POStatus.REJECTED: ":x:",
        POStatus.CANCELLED: ":heavy_minus_sign:",
    }.get(po.status, "")
    line = f"{icon} {po.status.value.capitalize()} by {who} on {when}"
    if po.reason:
        line += f": {escape(po.reason)}"
    return line


def po_decided_dm(po: PurchaseOrderView, fmt: Formatter) -> Message:
    if po.status is POStatus.APPROVED:
        until = fmt.last_day(po.credit_expires_at) if po.credit_expires_at else "?"
        text = wording.PO_APPROVED_DM.format(
            po=po.number,
            who=mention(po.decided_by or ""),
            amount=fmt.money(po.amount_excl_tax),
            project=escape(po.project.name),
            until=until,
        )
    else:
        text = wording.PO_REJECTED_DM.format(
            po=po.number, who=mention(po.decided_by or ""), reason=escape(po.reason or "")
        )
    return text_message(text)


def credit_arrived(po: PurchaseOrderView, fmt: Formatter) -> Message:
    until = fmt.last_day(po.credit_expires_at) if po.credit_expires_at else "?"
    return text_message(
        ":moneybag: "
        + wording.CREDIT_ARRIVED.format(
            amount=fmt.money(po.amount_excl_tax),
            project=escape(po.project.name),
            po=po.number,
            until=until,
        )
    )


def pending_list(
    orders: Sequence[PurchaseOrderView],
    fmt: Formatter,
    surface: str = PENDING_ROW,
    drawn_at: datetime | None = None,
) -> Message:
    """Pending orders with their buttons; an order decided from this list keeps its row,
    with the decision in place of the buttons."""
    if not orders:
        return text_message(wording.NOTHING_PENDING)
    waiting = sum(po.status is POStatus.PENDING for po in orders)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"{waiting} purchase orders waiting"))
    ]
    for po in orders[:MAX_PENDING_SHOWN]:
        blocks.append(
            SectionBlock(
                text=_md(
                    f"*{po.number}* · {escape(po.project.name)} · {fmt.money(po.amount_excl_tax)} excl. tax"
                    f" ({fmt.money(po.amount_incl_tax)} incl.) · by {mention(po.requested_by)} on {fmt.day(po.created_at)}"
                )
            )
        )
        if po.status is POStatus.PENDING:
            blocks.append(po_buttons(po.number, surface, drawn_at))
        else:
            blocks.append(ContextBlock(elements=[_md(po_outcome(po, fmt))]))
    if len(orders) > MAX_PENDING_SHOWN:
        blocks.append(
            ContextBlock(
                elements=[_md(f"…and {len(orders) - MAX_PENDING_SHOWN} more; decide these first.")]
            )
        )
    text = "\n".join(
        f"{po.number} {po.project.id} {fmt.money(po.amount_excl_tax)}" for po in orders
    )
    return Message(f"{waiting} purchase orders waiting:\n{text}", _dicts(blocks))


# --- vouchers, charges, projects --------------------------------------------------------------


def voucher_issued(voucher: IssuedVoucher, fmt: Formatter) -> Message:
    scope = f" for project `{voucher.project_id}`" if voucher.project_id else ""
    head = f"Voucher of {fmt.money(voucher.amount)}{scope}, valid until {fmt.last_day(voucher.expires_at)}:"
    if voucher.code is None:
        again = wording.VOUCHER_ISSUED_BEFORE.format(last4=voucher.last4)
        return Message(
            f"{head} …{voucher.last4}. {again}",
            _dicts(
                [
                    SectionBlock(text=_md(f"{head} …{voucher.last4}")),
                    ContextBlock(elements=[_md(again)]),
                ]
            ),
        )
    blocks = [
        SectionBlock(text=_md(f"{head}\n`{voucher.code}`")),
        ContextBlock(elements=[_md(wording.VOUCHER_SHOWN_ONCE)]),
    ]
    return Message(f"{head} {voucher.code}", _dicts(blocks))


def voucher_announced(voucher: IssuedVoucher, fmt: Formatter) -> Message:
    """News for the finance channel: who issued what, never the code."""
    text = wording.VOUCHER_ANNOUNCED.format(
        who=mention(voucher.issued_by),
        last4=voucher.last4,
        amount=fmt.money(voucher.amount),
        scope=f"*{escape(voucher.project_id)}*"
        if voucher.project_id
        else wording.VOUCHER_ANY_PROJECT,
        until=fmt.last_day(voucher.expires_at),
    )
    return text_message(text)


def voucher_redeemed(redeemed: RedeemedVoucher, fmt: Formatter, who: str | None = None) -> Message:
    values = {
        "last4": redeemed.last4,
        "amount": fmt.money(redeemed.amount),
        "project": escape(redeemed.project.name),
        "until": fmt.last_day(redeemed.expires_at),
    }
    if who is None:
        return text_message(":tada: " + wording.VOUCHER_REDEEMED.format(**values))
    return text_message(wording.VOUCHER_REDEEMED_NEWS.format(who=mention(who), **values))


def charge_result(result: ChargeResult, fmt: Formatter) -> Message:
    lines = [
        f"• {fmt.money(a.amount)} from {'voucher' if a.kind is LotKind.VOUCHER else 'credit'} {escape(a.source)}"
        for a in result.allocations
    ]
    head = f"Charged {fmt.money(result.amount)} to *{escape(result.project.name)}*" + (
        " (already recorded: nothing more was spent)" if result.repeated else ""
    )
    if not lines:
        lines.append("• nothing from credit: there was none left")
    tail = (
        f"Due by other payment means: *{fmt.money(result.due_other)}*"
        if result.due_other
        else "Fully paid from credit."
    )
    blocks: list[Block] = [
        SectionBlock(text=_md(head)),
        *_sections(lines[:40]),
        ContextBlock(elements=[_md(tail)]),
    ]
    return Message(f"{head}. {tail}", _dicts(blocks))


def charge_news(result: ChargeResult, who: str, fmt: Formatter) -> Message:
    memo = f" ({escape(result.memo)})" if result.memo else ""
    text = wording.CHARGE_NEWS.format(
        who=mention(who),
        amount=fmt.money(result.amount),
        project=escape(result.project.name),
        memo=memo,
    )
    if result.due_other:
        text += f" {fmt.money(result.due_other)} is due by other payment means."
    return text_message(text)


def project_list(projects: Sequence[ProjectView]) -> Message:
    if not projects:
        return text_message("No project yet. An admin adds one with `/credit project add ID NAME`.")
    lines = [
        f"`{p.id}` *{escape(p.name)}* · {p.currency} · VAT {rate_text(p.vat_rate_bp)} % · "
        + (", ".join(channel(c) for c in p.channels[:20]) or "no channel")
        for p in projects
    ]
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text="Projects")), *_sections(lines)]
    return Message("Projects:\n" + "\n".join(lines), _dicts(blocks[:MAX_BLOCKS]))


# --- modals -----------------------------------------------------------------------------------


def buy_modal(
    projects: Sequence[ProjectView], selected: str | None, channel_id: str, currency_hint: str
) -> dict[str, Any]:
    options = [Option(value=p.id, text=f"{p.name} ({p.id})"[:75]) for p in projects[:100]]
    initial = next((o for o in options if o.value == selected), None)
    view = View(
        type="modal",
        callback_id=BUY_MODAL,
        title="Buy cloud credit",
        submit="Request",
        close="Cancel",
        private_metadata=json.dumps({"channel": channel_id}),
        blocks=[
            InputBlock(
                block_id="amount",
                label=wording.BUY_AMOUNT_LABEL,
                element=PlainTextInputElement(
                    action_id="value", placeholder=f"e.g. 500 {currency_hint}"
                ),
                hint="Whole units, excluding tax. Finance approves it before the credit appears.",
            ),
            InputBlock(
                block_id="project",
                label=wording.BUY_PROJECT_LABEL,
                element=StaticSelectElement(
                    action_id="value",
                    options=options,
                    initial_option=initial,
                    placeholder="Choose a project",
                ),
            ),
        ],
    )
    return view.to_dict()


def reject_modal(number: str, source: dict[str, str]) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=REJECT_MODAL,
        title="Reject purchase order",
        submit="Reject",
        close="Back",
        private_metadata=json.dumps({"po": number, **source}),
        blocks=[
            SectionBlock(text=_md(f"Reject *{number}*? The requester will see your reason.")),
            InputBlock(
                block_id="reason",
                label=wording.REJECT_REASON_LABEL,
                element=PlainTextInputElement(action_id="value", multiline=True, max_length=500),
            ),
        ],
    )
    return view.to_dict()


# --- scheduled notices ------------------------------------------------------------------------


def expiry_warning(
    project_name: str, items: Sequence[tuple[LotView, int]], fmt: Formatter
) -> Message:
    """One message per project and run, listing every lot that crossed a threshold."""
    lines = []
    for lot, left in items[:MAX_LOTS_SHOWN]:
        kind = "Voucher" if lot.kind is LotKind.VOUCHER else "Credit"
        lines.append(
            f"{WARNING} *{kind}* {escape(lot.source)} — {fmt.money(lot.remaining)} left, "
            f"usable until {fmt.last_day(lot.expires_at)} ({_days(left)})"
        )
    if len(items) > MAX_LOTS_SHOWN:
        lines.append(f"…and {len(items) - MAX_LOTS_SHOWN} more lots expiring soon.")
    head = f"Credit on *{escape(project_name)}* expires soon. Spend it, or it is lost:"
    blocks: list[Block] = [SectionBlock(text=_md(head)), *_sections(lines)]
    return Message(
        f"Credit on {project_name} expires soon:\n" + "\n".join(lines), _dicts(blocks[:MAX_BLOCKS])
    )


def forfeiture(
    project_name: str, items: Sequence[tuple[LotView, Money]], fmt: Formatter
) -> Message:
    lines = [
        f"• {escape(lot.source)}: {fmt.money(amount)} expired unused on {fmt.last_day(lot.expires_at)}"
        for lot, amount in items[:MAX_LOTS_SHOWN]
    ]
    if len(items) > MAX_LOTS_SHOWN:
        lines.append(f"…and {len(items) - MAX_LOTS_SHOWN} more lots.")
    head = f":hourglass: Credit on *{escape(project_name)}* has expired and is lost:"
    blocks: list[Block] = [SectionBlock(text=_md(head)), *_sections(lines)]
    return Message(
        f"Credit on {project_name} has expired:\n" + "\n".join(lines), _dicts(blocks[:MAX_BLOCKS])
    )


def po_digest(
    orders: Sequence[PurchaseOrderView],
    days: int,
    fmt: Formatter,
    drawn_at: datetime | None = None,
) -> Message:
    listing = pending_list(orders, fmt, DIGEST_ROW, drawn_at)
    waiting = sum(po.status is POStatus.PENDING for po in orders)
    head = SectionBlock(
        text=_md(f":alarm_clock: {waiting} purchase orders have waited more than {days} days:")
    )
    return Message(
        f"{waiting} purchase orders waiting for more than {days} days",
        [head.to_dict(), *listing.blocks[1:]][:MAX_BLOCKS],
    )


def channel_unreachable(channel_id: str, error: str) -> Message:
    return text_message(
        ":warning: " + wording.CHANNEL_UNREACHABLE.format(channel=channel(channel_id), error=error)
    )
