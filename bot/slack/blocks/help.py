"""`/credit help`: the commands each reader may use, by role."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, PlainTextObject, SectionBlock

from bot.i18n import Translator
from bot.slack.blocks.common import Message, _dicts, _md
from ledger.domain import Role


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
        (
            t.gettext("`/credit budget [PROJECT]`"),
            t.gettext("the purchase budget and what this period used of it"),
        ),
        (t.gettext("`/credit project list`"), t.gettext("known projects and their channels")),
        (
            t.gettext("`/credit autopilot [PROJECT]`"),
            t.gettext("the autopilot's state, and when it drafts the next order"),
        ),
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
        (
            t.gettext("`/credit budget set PROJECT AMOUNT monthly|quarterly|yearly`"),
            t.gettext(
                "what a project may buy per period; `/credit budget clear PROJECT` removes it"
            ),
        ),
        (
            t.gettext("`/credit due [PROJECT]`"),
            t.gettext("what is due by other means, with Settle… to record its payment"),
        ),
        (
            t.gettext("`/credit export [MONTH]`"),
            t.gettext("the month's decided purchase orders as CSV, sent to you"),
        ),
        (
            t.gettext("`/credit autopilot on [PROJECT] [cover DAYS] [cap AMOUNT]`"),
            t.gettext(
                "let the autopilot draft purchase orders from the forecast, for finance "
                "to approve; `off` stops it"
            ),
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
