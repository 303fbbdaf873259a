"""argparse's own complaints, in the terminal's language.

argparse words its errors through gettext's current domain, `messages`, which is the
name of the bot's catalogs: `bind()` points that domain at `bot/locale/`, so a French
terminal reads « arguments obligatoires manquants : --project » after `erreur :`.
gettext picks the language from LANGUAGE, LC_ALL, LC_MESSAGES and LANG, the variables the
bot's own terminal reader looks at (LANGUAGE aside). The sentences are listed here so that
`make i18n` keeps them in the catalogs; the help's own words stay in English, like the
help texts."""

from __future__ import annotations

import gettext

from bot.i18n import CATALOGS
from ledger.errors import N_

DOMAIN = "messages"  # gettext's default domain, the one argparse asks

COMPLAINTS = (
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
)


def bind() -> None:
    """Let argparse find its sentences in the bot's catalogs."""
    gettext.bindtextdomain(DOMAIN, str(CATALOGS))
