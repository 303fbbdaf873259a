"""Block Kit for everything the bot posts: small pure functions, each with a text fallback.

Nothing here talks to Slack or the ledger; every sentence comes from the catalogs through
the reader's `Translator`. Tests check each message against Slack's limits, in both languages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
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
    ExternalDataSelectElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot import labels
from bot.i18n import Translator
from bot.slack import ovh_blocks, ovh_words
from bot.slack.formatting import channel, cut, escape, mention
from bot.slack.project_choice import PROJECT_CHOICE, project_option
from ledger.clock import days_left
from ledger.domain import (
    Balance,
    ChargeResult,
    HistoryLine,
    IssuedVoucher,
    LinkedChannel,
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
MAX_TEXT = 40_000  # a message's fallback text; Slack cuts a longer one
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", cut(self.text, MAX_TEXT))

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def _dicts(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def _packed(lines: Sequence[str]) -> list[list[str]]:
    """Lines grouped into as few sections as Slack's 3,000-character limit allows."""
    chunks: list[list[str]] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        line = cut(line, MAX_SECTION - 10)
        if chunk and size + len(line) + 1 > MAX_SECTION - 10:
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        chunks.append(chunk)
    return chunks


def _sections(lines: Sequence[str]) -> list[Block]:
    return [SectionBlock(text=_md("\n".join(chunk))) for chunk in _packed(lines)]


def text_message(text: str) -> Message:
    return Message(text, _dicts([SectionBlock(text=_md(cut(text, MAX_SECTION)))]))


def _listing(lines: Sequence[str], room: int, more: Callable[[int], str]) -> list[Block]:
    """Sections of `lines` within `room` blocks; when they do not all fit, the last block
    says how many more there are (`more(n)`)."""
    chunks = _packed(lines)
    if len(chunks) <= room:
        return [SectionBlock(text=_md("\n".join(chunk))) for chunk in chunks]
    shown = chunks[: room - 1]
    hidden = len(lines) - sum(len(chunk) for chunk in shown)
    return [
        *(SectionBlock(text=_md("\n".join(chunk))) for chunk in shown),
        ContextBlock(elements=[_md(more(hidden))]),
    ]


def error_message(text: str) -> Message:
    return text_message(f":no_entry: {text}")


# --- help -------------------------------------------------------------------------------------


def _member_help(t: Translator) -> list[tuple[str, str]]:
    return [
        (
            t.gettext("`/credit balance [PROJECT]`"),
            t.gettext("what the project can spend, lot by lot"),
        ),
        (t.gettext("`/credit history [PROJECT]`"), t.gettext("the latest ledger entries")),
        (
            t.gettext("`/credit forecast [PROJECT]`"),
            t.gettext("when credit runs out, and what to buy by when"),
        ),
        (
            t.gettext("`/credit chart [PROJECT]`"),
            t.gettext("a picture of the balance and its projection, sent to you"),
        ),
        (
            t.gettext("`/credit buy [AMOUNT] [PROJECT]`"),
            t.gettext("ask finance to buy credit, e.g. `/credit buy 500`; alone, opens a form"),
        ),
        (
            t.gettext("`/credit cancel PO-NUMBER`"),
            t.gettext("cancel your own pending purchase order"),
        ),
        (t.gettext("`/credit redeem CODE [PROJECT]`"), t.gettext("activate a voucher code")),
        (t.gettext("`/credit project list`"), t.gettext("known projects and their channels")),
    ]


def _finance_help(t: Translator) -> list[tuple[str, str]]:
    return [
        (
            t.gettext("`/credit pending`"),
            t.gettext("purchase orders waiting, with Approve / Reject"),
        ),
        (
            t.gettext("`/credit charge AMOUNT [PROJECT] [MEMO…]`"),
            t.gettext("bill a project: vouchers, then credit, the rest due otherwise"),
        ),
        (
            t.gettext("`/credit voucher issue AMOUNT [until YYYY-MM-DD] [PROJECT]`"),
            t.gettext("create a single-use voucher code"),
        ),
    ]


