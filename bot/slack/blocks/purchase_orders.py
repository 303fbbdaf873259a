"""Purchase orders: the request, finance's card with Approve and Reject, the decision told to
the requester, the pending list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    PlainTextObject,
    SectionBlock,
)

from bot import autopilot_words, labels
from bot.i18n import Translator
from bot.slack.blocks import ovh
from bot.slack.blocks.common import Message, _dicts, _md, text_message
from bot.slack.formatting import escape, mention
from ledger.domain import POStatus, PurchaseOrderView
from ledger.money import rate_text

MAX_PENDING_SHOWN = 15
APPROVE = "po_approve"
REJECT = "po_reject"


def _po_fields(po: PurchaseOrderView, t: Translator) -> SectionBlock:
    return SectionBlock(
        fields=[
            _md(
                t.say("*Project*\n{name} (`{id}`)", name=escape(po.project.name), id=po.project.id)
            ),
            _md(t.say("*Requested by*\n{who}", who=t.person(po.requested_by))),
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
    if po.drafted is not None:
        head = f"*{po.number}* — :robot_face: " + t.say(
            "The autopilot drafted this order for *{project}*.", project=escape(po.project.name)
        )
        head += "\n" + autopilot_words.drafted(po.drafted, t)
    else:
        head = f"*{po.number}* — " + t.say(
            "{requester} asks to buy credit for *{project}*.",
            requester=t.person(po.requested_by),
            project=escape(po.project.name),
        )
    blocks: list[Block] = [SectionBlock(text=_md(head)), _po_fields(po, t)]
    if po.status is POStatus.PENDING:
        blocks.append(po_buttons(po.number, t))
    else:
        blocks.append(ContextBlock(elements=[_md(po_outcome(po, t))]))
    ordered = ovh.provider_order_line(po, t)
    if ordered:
        blocks.append(SectionBlock(text=_md(ordered)))
    text = t.say(
        "{po}: {requester} asks to buy {amount} excl. tax of credit for {project}",
        po=po.number,
        requester=t.person(po.requested_by),
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
    state = ovh.order_state(po, t)
    return (f":warning: {state} · " if state else "") + t.say(
        "*{po}* · {project} · {excl} excl. tax ({incl} incl.) · by {who} on {day}",
        po=po.number,
        project=escape(po.project.name),
        excl=t.money(po.amount_excl_tax),
        incl=t.money(po.amount_incl_tax),
        who=t.person(po.requested_by),
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
