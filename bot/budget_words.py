"""Sentences of purchase budgets shared by Slack and the command line, and the French words
people may type for a period."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.i18n import Translator
from ledger.periods import BudgetPeriod, BudgetView

# French period words, read as the English ones wherever a period is typed.
PERIOD_ALIASES = {
    "mensuel": "monthly",
    "mensuelle": "monthly",
    "trimestriel": "quarterly",
    "trimestrielle": "quarterly",
    "annuel": "yearly",
    "annuelle": "yearly",
}


def period_word(text: str) -> str:
    """A period as the ledger reads it (`monthly`), whichever language it was typed in."""
    folded = text.strip().casefold()
    return PERIOD_ALIASES.get(folded, folded)


def title(period: BudgetPeriod, starts_on: date, t: Translator) -> str:
    """The budget of one period by name: `December 2026 budget`, `Q4 2026 budget`."""
    if period is BudgetPeriod.MONTHLY:
        month = format_date(starts_on, "MMMM y", locale=t.locale)
        return t.say("{month} budget", month=month)
    if period is BudgetPeriod.QUARTERLY:
        quarter = format_date(starts_on, "QQQ y", locale=t.locale)
        return t.say("{quarter} budget", quarter=quarter)
    return t.say("{year} budget", year=starts_on.year)


def per_period(period: BudgetPeriod, t: Translator) -> str:
    """How often a budget starts again: `a month`, `a quarter`, `a year`."""
    if period is BudgetPeriod.MONTHLY:
        return t.gettext("a month")
    if period is BudgetPeriod.QUARTERLY:
        return t.gettext("a quarter")
    return t.gettext("a year")


def use_line(view: BudgetView, t: Translator) -> str:
    """Use / budget (period): what the balance, the forecast and the App Home show."""
    named = title(view.period, view.starts_on, t)
    named = named[:1].upper() + named[1:]
    if view.over:
        return t.say(
            "{title}: {use} of {budget} used ({percent}), {over} over.",
            title=named,
            use=t.money(view.use),
            budget=t.money(view.amount),
            percent=t.percent(view.percent),
            over=t.money(view.over),
        )
    return t.say(
        "{title}: {use} of {budget} used ({percent}), {left} left.",
        title=named,
        use=t.money(view.use),
        budget=t.money(view.amount),
        percent=t.percent(view.percent),
        left=t.money(view.left),
    )


def set_line(view: BudgetView, t: Translator) -> str:
    """Who set the budget, and when."""
    return t.say("Set by {who} on {when}.", who=t.person(view.set_by), when=t.moment(view.set_at))


def amount_per_period(view: BudgetView, t: Translator) -> str:
    """`10 000,00 € a month`."""
    return t.say(
        "{amount} {per_period}", amount=t.money(view.amount), per_period=per_period(view.period, t)
    )


def shown(view: BudgetView, t: Translator) -> str:
    """A budget as `creditbot budget show` prints it: the amount, then its use and who set it."""
    head = t.say(
        "{project} ({id}): {amount}",
        project=view.project.name,
        id=view.project.id,
        amount=amount_per_period(view, t),
    )
    return f"{head}\n  {use_line(view, t)} {set_line(view, t)}"


def budget_now(view: BudgetView, project: str, t: Translator) -> str:
    """A budget just set; `project` is the name as the surface shows it."""
    return t.say(
        "The budget of {project} is now {amount}.",
        project=project,
        amount=amount_per_period(view, t),
    )


def budget_gone(view: BudgetView, project: str, t: Translator) -> str:
    """A budget just cleared."""
    return t.say(
        "{project} has no budget any more (it was {amount}).",
        project=project,
        amount=amount_per_period(view, t),
    )


def no_budget(project: str, t: Translator) -> str:
    return t.say(
        "{project} has no budget: what it buys is limited only by each order's maximum.",
        project=project,
    )


def no_budgets(t: Translator) -> str:
    return t.gettext("No project has a budget.")