def _admin_help(t: Translator) -> list[tuple[str, str]]:
    return [
        (
            t.gettext("`/credit project add ID NAME… [CURRENCY]`"),
            t.gettext("register a project, e.g. `/credit project add prod-eu Prod EU`"),
        ),
        (t.gettext("`/credit project link ID`"), t.gettext("make ID this channel's project")),
        (
            t.gettext("`/credit project ovh ID SERVICE_NAME`"),
            t.gettext("tie project ID to an OVHcloud project"),
        ),
    ]


def help_message(roles: frozenset[Role], t: Translator) -> Message:
    groups = [(t.gettext("Everyone"), _member_help(t))]
    if Role.FINANCE in roles:
        groups.append((t.gettext("Finance"), _finance_help(t)))
    if Role.ADMIN in roles:
        groups.append((t.gettext("Admin"), _admin_help(t)))
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=t.gettext("Cloud credit: what you can do")))
    ]
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
                    t.gettext(
                        "PROJECT is optional when this channel is linked to one. "
                        "Amounts: `500`, `1 500`, `12,50`, `500 EUR`. Credit expires 13 months "
                        "after purchase; vouchers are spent first."
                    )
                )
            ]
        )
    )
    text = "\n".join(f"{cmd} — {what}" for _, rows in groups for cmd, what in rows)
    return Message(text, _dicts(blocks))


# --- balance and history ----------------------------------------------------------------------


def balance_message(
    view: Balance, t: Translator, outlook: str | None = None, synced: str | None = None
) -> Message:
    project = view.project
    title = t.say(
        "{project}: {amount} available", project=project.name, amount=t.money(view.available)
    )
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=title[:150])),
        SectionBlock(
            fields=[
                _md(t.say("*Vouchers*\n{amount}", amount=t.money(view.vouchers))),
                _md(t.say("*Credit*\n{amount}", amount=t.money(view.credit))),
            ]
        ),
    ]
    if outlook:
        blocks.append(ContextBlock(elements=[_md(outlook)]))
    lines = []
    for lot in view.lots[:MAX_LOTS_SHOWN]:
        left = days_left(view.at, lot.expires_at, t.tz)
        mark = f"{WARNING} " if left < WARN_DAYS else ""
        lines.append(
            mark
            + t.say(
                "*{lot}* — {remaining} left of {initial} · until {until} ({days})",
                lot=escape(t.lot(lot.source)),
                remaining=t.money(lot.remaining),
                initial=t.money(lot.initial),
                until=t.last_day(lot.expires_at),
                days=t.days_left(left),
            )
        )
    if lines:
        blocks.append(DividerBlock())
        blocks.extend(_sections(lines))
    else:
        blocks.append(
            SectionBlock(
                text=_md(
                    t.gettext("No credit or voucher left. `/credit buy` asks finance for more.")
                )
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
                        t.say_n(
                            "…and {n} more lot holding {amount}, spent after those above.",
                            "…and {n} more lots holding {amount}, spent after those above.",
                            len(hidden),
                            amount=t.money(total),
                        )
                    )
                ]
            )
        )
    text = (
        t.say(
            "{project}: {amount} available",
            project=escape(project.name),
            amount=t.money(view.available),
        )
        + " "
        + t.say_n(
            "(vouchers {vouchers}, credit {credit}; {n} lot)",
            "(vouchers {vouchers}, credit {credit}; {n} lots)",
            len(view.lots),
            vouchers=t.money(view.vouchers),
            credit=t.money(view.credit),
        )
    )
    if outlook:
        text += f" {outlook}"
    if synced:
        blocks = [*blocks[: MAX_BLOCKS - 1], ContextBlock(elements=[_md(synced)])]
        text += "\n" + synced
    return Message(text, _dicts(blocks[:MAX_BLOCKS]))


def _shown_key(key: str | None) -> str | None:
    """Keys the bot made up itself (a Slack request, a CLI run) mean nothing to a reader."""
    if not key or key.startswith(("slack:", "cli-")):
        return None
    return key


