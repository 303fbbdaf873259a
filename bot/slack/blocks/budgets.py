"""Purchase budgets: `/credit budget` and its replies, and finance's budget notices."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, HeaderBlock, PlainTextObject

from bot import budget_words as words
from bot.budget_words import amount_per_period, per_period, set_line, title, use_line
from bot.i18n import Translator
from bot.slack.blocks.common import MAX_BLOCKS, Message, _dicts, _listing, text_message
from bot.slack.formatting import escape, mention
from ledger.periods import BudgetView
from ledger.services.budget_notices import BudgetNews

ROOM = MAX_BLOCKS - 1  # below the header


def _line(view: BudgetView, t: Translator) -> str:
    return (
        f"*{escape(view.project.name)}* (`{view.project.id}`) · "
        + amount_per_period(view, t)
        + "\n"
        + use_line(view, t)
        + " "
        + set_line(view, t)
    )


def budget_list(views: Sequence[BudgetView], t: Translator) -> Message:
    """Every budget (or one project's), with its use in the current period."""
    if not views:
        return text_message(
            t.gettext(
                "No project has a budget. Finance sets one with "
                "`/credit budget set PROJECT AMOUNT monthly|quarterly|yearly`."
            )
        )
    header = t.say_n("{n} budget", "{n} budgets", len(views))
    lines = [_line(view, t) for view in views]
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=header)),
        *_listing(
            lines,
            ROOM,
            lambda n: t.say_n(
                "…and {n} more; `/credit budget PROJECT` shows one.",
                "…and {n} more; `/credit budget PROJECT` shows one.",
                n,
            ),
        ),
    ]
    return Message(header + "\n" + "\n".join(lines), _dicts(blocks))


def no_budget(project_name: str, t: Translator) -> Message:
    return text_message(words.no_budget(f"*{escape(project_name)}*", t))


def budget_set(view: BudgetView, t: Translator) -> Message:
    project = f"*{escape(view.project.name)}*"
    return text_message(words.budget_now(view, project, t) + "\n" + use_line(view, t))


def budget_cleared(view: BudgetView, t: Translator) -> Message:
    return text_message(words.budget_gone(view, f"*{escape(view.project.name)}*", t))


def budget_news(news: BudgetNews, t: Translator) -> Message:
    """Finance's notice: use passed 80 % or 100 %, or someone set or cleared a budget."""
    project = escape(news.project_name)
    named = title(news.period, news.starts_on, t)
    amount = t.say(
        "{amount} {per_period}", amount=t.money(news.amount), per_period=per_period(news.period, t)
    )
    if news.event == "set":
        text = t.say(
            "{who} set the budget of *{project}* to {amount}.",
            who=mention(news.who or ""),
            project=project,
            amount=amount,
        )
    elif news.event == "cleared":
        text = t.say(
            "{who} cleared the budget of *{project}* ({amount}).",
            who=mention(news.who or ""),
            project=project,
            amount=amount,
        )
    elif (news.threshold or 0) >= 100:
        text = ":rotating_light: " + t.say(
            "*{project}* has used all of its {title}: {use} of {budget} ({percent}). "
            "Each order over it needs one approval more.",
            project=project,
            title=named,
            use=t.money(news.use),
            budget=t.money(news.amount),
            percent=t.percent(news.percent),
        )
    else:
        text = ":warning: " + t.say(
            "*{project}* has used {use} of its {title} of {budget} ({percent}).",
            project=project,
            title=named,
            use=t.money(news.use),
            budget=t.money(news.amount),
            percent=t.percent(news.percent),
        )
    return text_message(text)
