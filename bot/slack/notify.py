"""Posting news: purchase orders to finance, decisions to requesters, credit to project channels."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import Translator
from bot.slack.blocks import budgets, common, ovh, purchase_orders, vouchers
from bot.slack.deps import Deps
from ledger.domain import AUTOPILOT, IssuedVoucher, POStatus, ProjectView, PurchaseOrderView
from ledger.services import announcements, budget_notices, outbox

log = logging.getLogger("creditbot.slack")


def _post(client: WebClient, channel: str, message: common.Message) -> str | None:
    """Post and return the message ts; a channel the bot cannot reach is logged, not fatal."""
    try:
        return str(client.chat_postMessage(channel=channel, **message.as_kwargs())["ts"])
    except SlackApiError as exc:
        log.warning("cannot post to %s: %s", channel, exc.response.get("error"))
        return None


def announce_purchase_order(deps: Deps, client: WebClient, po: PurchaseOrderView) -> bool:
    """Deliver, right after the request, the announcement `request_purchase` claimed (and
    then the budget notice it may have crossed). A post that fails is left pending, and the
    scheduled run posts it."""
    announced = _announce_order(deps, client, po)
    if announced:
        announce_budget_news(deps, client, po.project.id)
    return announced


def announce_budget_news(deps: Deps, client: WebClient, project_id: str) -> None:
    """Deliver now the project's budget notices still owed to finance (use passing 80 % or
    100 %, a budget set or cleared); one that fails is left for the scheduled run."""
    channel = deps.settings.finance_channel
    if not channel:
        return
    for notice, news in budget_notices.take(deps.ledger, project_id):
        message = budgets.budget_news(news, deps.workspace)
        try:
            answer = client.chat_postMessage(channel=channel, **message.as_kwargs())
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            log.warning("cannot post to %s: %s (retried by the next run)", channel, error)
            outbox.settle(deps.ledger, [notice], "pending", error)
            continue
        except OSError as exc:
            log.warning("cannot post to %s: %s (retried by the next run)", channel, exc)
            outbox.settle(deps.ledger, [notice], "pending", str(exc))
            continue
        outbox.settle(deps.ledger, [notice], "posted", reference=f"{channel}:{answer['ts']}")


def _announce_order(deps: Deps, client: WebClient, po: PurchaseOrderView) -> bool:
    channel = deps.settings.finance_channel
    if not channel:
        return False
    notice = announcements.take(deps.ledger, po.number)
    if notice is None:
        return True  # the scheduled run took it meanwhile and is posting it
    try:
        answer = client.chat_postMessage(
            channel=channel, **purchase_orders.po_for_approval(po, deps.workspace).as_kwargs()
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc.response.status_code)
        log.warning("cannot post to %s: %s (retried by the next run)", channel, error)
        outbox.settle(deps.ledger, [notice], "pending", error)
        return False
    except OSError as exc:
        log.warning("cannot post to %s: %s (retried by the next run)", channel, exc)
        outbox.settle(deps.ledger, [notice], "pending", str(exc))
        return False
    outbox.settle(deps.ledger, [notice], "posted", reference=f"{channel}:{answer['ts']}")
    return True


def announce_voucher(deps: Deps, client: WebClient, voucher: IssuedVoucher) -> bool:
    """Every issuance is news for finance: who, how much, where, until when, the last four."""
    return tell_finance_of_voucher(client, deps.settings.finance_channel, voucher, deps.workspace)


def tell_finance_of_voucher(
    client: WebClient, channel: str | None, voucher: IssuedVoucher, t: Translator
) -> bool:
    if not channel:
        return False
    return _post(client, channel, vouchers.voucher_announced(voucher, t)) is not None


def refresh_announcement(
    deps: Deps,
    client: WebClient,
    po: PurchaseOrderView,
    also: str | None = None,
    also_message: common.Message | None = None,
) -> None:
    """Replace the buttons of the finance message (and of `also`, the message clicked,
    as "channel:ts", redrawn as `also_message` when it is a list) with who decided, and when."""
    card = purchase_orders.po_for_approval(po, deps.workspace)
    for reference in dict.fromkeys(r for r in (po.announcement, also) if r):
        channel, _, ts = reference.partition(":")
        message = also_message if reference == also and also_message else card
        try:
            client.chat_update(channel=channel, ts=ts, **message.as_kwargs())
        except SlackApiError as exc:
            log.warning("cannot update %s in %s: %s", po.number, channel, exc.response.get("error"))


def announce_decision(
    deps: Deps,
    client: WebClient,
    po: PurchaseOrderView,
    clicked: str | None = None,
    clicked_message: common.Message | None = None,
) -> None:
    refresh_announcement(deps, client, po, clicked, clicked_message)
    if po.status in (POStatus.APPROVED, POStatus.REJECTED) and po.requested_by != AUTOPILOT:
        _post(client, po.requested_by, decision_dm(po, deps.locales.of(po.requested_by)))
    if po.status is POStatus.APPROVED and po.provider is None:
        # Ordered at OVHcloud, the credit and its news come with the delivery.
        to_project_channels(client, po.project, purchase_orders.credit_arrived(po, deps.workspace))


def decision_dm(po: PurchaseOrderView, t: Translator) -> common.Message:
    """What the requester is told of the decision on their order: approved (for a linked
    project, ordered at OVHcloud) or rejected."""
    if po.provider is not None and po.status is POStatus.APPROVED:
        return common.text_message(ovh.ordered_dm(po, t))
    return purchase_orders.po_decided_dm(po, t)


def announce_delivery(deps: Deps, client: WebClient, po: PurchaseOrderView) -> None:
    """OVHcloud delivered (or cancelled) the order: the finance message shows it, and on
    delivery the requester and the project's channels are told as for any approval."""
    refresh_announcement(deps, client, po)
    if po.provider is not None and po.provider.state == "delivered":
        if po.requested_by != AUTOPILOT:
            requester = deps.locales.of(po.requested_by)
            _post(client, po.requested_by, purchase_orders.po_decided_dm(po, requester))
        to_project_channels(client, po.project, purchase_orders.credit_arrived(po, deps.workspace))


def to_finance(deps: Deps, client: WebClient, message: common.Message) -> None:
    if deps.settings.finance_channel:
        _post(client, deps.settings.finance_channel, message)


def to_project_channels(client: WebClient, project: ProjectView, message: common.Message) -> None:
    for channel in project.channels:
        _post(client, channel, message)