def history_message(project: ProjectView, lines: Sequence[HistoryLine], t: Translator) -> Message:
    rows = []
    for line in lines:
        note = labels.entry_note(line, t)
        memo = f" — {escape(note)}" if note and line.kind in ("debit", "due", "refund") else ""
        key = _shown_key(line.charge_key)
        lot = escape(t.lot(line.lot_source)) if line.lot_source else ""
        source = " ".join(part for part in (lot, f"`{escape(key)}`" if key else "") if part)
        rows.append(
            f"{t.moment(line.at)} · *{labels.entry_kind(line.kind, t)}* {t.money(line.amount)}"
            f" · {source}{memo}"
        )
    title = t.say("{project}: latest ledger entries", project=project.name)
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=cut(title, 150)))]
    blocks.extend(
        _sections(rows)
        if rows
        else [SectionBlock(text=_md(t.gettext("Nothing has happened on this project yet.")))]
    )
    fallback = t.say("{project}: latest ledger entries", project=escape(project.name))
    return Message(fallback + "\n" + "\n".join(rows), _dicts(blocks[:MAX_BLOCKS]))


# --- purchase orders --------------------------------------------------------------------------


def _po_fields(po: PurchaseOrderView, t: Translator) -> SectionBlock:
    return SectionBlock(
        fields=[
            _md(
                t.say("*Project*\n{name} (`{id}`)", name=escape(po.project.name), id=po.project.id)
            ),
            _md(t.say("*Requested by*\n{who}", who=mention(po.requested_by))),
            _md(t.say("*Amount excl. tax*\n{amount}", amount=t.money(po.amount_excl_tax))),
            _md(
                t.say(
                    "*VAT {rate}%*\n{amount}",
                    rate=rate_text(po.vat_rate_bp),
                    amount=t.money(po.vat),
                )
            ),
            _md(t.say("*Total incl. tax*\n{amount}", amount=t.money(po.amount_incl_tax))),
            _md(t.say("*Requested*\n{when}", when=t.moment(po.created_at))),
        ]
    )


# The buttons' block_id says which message they sit in, so a decision redraws that message:
# an order's own card (`po:NUMBER`), or a row of `/credit pending` or of the digest
# (`pending:NUMBER:MS`, `digest:NUMBER:MS`, MS the instant the list was drawn, in ms).
CARD, PENDING_ROW, DIGEST_ROW = "po", "pending", "digest"


def po_buttons(
    number: str, t: Translator, surface: str = CARD, drawn_at: datetime | None = None
) -> ActionsBlock:
    drawn = f":{round(drawn_at.timestamp() * 1000)}" if drawn_at else ""
    return ActionsBlock(
        block_id=f"{surface}:{number}{drawn}",
        elements=[
            ButtonElement(
                text=t.gettext("Approve"),
                action_id=APPROVE,
                value=number,
                style="primary",
                confirm=ConfirmObject(
                    title=t.gettext("Approve and pay?"),
                    text=t.say("This records payment of {po} and grants the credit.", po=number),
                    confirm=t.gettext("Approve"),
                    deny=t.gettext("Back"),
                ),
            ),
            ButtonElement(text=t.gettext("Reject"), action_id=REJECT, value=number, style="danger"),
        ],
    )


def po_requested(po: PurchaseOrderView, t: Translator, *, announced: bool = True) -> Message:
    head = t.say("Purchase order *{po}* sent to finance for approval.", po=po.number)
    if not announced:
        head += " " + t.gettext(
            "(No finance channel could be reached: finance will find it in `/credit pending`.)"
        )
    blocks = [
        SectionBlock(text=_md(head)),
        _po_fields(po, t),
        ContextBlock(
            elements=[
                _md(
                    t.say(
                        "You can cancel it while it is pending: `/credit cancel {po}`", po=po.number
                    )
                )
            ]
        ),
    ]
    tail = t.say(
        "{excl} excl. tax, {incl} incl. tax.",
        excl=t.money(po.amount_excl_tax),
        incl=t.money(po.amount_incl_tax),
    )
    return Message(f"{head} {tail}", _dicts(blocks))


