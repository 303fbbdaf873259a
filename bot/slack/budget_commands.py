"""`/credit budget [PROJECT]` (anyone), `/credit budget set PROJECT AMOUNT monthly|quarterly|
yearly` and `/credit budget clear PROJECT` (finance): purchase budgets per calendar period."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.budget_words import PERIOD_ALIASES, period_word
from bot.slack import notify
from bot.slack.blocks import budgets as blocks
from ledger.amounts import parse_amount
from ledger.domain import Role
from ledger.errors import N_, InvalidInput
from ledger.periods import BudgetPeriod
from ledger.services import budgets

if TYPE_CHECKING:
    from bot.slack.commands import Invocation

# French words for the sub-commands and the periods; `budget` is the same word in French.
ALIASES = {
    "définir": "set",
    "definir": "set",
    "fixer": "set",
    "modifier": "set",
    "effacer": "clear",
    "supprimer": "clear",
    **PERIOD_ALIASES,
}

SET_EXAMPLE = N_("for example `/credit budget set prod-eu 10000 monthly`")
USAGE = N_(
    "`/credit budget set PROJECT AMOUNT monthly|quarterly|yearly`, "
    "`/credit budget clear PROJECT` or `/credit budget [PROJECT]`"
)


def budget(inv: Invocation, args: list[str]) -> None:
    sub = args[0].casefold() if args else ""
    sub = ALIASES.get(sub, sub)
    if sub == "set":
        _set(inv, args[1:])
    elif sub == "clear":
        _clear(inv, args[1:])
    elif _unknown_set(inv, args):
        raise InvalidInput(
            N_("{word!r} is not a budget sub-command"), hint=USAGE, word=args[0][:40]
        )
    else:
        _show(inv, args)


def _unknown_set(inv: Invocation, args: list[str]) -> bool:
    """`WORD [PROJECT] AMOUNT PERIOD` that names no project: a `set` under a word the bot
    does not know (`/credit budget fix prod-eu 10000 monthly`), not a project to show."""
    periods = {period.value for period in BudgetPeriod}
    return len(args) >= 3 and period_word(args[-1]) in periods and inv.projects.named(args) is None


def _show(inv: Invocation, args: list[str]) -> None:
    """A named project's budget; without one, the channel's project's, or else every budget."""
    if args or inv.projects.channel_project is not None:
        project = inv.projects.exactly(args)
        found = budgets.budget_of(inv.deps.ledger, project.id)
        inv.reply(
            blocks.budget_list([found], inv.t) if found else blocks.no_budget(project.name, inv.t)
        )
        return
    inv.reply(blocks.budget_list(budgets.all_budgets(inv.deps.ledger), inv.t))


def _set(inv: Invocation, args: list[str]) -> None:
    inv.actor.require(Role.FINANCE, N_("set budgets"))
    if len(args) < 2:
        raise InvalidInput(N_("say which project, how much and for which period"), hint=SET_EXAMPLE)
    *rest, last = args
    period = budgets.parse_period(period_word(last))  # first: a stray word is no amount
    named, amount_words = inv.projects.split_prefix(rest)
    project = inv.projects.required(named)
    if not amount_words:
        raise InvalidInput(N_("how much is the budget?"), hint=SET_EXAMPLE)
    amount = parse_amount(" ".join(amount_words), project.currency)
    view = budgets.set_budget(inv.deps.ledger, inv.actor, project.id, amount, period)
    inv.reply(blocks.budget_set(view, inv.t))
    notify.announce_budget_news(inv.deps, inv.client, project.id)


def _clear(inv: Invocation, args: list[str]) -> None:
    inv.actor.require(Role.FINANCE, N_("clear budgets"))
    project = inv.projects.exactly(args)
    view = budgets.clear_budget(inv.deps.ledger, inv.actor, project.id)
    inv.reply(blocks.budget_cleared(view, inv.t))
    notify.announce_budget_news(inv.deps, inv.client, project.id)
