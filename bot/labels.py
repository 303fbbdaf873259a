"""The words for the ledger's own values, one table per kind of value, shared by every
surface (Slack, the App Home, the console, the command line's human output)."""

from __future__ import annotations

from bot.i18n import Translator
from ledger.domain import HistoryLine, POStatus
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
    }
    return labels[kind]


def po_status(status: POStatus, t: Translator) -> str:
    labels = {
        POStatus.PENDING: t.gettext("pending"),
        POStatus.APPROVED: t.gettext("approved"),
        POStatus.REJECTED: t.gettext("rejected"),
        POStatus.CANCELLED: t.gettext("cancelled"),
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