def po_for_approval(po: PurchaseOrderView, t: Translator) -> Message:
    head = f"*{po.number}* — " + t.say(
        "{requester} asks to buy credit for *{project}*.",
        requester=mention(po.requested_by),
        project=escape(po.project.name),
    )
    blocks: list[Block] = [SectionBlock(text=_md(head)), _po_fields(po, t)]
    if po.status is POStatus.PENDING:
        blocks.append(po_buttons(po.number, t))
    else:
        blocks.append(ContextBlock(elements=[_md(po_outcome(po, t))]))
    ordered = ovh_blocks.provider_order_line(po, t)
    if ordered:
        blocks.append(SectionBlock(text=_md(ordered)))
    text = t.say(
        "{po}: {requester} asks to buy {amount} excl. tax of credit for {project}",
        po=po.number,
        requester=mention(po.requested_by),
        amount=t.money(po.amount_excl_tax),
        project=escape(po.project.name),
    )
    return Message(text, _dicts(blocks))


def po_outcome(po: PurchaseOrderView, t: Translator) -> str:
    who = mention(po.decided_by) if po.decided_by else t.gettext("someone")
    when = t.moment(po.decided_at) if po.decided_at else ""
    icon = {
        POStatus.APPROVED: ":white_check_mark:",
        POStatus.REJECTED: ":x:",
        POStatus.CANCELLED: ":heavy_minus_sign:",
    }.get(po.status, "")
    sentence = {
        POStatus.APPROVED: t.say("Approved by {who} on {when}", who=who, when=when),
        POStatus.REJECTED: t.say("Rejected by {who} on {when}", who=who, when=when),
        POStatus.CANCELLED: t.say("Cancelled by {who} on {when}", who=who, when=when),
    }.get(po.status, labels.po_status(po.status, t))
    line = f"{icon} {sentence}"
    if po.reason:
        line += f": {escape(po.reason)}"
    return line


def po_decided_dm(po: PurchaseOrderView, t: Translator) -> Message:
    if po.status is POStatus.APPROVED:
        until = t.last_day(po.credit_expires_at) if po.credit_expires_at else "?"
        text = t.say(
            "Your purchase order *{po}* was approved by {who}: {amount} of credit on *{project}*, "
            "usable until {until}.",
            po=po.number,
            who=mention(po.decided_by or ""),
            amount=t.money(po.amount_excl_tax),
            project=escape(po.project.name),
            until=until,
        )
    else:
        text = t.say(
            "Your purchase order *{po}* was rejected by {who}: {reason}",
            po=po.number,
            who=mention(po.decided_by or ""),
            reason=escape(po.reason or ""),
        )
    return text_message(text)


def credit_arrived(po: PurchaseOrderView, t: Translator) -> Message:
    until = t.last_day(po.credit_expires_at) if po.credit_expires_at else "?"
    return text_message(
        ":moneybag: "
        + t.say(
            "{amount} of credit arrived on *{project}* ({po}), usable until {until}.",
            amount=t.money(po.amount_excl_tax),
            project=escape(po.project.name),
            po=po.number,
            until=until,
        )
    )


def po_cancelled(number: str, t: Translator) -> Message:
    return text_message(t.say("Purchase order *{po}* is cancelled.", po=number))


def po_line(po: PurchaseOrderView, t: Translator) -> str:
    """One order in a list: number, project, amounts, who asked and when, and the state of
    its OVHcloud order where it needs finance."""
    state = ovh_words.order_state(po, t)
    return (f":warning: {state} · " if state else "") + t.say(
        "*{po}* · {project} · {excl} excl. tax ({incl} incl.) · by {who} on {day}",
        po=po.number,
        project=escape(po.project.name),
        excl=t.money(po.amount_excl_tax),
        incl=t.money(po.amount_incl_tax),
        who=mention(po.requested_by),
        day=t.day(po.created_at),
    )


