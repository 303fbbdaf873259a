"""Every sentence the bot says to a person, in one place."""

from __future__ import annotations

from bot.slack.formatting import mention
from ledger.errors import AlreadyDecided, FourEyes, LedgerError, OwnVoucher, TooManyAttempts

APOLOGY = (
    "Sorry, something went wrong on my side. Nothing was changed; please try again in a moment."
)
NO_PROJECT = (
    "Which project? Name it in the command (`/credit balance prod-eu`), "
    "or ask an admin to link this channel: `/credit project link ID`."
)
UNKNOWN_COMMAND = "I don't know `{word}`. Type `/credit help` to see what you can do."
TOO_LONG = "That is far too long for a /credit command. Type `/credit help` for the usual forms."
PO_REQUESTED = "Purchase order *{po}* sent to finance for approval."
PO_NOT_ANNOUNCED = (
    "(No finance channel could be reached: finance will find it in `/credit pending`.)"
)
PO_ANNOUNCED = "{requester} asks to buy credit for *{project}*."
PO_APPROVED_DM = "Your purchase order *{po}* was approved by {who}: {amount} of credit on *{project}*, usable until {until}."
PO_REJECTED_DM = "Your purchase order *{po}* was rejected by {who}: {reason}"
PO_CANCELLED = "Purchase order *{po}* is cancelled."
CREDIT_ARRIVED = "{amount} of credit arrived on *{project}* ({po}), usable until {until}."
NOTHING_PENDING = "No purchase order is waiting for approval."
REJECT_REASON_LABEL = "Why is it rejected?"
REJECT_REASON_EMPTY = "Please say why, in a few words."
BUY_AMOUNT_LABEL = "Amount excl. tax"
BUY_PROJECT_LABEL = "Project"
VOUCHER_SHOWN_ONCE = "This code is shown once. Copy it now; only its last four characters are kept."
VOUCHER_ISSUED_BEFORE = (
    "This request already issued voucher …{last4}; its code was shown once and is not kept."
)
VOUCHER_ANNOUNCED = "{who} issued voucher …{last4}: {amount} for {scope}, valid until {until}."
VOUCHER_ANY_PROJECT = "any project"
UNSTORABLE = "That text holds characters I cannot store (such as a NUL). Nothing was changed."
VOUCHER_REDEEMED = "Voucher …{last4} redeemed: {amount} on *{project}*, usable until {until}."
VOUCHER_REDEEMED_NEWS = (
    "{who} redeemed voucher …{last4}: {amount} on *{project}*, usable until {until}."
)
CHARGE_NEWS = "{who} charged {amount} to *{project}*{memo}."
CHANNEL_LINKED = "This channel now belongs to project *{project}*."
PROJECT_ADDED = "Project *{name}* (`{id}`) added, in {currency}, VAT {vat} %."
CHANNEL_UNREACHABLE = (
    "I could not post to {channel} ({error}). Invite me there or link another channel."
)
LASTS_UNTIL = "At the current rate, credit lasts until {day}."
LASTS_BEYOND = "At the current rate, credit lasts beyond {day}."
RUNS_OUT_TODAY = "At the current rate, credit runs out today."
BUY_ADVICE = "Buy by {day}: at least {least}, at most {most}."
FORECAST_BASIS = "Daily spend from the recent bills ({basis})."
CHART_SENT = "The credit chart of *{project}* is in your direct messages with me."


def refusal(error: LedgerError) -> str:
    """A refused action, said plainly, with what to do instead."""
    if isinstance(error, AlreadyDecided):
        who = mention(error.decided_by) if error.decided_by else "someone"
        return f"Too late: this purchase order was already {error.status} by {who}. Nothing was changed."
    if isinstance(error, OwnVoucher):
        return "You issued this voucher, so someone else must redeem it (four-eyes rule)."
    if isinstance(error, FourEyes):
        return "You requested this purchase order, so another finance approver must approve it (four-eyes rule)."
    if isinstance(error, TooManyAttempts):
        return f"{_sentence(error.message)} Until then I will refuse further codes from you."
    text = _sentence(error.message)
    if error.hint:
        text += f" ({error.hint})"
    return text


def _sentence(message: str) -> str:
    text = message[:1].upper() + message[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
