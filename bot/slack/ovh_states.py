"""What finance reads about OVHcloud's side of things: a credit gone from OVHcloud's list,
an order OVHcloud cancelled or that waits (with Order again / Close buttons), and orders
at OVHcloud that no purchase order accounts for."""

from __future__ import annotations

from bot.i18n import Translator
from bot.slack.blocks import Message, text_message
from bot.slack.formatting import escape
from ledger.services.removals import RemovedCredit

REORDER = "po_reorder"
CLOSE = "po_close"


def credit_removed(removed: RemovedCredit, project_name: str, t: Translator) -> Message:
    """Finance's notice of a credit OVHcloud no longer lists, in words."""
    values = {
        "credit": removed.credit_id,
        "project": escape(project_name),
        "amount": t.money(removed.amount),
    }
    if removed.purchase_order:
        said = t.say(
            "OVHcloud no longer lists credit {credit} of *{project}* (purchase order {po}): "
            "the {amount} it had left is no longer available, and the balance no longer "
            "counts it.",
            po=removed.purchase_order,
            **values,
        )
    else:
        said = t.say(
            "OVHcloud no longer lists credit {credit} of *{project}*: the {amount} it had "
            "left is no longer available, and the balance no longer counts it.",
            **values,
        )
    return text_message(f":warning: {said}")