def pending_list(
    orders: Sequence[PurchaseOrderView],
    t: Translator,
    surface: str = PENDING_ROW,
    drawn_at: datetime | None = None,
) -> Message:
    """Pending orders with their buttons; an order decided from this list keeps its row,
    with the decision in place of the buttons."""
    if not orders:
        return text_message(t.gettext("No purchase order is waiting for approval."))
    waiting = sum(po.status is POStatus.PENDING for po in orders)
    title = t.say_n("{n} purchase order waiting", "{n} purchase orders waiting", waiting)
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=title))]
    for po in orders[:MAX_PENDING_SHOWN]:
        blocks.append(SectionBlock(text=_md(po_line(po, t))))
        if po.status is POStatus.PENDING:
            blocks.append(po_buttons(po.number, t, surface, drawn_at))
        else:
            blocks.append(ContextBlock(elements=[_md(po_outcome(po, t))]))
    if len(orders) > MAX_PENDING_SHOWN:
        blocks.append(
            ContextBlock(
                elements=[
                    _md(
                        t.say_n(
                            "…and {n} more; decide these first.",
                            "…and {n} more; decide these first.",
                            len(orders) - MAX_PENDING_SHOWN,
                        )
                    )
                ]
            )
        )
    text = "\n".join(f"{po.number} {po.project.id} {t.money(po.amount_excl_tax)}" for po in orders)
    return Message(f"{title}:\n{text}", _dicts(blocks))


# --- vouchers, charges, projects --------------------------------------------------------------


def voucher_issued(voucher: IssuedVoucher, t: Translator) -> Message:
    values = {"amount": t.money(voucher.amount), "until": t.last_day(voucher.expires_at)}
    if voucher.project_id:
        head = t.say(
            "Voucher of {amount} for project *{project}*, valid until {until}:",
            project=escape(voucher.project_name or voucher.project_id),
            **values,
        )
    else:
        head = t.say("Voucher of {amount}, valid until {until}:", **values)
    if voucher.code is None:
        again = t.say(
            "This request already issued voucher …{last4}; its code was shown once and is not kept.",
            last4=voucher.last4,
        )
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
        ContextBlock(
            elements=[
                _md(
                    t.gettext(
                        "This code is shown once. Copy it now; only its last four characters are kept."
                    )
                )
            ]
        ),
    ]
    return Message(f"{head} {voucher.code}", _dicts(blocks))


def voucher_announced(voucher: IssuedVoucher, t: Translator) -> Message:
    """News for the finance channel: who issued what, never the code."""
    values = {
        "who": mention(voucher.issued_by),
        "last4": voucher.last4,
        "amount": t.money(voucher.amount),
        "until": t.last_day(voucher.expires_at),
    }
    if voucher.project_id:
        text = t.say(
            "{who} issued voucher …{last4}: {amount} for *{project}*, valid until {until}.",
            project=escape(voucher.project_name or voucher.project_id),
            **values,
        )
    else:
        text = t.say(
            "{who} issued voucher …{last4}: {amount} for any project, valid until {until}.",
            **values,
        )
    return text_message(text)


def voucher_redeemed(redeemed: RedeemedVoucher, t: Translator, who: str | None = None) -> Message:
    values = {
        "last4": redeemed.last4,
        "amount": t.money(redeemed.amount),
        "project": escape(redeemed.project.name),
        "until": t.last_day(redeemed.expires_at),
    }
    if who is None:
        return text_message(
            ":tada: "
            + t.say(
                "Voucher …{last4} redeemed: {amount} on *{project}*, usable until {until}.",
                **values,
            )
        )
    return text_message(
        t.say(
            "{who} redeemed voucher …{last4}: {amount} on *{project}*, usable until {until}.",
            who=mention(who),
            **values,
        )
    )


def charge_result(result: ChargeResult, t: Translator) -> Message:
    lines = [f"• {escape(t.lot_from(a.source, a.amount))}" for a in result.allocations]
    values = {"amount": t.money(result.amount), "project": escape(result.project.name)}
    if result.repeated:
        head = t.say(
            "Charged {amount} to *{project}* (already recorded: nothing more was spent)", **values
        )
    else:
        head = t.say("Charged {amount} to *{project}*", **values)
    if not lines:
        lines.append("• " + t.gettext("nothing from credit: there was none left"))
    tail = (
        t.say("Due by other payment means: *{amount}*", amount=t.money(result.due_other))
        if result.due_other
        else t.gettext("Fully paid from credit.")
    )
    blocks: list[Block] = [
        SectionBlock(text=_md(head)),
        *_sections(lines[:40]),
        ContextBlock(elements=[_md(tail)]),
    ]
    return Message(f"{head}. {tail}", _dicts(blocks))


