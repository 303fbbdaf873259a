"""The words for the ledger's own values, one table per kind of value, shared by every
surface (Slack, the App Home, the console, the command line's human output)."""

from __future__ import annotations

from bot.i18n import Translator
from ledger.domain import HistoryLine, POStatus, PurchaseOrderView
from ledger.facts import EntryCause


def entry_kind(kind: str, t: Translator) -> str:
    """A history line's kind: a journal entry's, or `due` for what no credit covered."""
    labels = {
        "grant": t.gettext("Granted"),
        "debit": t.gettext("Spent"),
        "expiry": t.gettext("Expired"),
        "void": t.gettext("Voided"),
        "due": t.gettext("Due by other payment means"),
        "refund": t.gettext("Refunded"),
        "removal": t.gettext("Removed at OVHcloud"),
        "settled": t.gettext("Settled by other payment means"),
        "unsettled": t.gettext("Settlement voided, due again"),
    }
    return labels[kind]


def po_status(status: POStatus, t: Translator) -> str:
    labels = {
        POStatus.PENDING: t.gettext("pending"),
        POStatus.APPROVED: t.gettext("approved"),
        POStatus.REJECTED: t.gettext("rejected"),
        POStatus.CANCELLED: t.gettext("cancelled"),
        POStatus.EXPIRED: t.gettext("expired"),
    }
    return labels[status]


def entry_note(line: HistoryLine, t: Translator) -> str | None:
    """What a person wrote on the line (a memo, a void's reason), or why the provider's
    figures moved the lot."""
    if line.memo:
        return line.memo
    if line.cause is None or line.provider_used is None:
        return None
    used = t.money(line.provider_used)
    if line.cause is EntryCause.PRIOR_USE:
        return t.say("{used} used on OVHcloud before the link", used=used)
    return t.say("{used} used on OVHcloud so far", used=used)


def nothing_to_expire(t: Translator) -> str:
    """No lot with anything left is due to expire."""
    return t.gettext("nothing to expire")


def already_reordered(number: str, t: Translator) -> str:
    """A second "order again" on a purchase order already ordered again: nothing more done."""
    return t.say("{po} was already ordered again", po=number)


def approvals(
    po: PurchaseOrderView, t: Translator, *, times: bool = True, left: bool = False
) -> str | None:
    """Where an order needing several approvals stands: `needs 2 approvals` before the
    first, then `1 of 2 approvals: @A, 6 Dec 2026 10:02` (names only without `times`;
    `; needs 1 more` after, with `left`, while pending). None for an order needing one
    approval, or decided before any approval."""
    if po.approvals_needed <= 1:
        return None
    if not po.approvals:
        if po.status is not POStatus.PENDING:
            return None
        return t.say_n("needs {n} approval", "needs {n} approvals", po.approvals_needed)
    if times:
        who = t.joined([f"{t.person(a.by)}, {t.moment(a.at)}" for a in po.approvals])
    else:
        who = ", ".join(t.person(a.by) for a in po.approvals)
    said = t.say_n(
        "{n} of {needed} approvals: {who}",
        "{n} of {needed} approvals: {who}",
        len(po.approvals),
        needed=po.approvals_needed,
        who=who,
    )
    if left and po.status is POStatus.PENDING:
        said = t.joined([said, t.say("needs {n} more", n=po.approvals_left)])
    return said


def approvals_cut(po: PurchaseOrderView, t: Translator) -> str | None:
    """Why an order needs fewer approvals than its tier and budget asked: finance has fewer
    approvers besides its requester, so every one of them must approve. None otherwise."""
    if po.approvals_asked is None:
        return None
    return t.say_n(
        "{asked} approvals asked, but finance has only {n} approver besides the requester,"
        " who must approve.",
        "{asked} approvals asked, but finance has only {n} approvers besides the requester:"
        " every one of them must approve.",
        po.approvals_needed,
        asked=po.approvals_asked,
    )
