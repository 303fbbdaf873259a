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
from bot.slack.blocks.common import WARNING, Message, _dicts, _md, text_message
from bot.slack.formatting import escape, mention
from ledger.domain import POStatus, PurchaseOrderView

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
                    "*VAT {rate}*\n{amount}",
                    rate=t.rate(po.vat_rate_bp),
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


def approve_title(left: int, t: Translator) -> str:
    return t.gettext("Approve and pay?") if left <= 1 else t.gettext("Approve?")


def approve_confirmation(number: str, left: int, t: Translator) -> str:
    """What the Approve button's confirmation says: payment at the last approval needed."""
    if left > 1:
        return t.say(
            "This records your approval of {po}; it is paid at its last approval.", po=number
        )
    return t.say("This records payment of {po} and grants the credit.", po=number)


def po_buttons(
    number: str,
    t: Translator,
    surface: str = CARD,
    drawn_at: datetime | None = None,
    left: int = 1,
) -> ActionsBlock:
    """`left`: the approvals the order still needs, this one included."""
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
                    title=approve_title(left, t),
                    text=approve_confirmation(number, left, t),
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
    over = over_budget(po, t)
    if over:
        head += f"\n{WARNING} {over}"
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
        head += "\n" + autopilot_words.drafted(po, t)
    else:
        head = f"*{po.number}* — " + t.say(
            "{requester} asks to buy credit for *{project}*.",
            requester=t.person(po.requested_by),
            project=escape(po.project.name),
        )
    blocks: list[Block] = [SectionBlock(text=_md(head)), _po_fields(po, t)]
    progress = labels.approvals(po, t)
    over = over_budget(po, t)
    if over:
        blocks.append(SectionBlock(text=_md(f"{WARNING} {over}")))
    if po.status is POStatus.PENDING:
        if progress:
            blocks.append(ContextBlock(elements=[_md(f":busts_in_silhouette: {progress}")]))
        blocks.append(po_buttons(po.number, t, left=po.approvals_left))
    else:
        said = [po_outcome(po, t), *([f":busts_in_silhouette: {progress}"] if progress else [])]
        if po.drafted is not None and po.status in (POStatus.REJECTED, POStatus.EXPIRED):
            said.append(":pause_button: " + autopilot_words.held_after(po.project.id, t))
        blocks.append(ContextBlock(elements=[_md("\n".join(said))]))
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
    if over:
        text += f"\n{over}"
    return Message(text, _dicts(blocks))


def over_budget(po: PurchaseOrderView, t: Translator) -> str | None:
    """How far the order takes its project over budget, and what its tier and budget ask of
    finance when that is more approvals than finance has approvers besides the requester."""
    said = []
    if po.over_budget is not None and po.approvals_asked is None:
        said.append(
            t.say(
                "Over budget by {amount}: this order needs one approval more.",
                amount=t.money(po.over_budget),
            )
        )
    elif po.over_budget is not None:
        said.append(t.say("Over budget by {amount}.", amount=t.money(po.over_budget)))
    cut = labels.approvals_cut(po, t)
    if cut:
        said.append(cut)
    return " ".join(said) or None


def po_outcome(po: PurchaseOrderView, t: Translator) -> str:
    if po.status is POStatus.EXPIRED and po.decided_at:
        return ":hourglass: " + t.say(
            "Expired on {when} after {days}, never approved",
            when=t.moment(po.decided_at),
            days=t.say_n("{n} day", "{n} days", (po.decided_at - po.created_at).days),
        )
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
    if po.reason:
        sentence = t.say("{decision}: {reason}", decision=sentence, reason=escape(po.reason))
    return f"{icon} {sentence}"


def po_approval_counted(po: PurchaseOrderView, t: Translator) -> Message:
    """The approver's own confirmation of an approval that is not the last one needed."""
    text = ":ballot_box_with_check: " + t.say_n(
        "You approved *{po}*; it needs {n} more approval before it is paid.",
        "You approved *{po}*; it needs {n} more approvals before it is paid.",
        po.approvals_left,
        po=po.number,
    )
    progress = labels.approvals(po, t)
    return text_message(f"{text}\n{progress}" if progress else text)


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
    line = (f":warning: {state} · " if state else "") + t.say(
        "*{po}* · {project} · {excl} excl. tax ({incl} incl.) · by {who} on {day}",
        po=po.number,
        project=escape(po.project.name),
        excl=t.money(po.amount_excl_tax),
        incl=t.money(po.amount_incl_tax),
        who=t.person(po.requested_by),
        day=t.day(po.created_at),
    )
    progress = labels.approvals(po, t, times=False) if po.status is POStatus.PENDING else None
    return f"{line} · {progress}" if progress else line


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
            blocks.append(po_buttons(po.number, t, surface, drawn_at, po.approvals_left))
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
    return Message(t.say("{label}:", label=title) + "\n" + text, _dicts(blocks))