def charge_news(result: ChargeResult, who: str, t: Translator) -> Message:
    values = {
        "who": mention(who),
        "amount": t.money(result.amount),
        "project": escape(result.project.name),
    }
    due = (
        " " + t.say("{amount} is due by other payment means.", amount=t.money(result.due_other))
        if result.due_other
        else ""
    )
    if result.memo:

        def news(memo: str) -> str:
            return t.say("{who} charged {amount} to *{project}* ({memo}).", memo=memo, **values)

        # The memo gives way, so that the message fits one section whole.
        room = MAX_SECTION - len(news("")) - len(due)
        text = news(cut(escape(result.memo), room))
    else:
        text = t.say("{who} charged {amount} to *{project}*.", **values)
    return text_message(text + due)


def project_added(view: ProjectView, t: Translator) -> Message:
    return text_message(
        t.say(
            "Project *{name}* (`{id}`) added, in {currency}, VAT {vat}%.",
            name=escape(view.name),
            id=view.id,
            currency=view.currency,
            vat=rate_text(view.vat_rate_bp),
        )
    )


def channel_linked(linked: LinkedChannel, t: Translator) -> Message:
    text = t.say(
        "This channel now belongs to project *{project}*.", project=escape(linked.project.name)
    )
    if linked.previous:
        text += " " + t.say(
            "It no longer belongs to project `{previous}`.", previous=escape(linked.previous)
        )
    return text_message(text)


def project_list(projects: Sequence[ProjectView], t: Translator) -> Message:
    if not projects:
        return no_project(t)
    lines = [
        t.say(
            "`{id}` *{name}* · {currency} · VAT {vat}% · {channels}",
            id=p.id,
            name=escape(p.name),
            currency=p.currency,
            vat=rate_text(p.vat_rate_bp),
            channels=", ".join(channel(c) for c in p.channels[:20]) or t.gettext("no channel"),
        )
        for p in projects
    ]
    title = t.gettext("Projects")
    listing = _listing(
        lines,
        MAX_BLOCKS - 1,
        lambda n: t.say_n("…and {n} more project.", "…and {n} more projects.", n),
    )
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=title)), *listing]
    return Message(f"{title}:\n" + "\n".join(lines), _dicts(blocks))


# --- modals -----------------------------------------------------------------------------------


def no_project(t: Translator) -> Message:
    return text_message(
        t.gettext("No project yet. An admin adds one with `/credit project add ID NAME`.")
    )


def buy_modal(
    selected: ProjectView | None,
    channel_id: str,
    currency_hint: str,
    t: Translator,
) -> dict[str, Any]:
    """The buy form. Its project menu loads its options from the bot as the person types
    (`bot/slack/project_choice.py`), so it holds every project, `selected` chosen already."""
    view = View(
        type="modal",
        callback_id=BUY_MODAL,
        title=t.gettext("Buy cloud credit"),
        submit=t.gettext("Request"),
        close=t.gettext("Cancel"),
        private_metadata=json.dumps({"channel": channel_id}),
        blocks=[
            InputBlock(
                block_id="amount",
                label=t.gettext("Amount excl. tax"),
                element=PlainTextInputElement(
                    action_id="value",
                    placeholder=t.say("e.g. 500 {currency}", currency=currency_hint),
                ),
                hint=t.gettext(
                    "Whole units, excluding tax. Finance approves it before the credit appears."
                ),
            ),
            InputBlock(
                block_id="project",
                label=t.gettext("Project"),
                element=ExternalDataSelectElement(
                    action_id=PROJECT_CHOICE,
                    initial_option=project_option(selected) if selected else None,
                    min_query_length=0,
                    placeholder=t.gettext("Choose a project"),
                ),
            ),
        ],
    )
    return view.to_dict()


