"""Refusals and the bot's stock sentences, in the reader's language."""

from __future__ import annotations

import copy

from bot.i18n import Translator
from bot.slack.formatting import escape
from ledger.errors import (
    AlreadyDecided,
    FourEyes,
    LedgerError,
    OwnVoucher,
    ProjectNotFound,
    TooManyAttempts,
)


def apology(t: Translator) -> str:
    return t.gettext(
        "Sorry, something went wrong on my side. Nothing was changed; please try again in a moment."
    )


def unknown_command(word: str, t: Translator) -> str:
    return t.say(
        "I don't know `{word}`. Type `/credit help` to see what you can do.", word=escape(word)
    )


def unstorable(t: Translator) -> str:
    return t.gettext(
        "That text holds characters I cannot store (such as a NUL). Nothing was changed."
    )


def too_long(t: Translator) -> str:
    return t.gettext(
        "That is far too long for a /credit command. Type `/credit help` for the usual forms."
    )


def refusal(error: LedgerError, t: Translator, *, mrkdwn: bool = True) -> str:
    """A refused action, said plainly, with what to do instead; what the person typed is
    escaped for mrkdwn unless the text is shown as plain text (`mrkdwn=False`)."""
    if isinstance(error, AlreadyDecided) and error.status == "expired":
        message, _ = t.refusal(error)
        return _sentence(message) + " " + t.gettext("Nothing was changed.")
    if isinstance(error, AlreadyDecided):
        who = t.person(error.decided_by) if error.decided_by else t.gettext("someone")
        sentences = {
            "approved": t.say(
                "Too late: this purchase order was already approved by {who}. Nothing was changed.",
                who=who,
            ),
            "rejected": t.say(
                "Too late: this purchase order was already rejected by {who}. Nothing was changed.",
                who=who,
            ),
        }
        return sentences.get(
            error.status,
            t.say(
                "Too late: this purchase order was already cancelled by {who}. Nothing was changed.",
                who=who,
            ),
        )
    if isinstance(error, OwnVoucher):
        return t.gettext(
            "You issued this voucher, so someone else must redeem it (four-eyes rule)."
        )
    if isinstance(error, FourEyes):
        return t.gettext(
            "You requested this purchase order, so another finance approver must approve it "
            "(four-eyes rule)."
        )
    message, hint = t.refusal(_escaped(error) if mrkdwn else error)
    if isinstance(error, TooManyAttempts):
        return (
            _sentence(message) + " " + t.gettext("Until then I will refuse further codes from you.")
        )
    if isinstance(error, ProjectNotFound):
        hint = t.gettext("`/credit project list` shows the known projects")
    text = _sentence(message)
    if hint:
        text += f" ({hint})"
    return text


def _escaped(error: LedgerError) -> LedgerError:
    """The error with what the person typed (plain strings, not the ledger's own phrases or
    user ids) escaped for mrkdwn: a typed `<!channel>` is shown, never sent as a mention."""
    shown = copy.copy(error)
    shown.params = {k: escape(v) if type(v) is str else v for k, v in error.params.items()}
    return shown


def _sentence(message: str) -> str:
    text = message[:1].upper() + message[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
