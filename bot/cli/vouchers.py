"""`creditbot voucher issue|redeem`: voucher codes."""

from __future__ import annotations

import argparse

from bot.cli import serialise, text
from bot.cli.common import actor, project_currency, reader, warn
from bot.cli.outcome import Outcome
from bot.composition import build_provider
from bot.i18n import translator
from bot.settings import Settings
from ledger.amounts import parse_amount
from ledger.clock import parse_day
from ledger.domain import IssuedVoucher
from ledger.errors import N_, WrongCurrency
from ledger.money import normalise_currency
from ledger.services import Ledger, vouchers


def issue(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    asked = normalise_currency(args.currency) if args.currency else None
    currency = project_currency(ledger, args.project) if args.project else asked or "EUR"
    if asked is not None and asked != currency:
        raise WrongCurrency(
            N_("this project counts in {expected}, not {other}"),
            hint=N_("leave out --currency, or give {expected}"),
            expected=currency,
            other=asked,
        )
    view = vouchers.issue_voucher(
        ledger,
        actor(args, settings),
        parse_amount(args.amount, currency),
        parse_day(args.until) if args.until else None,
        args.project,
        args.code,
    )
    data = serialise.issued_voucher(view, settings.timezone)
    _announce(settings, view)
    return Outcome(data, text.voucher_issued(view, reader(settings)))


def _announce(settings: Settings, view: IssuedVoucher) -> None:
    """Finance hears of every voucher, issued here as in Slack (never its code)."""
    if not (settings.slack_bot_token and settings.finance_channel):
        warn(N_("voucher not announced to finance (set SLACK_BOT_TOKEN and FINANCE_CHANNEL)"))
        return
    # Slack's client is loaded only when a voucher is issued.
    from bot.slack.app import build_client
    from bot.slack.notify import tell_finance_of_voucher

    # The finance channel reads the workspace's language, with @mentions.
    channel_t = translator(settings.creditbot_locale, settings.timezone)
    try:
        told = tell_finance_of_voucher(
            build_client(settings), settings.finance_channel, view, channel_t
        )
    except OSError:  # Slack unreachable: the voucher stands, the warning says so
        told = False
    if not told:
        warn(N_("could not post the voucher's announcement to finance"))


def redeem(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> Outcome:
    view = vouchers.redeem_voucher(
        ledger, actor(args, settings), args.code, args.project, build_provider(settings)
    )
    data = serialise.redeemed_voucher(view, settings.timezone)
    return Outcome(data, text.voucher_redeemed(view, reader(settings)))
