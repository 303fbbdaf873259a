"""Vouchers: the code issued, its announcement, its redemption."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, SectionBlock

from bot.i18n import Translator
from bot.slack.blocks.common import Message, _dicts, _md, text_message
from bot.slack.formatting import escape, mention
from ledger.domain import IssuedVoucher, RedeemedVoucher


def voucher_issued(voucher: IssuedVoucher, t: Translator) -> Message:
    values = {"amount": t.money(voucher.amount), "until": t.last_day(voucher.expires_at)}
    if voucher.project_id:
        head = t.say(
            "Voucher of {amount} for project *{project}*, valid until {until}:",
            project=escape(voucher.project_name or voucher.project_id),
            **values,
        )
    else:
        head = t.say("Voucher of {amount}, valid until {until}:", **values)
    if voucher.code is None:
        again = t.say(
            "This request already issued voucher …{last4}; its code was shown once and is not kept.",
            last4=voucher.last4,
        )
        return Message(
            f"{head} …{voucher.last4}. {again}",
            _dicts(
                [
                    SectionBlock(text=_md(f"{head} …{voucher.last4}")),
                    ContextBlock(elements=[_md(again)]),
                ]
            ),
        )
    blocks = [
        SectionBlock(text=_md(f"{head}\n`{voucher.code}`")),
        ContextBlock(
            elements=[
                _md(
                    t.gettext(
                        "This code is shown once. Copy it now; only its last four characters are kept."
                    )
                )
            ]
        ),
    ]
    return Message(f"{head} {voucher.code}", _dicts(blocks))


def voucher_announced(voucher: IssuedVoucher, t: Translator) -> Message:
    """News for the finance channel: who issued what, never the code."""
    values = {
        "who": mention(voucher.issued_by),
        "last4": voucher.last4,
        "amount": t.money(voucher.amount),
        "until": t.last_day(voucher.expires_at),
    }
    if voucher.project_id:
        text = t.say(
            "{who} issued voucher …{last4}: {amount} for *{project}*, valid until {until}.",
            project=escape(voucher.project_name or voucher.project_id),
            **values,
        )
    else:
        text = t.say(
            "{who} issued voucher …{last4}: {amount} for any project, valid until {until}.",
            **values,
        )
    return text_message(text)


def voucher_redeemed(redeemed: RedeemedVoucher, t: Translator, who: str | None = None) -> Message:
    values = {
        "last4": redeemed.last4,
        "amount": t.money(redeemed.amount),
        "project": escape(redeemed.project.name),
        "until": t.last_day(redeemed.expires_at),
    }
    if who is None:
        return text_message(
            ":tada: "
            + t.say(
                "Voucher …{last4} redeemed: {amount} on *{project}*, usable until {until}.",
                **values,
            )
        )
    return text_message(
        t.say(
            "{who} redeemed voucher …{last4}: {amount} on *{project}*, usable until {until}.",
            who=mention(who),
            **values,
        )
    )