def reject_modal(number: str, source: dict[str, str], t: Translator) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=REJECT_MODAL,
        title=t.gettext("Reject purchase order"),
        submit=t.gettext("Reject"),
        close=t.gettext("Back"),
        private_metadata=json.dumps({"po": number, **source}),
        blocks=[
            SectionBlock(
                text=_md(t.say("Reject *{po}*? The requester will see your reason.", po=number))
            ),
            InputBlock(
                block_id="reason",
                label=t.gettext("Why is it rejected?"),
                element=PlainTextInputElement(action_id="value", multiline=True, max_length=500),
            ),
        ],
    )
    return view.to_dict()


# --- scheduled notices ------------------------------------------------------------------------


def expiry_warning(
    project_name: str, items: Sequence[tuple[LotView, int]], t: Translator
) -> Message:
    """One message per project and run, listing every lot that crossed a threshold."""
    lines = [
        f"{WARNING} "
        + t.say(
            "*{lot}* — {remaining} left, usable until {until} ({days})",
            lot=escape(t.lot(lot.source)),
            remaining=t.money(lot.remaining),
            until=t.last_day(lot.expires_at),
            days=t.days_left(left),
        )
        for lot, left in items[:MAX_LOTS_SHOWN]
    ]
    if len(items) > MAX_LOTS_SHOWN:
        lines.append(
            t.say_n(
                "…and {n} more lot expiring soon.",
                "…and {n} more lots expiring soon.",
                len(items) - MAX_LOTS_SHOWN,
            )
        )
    head = t.say(
        "Credit on *{project}* expires soon. Spend it, or it is lost:",
        project=escape(project_name),
    )
    blocks: list[Block] = [SectionBlock(text=_md(head)), *_sections(lines)]
    fallback = t.say("Credit on {project} expires soon:", project=escape(project_name))
    return Message(fallback + "\n" + "\n".join(lines), _dicts(blocks[:MAX_BLOCKS]))


def forfeiture(project_name: str, items: Sequence[tuple[LotView, Money]], t: Translator) -> Message:
    lines = [
        "• "
        + t.say(
            "{lot}: {amount} expired unused on {when}",
            lot=escape(t.lot(lot.source)),
            amount=t.money(amount),
            when=_expired_at(lot.expires_at, t),
        )
        for lot, amount in items[:MAX_LOTS_SHOWN]
    ]
    if len(items) > MAX_LOTS_SHOWN:
        lines.append(
            t.say_n("…and {n} more lot.", "…and {n} more lots.", len(items) - MAX_LOTS_SHOWN)
        )
    head = ":hourglass: " + t.say(
        "Credit on *{project}* has expired and is lost:", project=escape(project_name)
    )
    blocks: list[Block] = [SectionBlock(text=_md(head)), *_sections(lines)]
    fallback = t.say("Credit on {project} has expired:", project=escape(project_name))
    return Message(fallback + "\n" + "\n".join(lines), _dicts(blocks[:MAX_BLOCKS]))


def _expired_at(expires_at: datetime, t: Translator) -> str:
    """The day it expired: a voucher valid until D expires at 00:00 of D+1, so D+1."""
    local = expires_at.astimezone(t.tz)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return t.day(local)
    return t.moment(local)


def po_digest(
    orders: Sequence[PurchaseOrderView],
    days: int,
    t: Translator,
    drawn_at: datetime | None = None,
) -> Message:
    listing = pending_list(orders, t, DIGEST_ROW, drawn_at)
    waiting = sum(po.status is POStatus.PENDING for po in orders)
    for_days = t.say_n("{n} day", "{n} days", days)
    waited = t.say_n(
        "{n} purchase order has waited more than {days}:",
        "{n} purchase orders have waited more than {days}:",
        waiting,
        days=for_days,
    )
    head = SectionBlock(text=_md(f":alarm_clock: {waited}"))
    return Message(waited.rstrip(":"), [head.to_dict(), *listing.blocks[1:]][:MAX_BLOCKS])


def all_decided(t: Translator) -> Message:
    return text_message(t.gettext("All purchase orders are decided."))


def channel_unreachable(channel_id: str, error: str, t: Translator) -> Message:
    return text_message(
        ":warning: "
        + t.say(
            "I could not post to {channel} (`{error}`). Invite me there or link another channel.",
            channel=channel(channel_id),
            error=error,
        )
    )
