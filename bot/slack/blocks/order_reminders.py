"""A pending purchase order's reminders in its finance thread, and the requester told that
it expired."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.blocks import Block, ContextBlock, SectionBlock

from bot.i18n import Translator
from bot.slack.blocks.common import Message, _dicts, _md, text_message
from bot.slack.formatting import escape, mention
from ledger.domain import AUTOPILOT, PurchaseOrderView
from ledger.services.order_reminders import MAX_REMINDERS, Waiting

MAX_APPROVERS_SHOWN = 10


def waited_for(waited: timedelta, t: Translator) -> str:
    """How long an order has waited: in hours below two days, then in whole days."""
    if waited < timedelta(days=2):
        hours = max(int(waited // timedelta(hours=1)), 1)
        return t.say_n("{n} hour", "{n} hours", hours)
    return t.say_n("{n} day", "{n} days", waited.days)


def requester(po: PurchaseOrderView, t: Translator) -> str:
    if po.requested_by == AUTOPILOT:
        return t.gettext("the autopilot")
    return mention(po.requested_by)


def still_needs(w: Waiting, t: Translator) -> str:
    """What the order still needs: the approvals so far (who, when) against those needed."""
    if not w.approvals:
        return t.say_n(
            "It needs {n} finance approval.",
            "It needs {n} finance approvals, none given yet.",
            w.needed,
        )
    shown = [f"{mention(who)} ({t.moment(at)})" for who, at in w.approvals[:MAX_APPROVERS_SHOWN]]
    if len(w.approvals) > MAX_APPROVERS_SHOWN:
        more = len(w.approvals) - MAX_APPROVERS_SHOWN
        shown.append(t.say_n("{n} more", "{n} more", more))
    given = t.say_n(
        "{got} of {n} approval so far: {who}.",
        "{got} of {n} approvals so far: {who}.",
        w.needed,
        got=len(w.approvals),
        who=", ".join(shown),
    )
    left = max(w.needed - len(w.approvals), 1)
    return given + " " + t.say_n("Still needed: {n} more.", "Still needed: {n} more.", left)


def reminder(w: Waiting, t: Translator) -> Message:
    po = w.po
    head = ":alarm_clock: " + t.say(
        "Reminder {n} of {max}: *{po}* has waited {waited} for a decision.",
        n=w.n,
        max=MAX_REMINDERS,
        po=po.number,
        waited=waited_for(w.waited, t),
    )
    order = t.say(
        "{amount} excl. tax for *{project}*, requested by {who}.",
        amount=t.money(po.amount_excl_tax),
        project=escape(po.project.name),
        who=requester(po, t),
    )
    expires = t.say(
        "Approve or reject it from the message above; if nobody decides it, it expires on {when}.",
        when=t.moment(w.expires_at),
    )
    needs = still_needs(w, t)
    blocks: list[Block] = [
        SectionBlock(text=_md(head)),
        SectionBlock(text=_md(order)),
        SectionBlock(text=_md(needs)),
        ContextBlock(elements=[_md(expires)]),
    ]
    return Message(f"{head} {order} {needs}", _dicts(blocks))


def expired_dm(po: PurchaseOrderView, t: Translator) -> Message:
    """The requester told that their order expired, unapproved."""
    waited = (po.decided_at - po.created_at) if po.decided_at else timedelta(0)
    return text_message(
        ":hourglass: "
        + t.say(
            "Your purchase order *{po}* ({amount} excl. tax for *{project}*) expired after {days}"
            " without being approved. Nothing was paid; request it again if you still need"
            " the credit.",
            po=po.number,
            amount=t.money(po.amount_excl_tax),
            project=escape(po.project.name),
            days=t.say_n("{n} day", "{n} days", waited.days),
        )
    )
