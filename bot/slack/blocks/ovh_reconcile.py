"""The reconciliation with OVHcloud in words (finance's Slack view and the CLI's text), and
finance's notice of an order at OVHcloud that no purchase order accounts for."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.models.blocks import HeaderBlock, PlainTextObject, SectionBlock

from bot.i18n import Translator
from bot.slack.blocks.common import MAX_BLOCKS, MAX_SECTION, Message, text_message
from bot.slack.formatting import escape
from ledger.services.reconcile import ReconciledOrder, Reconciliation, StrayOrder

MAX_TEXT = 39_000  # Slack truncates a message's text beyond 40,000 characters


def _plain(text: str, t: Translator) -> str:
    """User text as the surface wants it: escaped for Slack's mrkdwn, as is elsewhere."""
    return escape(text) if t.mentions else text


def _status(status: str | None, t: Translator) -> str:
    said = {
        "notPaid": t.gettext("not paid"),
        "checking": t.gettext("payment being checked"),
        "delivering": t.gettext("being delivered"),
        "delivered": t.gettext("delivered"),
        "cancelling": t.pgettext("order at OVHcloud", "being cancelled"),
        "cancelled": t.pgettext("order at OVHcloud", "cancelled"),
        "documentsRequested": t.gettext("documents requested"),
        "unknown": t.gettext("status unknown"),
    }
    if status is None:
        return t.gettext("status not readable now")
    return said.get(status, status)


def order_line(row: ReconciledOrder, t: Translator) -> str:
    parts = [
        t.say("{po} · order {order}", po=row.number, order=row.order_id),
        _status(row.status, t),
    ]
    if row.state == "replaced":
        parts.append(t.gettext("replaced by a new order"))
    elif row.state == "closed":
        parts.append(t.gettext("closed"))
    if row.paid is not None:
        parts.append(t.gettext("paid") if row.paid else t.gettext("unpaid"))
    if row.bill:
        parts.append(t.say("bill {bill}", bill=_plain(row.bill, t)))
    if row.delivered is not None and row.credit_id is not None:
        parts.append(
            t.say(
                "credit {credit} of {amount}", credit=row.credit_id, amount=t.money(row.delivered)
            )
        )
    amounts = t.say("{excl} excl. tax", excl=t.money(row.amount_excl_tax))
    if row.provider_incl_tax is not None:
        amounts += " " + t.say(
            "({incl} incl. tax at OVHcloud)", incl=t.money(row.provider_incl_tax)
        )
    parts.append(amounts)
    return " · ".join(parts)


def stray_line(stray: StrayOrder, names: Mapping[str, str], t: Translator) -> str:
    project = ", ".join(_plain(names.get(s, s), t) for s in stray.services if s in names)
    when = t.day(stray.placed_at) if stray.placed_at else "?"
    if stray.duplicate_of:
        return t.say(
            "order {order} · {amount} excl. tax · {project} · placed {when} · a second order "
            "for {po}",
            order=stray.order_id,
            amount=t.money(stray.excl_tax),
            project=project,
            when=when,
            po=stray.duplicate_of,
        )
    return t.say(
        "order {order} · {amount} excl. tax · {project} · placed {when}",
        order=stray.order_id,
        amount=t.money(stray.excl_tax),
        project=project,
        when=when,
    )


def lines(found: Reconciliation, names: Mapping[str, str], t: Translator) -> list[str]:
    """The reconciliation as lines: orders, then orphans, duplicates and credits gone.
    `names`: project name by OVHcloud service and by project id."""
    out = [order_line(row, t) for row in found.orders] or [
        t.gettext("No purchase order was ordered at OVHcloud.")
    ]
    if found.orphans:
        out.append(t.gettext("Orders at OVHcloud with no purchase order:"))
        out += ["• " + stray_line(s, names, t) for s in found.orphans]
    if found.duplicates:
        out.append(t.gettext("Second orders for one purchase order:"))
        out += ["• " + stray_line(s, names, t) for s in found.duplicates]
    if found.gone:
        out.append(t.gettext("Credits gone from OVHcloud:"))
        out += [
            "• "
            + t.say(
                "credit {credit} of {project}: {amount} no longer available since {when}",
                credit=g.credit_id,
                project=_plain(names.get(g.project_id, g.project_id), t),
                amount=t.money(g.removed),
                when=t.day(g.gone_at),
            )
            for g in found.gone
        ]
    return out


def reconciliation(found: Reconciliation, names: Mapping[str, str], t: Translator) -> Message:
    """Finance's view: a header, then the lines packed into sections within Slack's limits."""
    title = t.gettext("Reconciliation with OVHcloud")
    blocks = [HeaderBlock(text=PlainTextObject(text=title)).to_dict()]
    chunk: list[str] = []
    size = 0
    shown = 0
    every = lines(found, names, t)
    for line in every:
        line = line[: MAX_SECTION - 10]
        if chunk and size + len(line) + 1 > MAX_SECTION - 10:
            if len(blocks) == MAX_BLOCKS - 1:
                break
            blocks.append(SectionBlock(text={"type": "mrkdwn", "text": "\n".join(chunk)}).to_dict())
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
        shown += 1
    if shown < len(every):
        chunk.append(
            t.say_n(
                "…and {n} more: `creditbot ovh reconcile` lists them all",
                "…and {n} more: `creditbot ovh reconcile` lists them all",
                len(every) - shown,
            )
        )
    if chunk:
        blocks.append(SectionBlock(text={"type": "mrkdwn", "text": "\n".join(chunk)}).to_dict())
    text = (title + "\n" + "\n".join(every[:shown]))[:MAX_TEXT]
    return Message(text, blocks)


def stray_notice(stray: StrayOrder, names: Mapping[str, str], t: Translator) -> Message:
    """Finance's notice of an order at OVHcloud no purchase order accounts for."""
    project = ", ".join(escape(names.get(s, s)) for s in stray.services if s in names)
    values = {"order": stray.order_id, "amount": t.money(stray.excl_tax), "project": project}
    if stray.duplicate_of:
        said = t.say(
            "OVHcloud has a second order, {order} ({amount} excl. tax for *{project}*), for "
            "purchase order *{po}*: one purchase order is meant to be one order. Check which "
            "one to pay at OVHcloud.",
            po=stray.duplicate_of,
            **values,
        )
    else:
        said = t.say(
            "OVHcloud has order {order} ({amount} excl. tax for *{project}*) that no purchase "
            "order accounts for.",
            **values,
        )
    return text_message(f":warning: {said}")
