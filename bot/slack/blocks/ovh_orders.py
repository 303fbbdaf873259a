"""What finance reads about OVHcloud's side of things: a credit gone from OVHcloud's list,
an order OVHcloud cancelled or that waits (with Order again / Close buttons), and orders
at OVHcloud that no purchase order accounts for."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import Translator
from bot.slack.blocks import ovh
from bot.slack.blocks.common import Message, text_message
from bot.slack.formatting import escape
from ledger.domain import PurchaseOrderView
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


# What OVHcloud did with an order, as finance's notice calls it.
CANCELLED, DOCUMENTS, UNPAID = "cancelled", "documents", "unpaid"


def news_kind(po: PurchaseOrderView, unpaid_after_days: int) -> str | None:
    """Whether the order of `po` is news for finance, and which."""
    order = po.provider
    if order is None or order.order_id is None:
        return None
    if order.state == "cancelled":
        return CANCELLED
    if order.state != "ordered":
        return None
    if order.status == "documentsRequested":
        return DOCUMENTS
    if ovh.unpaid_days(po) >= unpaid_after_days:
        return UNPAID
    return None


def _what_happened(po: PurchaseOrderView, kind: str, t: Translator) -> str:
    order = po.provider
    assert order is not None
    values = {
        "po": po.number,
        "project": escape(po.project.name),
        "amount": t.money(po.amount_excl_tax),
        "order": order.order_id,
    }
    if kind == CANCELLED:
        return t.say(
            "OVHcloud cancelled order {order} of *{po}* ({amount} excl. tax for *{project}*): "
            "no credit will come from it.",
            **values,
        )
    if kind == DOCUMENTS:
        return t.say(
            "OVHcloud asks for documents before it goes on with order {order} of *{po}* "
            "({amount} excl. tax for *{project}*).",
            **values,
        )
    return t.say_n(
        "Order {order} of *{po}* ({amount} excl. tax for *{project}*) has not been paid "
        "for {n} day; OVHcloud cancels orders left unpaid.",
        "Order {order} of *{po}* ({amount} excl. tax for *{project}*) has not been paid "
        "for {n} days; OVHcloud cancels orders left unpaid.",
        ovh.unpaid_days(po),
        **values,
    )


def order_buttons(po: PurchaseOrderView, kind: str, t: Translator) -> ActionsBlock:
    """Order again (only once OVHcloud has cancelled the order) and Close."""
    elements = []
    if kind == CANCELLED:
        elements.append(
            ButtonElement(
                text=t.gettext("Order again"),
                action_id=REORDER,
                value=po.number,
                style="primary",
                confirm=ConfirmObject(
                    title=t.gettext("Order again?"),
                    text=t.say(
                        "This places one new order for {po} at OVHcloud, for the same amount.",
                        po=po.number,
                    ),
                    confirm=t.gettext("Order again"),
                    deny=t.gettext("Back"),
                ),
            )
        )
    elements.append(
        ButtonElement(
            text=t.gettext("Close"),
            action_id=CLOSE,
            value=po.number,
            style="danger",
            confirm=ConfirmObject(
                title=t.gettext("Close it?"),
                text=t.say("{po} is closed and brings no credit.", po=po.number),
                confirm=t.gettext("Close"),
                deny=t.gettext("Back"),
            ),
        )
    )
    return ActionsBlock(block_id=f"ovh-order:{po.number}", elements=elements)


def order_news(po: PurchaseOrderView, kind: str, t: Translator) -> Message:
    """Finance's notice of an order OVHcloud cancelled or holds, with what finance can do."""
    said = ":warning: " + _what_happened(po, kind, t)
    order = po.provider
    if kind != CANCELLED and order is not None and order.url:
        said += f" <{order.url}|{t.gettext('See it on OVHcloud')}>"
    return Message(
        said,
        [
            SectionBlock(text=MarkdownTextObject(text=said)).to_dict(),
            order_buttons(po, kind, t).to_dict(),
        ],
    )


def order_settled(po: PurchaseOrderView, t: Translator) -> Message:
    """The notice once finance has acted on it: the buttons give way to what was done."""
    order = po.provider
    assert order is not None
    if order.state == "closed":
        done = ":heavy_minus_sign: " + (ovh.order_state(po, t) or "")
        said = t.say("*{po}* is closed: no credit will come.", po=po.number)
    else:
        done = ":receipt: " + t.say("ordered again: order {order}", order=order.order_id or "…")
        said = t.say("*{po}* was ordered again at OVHcloud.", po=po.number)
    return Message(
        f"{said} {done}",
        [
            SectionBlock(text=MarkdownTextObject(text=said)).to_dict(),
            ContextBlock(elements=[MarkdownTextObject(text=done)]).to_dict(),
        ],
    )


def order_news_dm(po: PurchaseOrderView, kind: str, t: Translator) -> Message:
    """The requester's word of the same news."""
    if kind == CANCELLED:
        said = t.say(
            "OVHcloud cancelled the order of your purchase order *{po}*: finance can order "
            "it again or close it.",
            po=po.number,
        )
    elif kind == DOCUMENTS:
        said = t.say(
            "OVHcloud asks for documents before it goes on with the order of your purchase "
            "order *{po}*; finance has been told.",
            po=po.number,
        )
    else:
        said = t.say(
            "The order of your purchase order *{po}* is still not paid at OVHcloud; finance "
            "has been told.",
            po=po.number,
        )
    return text_message(said)
