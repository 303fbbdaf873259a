"""Sentences of the autopilot shared by Slack, the App Home, the console and the command line.
People are written by `t.person`: a mention in Slack, an id at a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.i18n import Translator
from ledger.domain import PurchaseOrderView, days_covered
from ledger.drafting import Draft, Skip
from ledger.money import Money
from ledger.services.autopilot import AutopilotState, Held, Outlook


def setting(state: AutopilotState, t: Translator) -> str:
    """On or off, the cover, and the cap with what this month's drafts took of it."""
    if not state.enabled:
        return t.gettext("Autopilot off")
    cover = t.say_n("cover {n} day", "cover {n} days", state.cover_days)
    if state.monthly_cap is None:
        cap = t.gettext("no monthly cap")
    else:
        cap = t.say(
            "monthly cap {cap} ({used} used this month)",
            cap=t.whole_money(state.monthly_cap),
            used=t.money(state.cap_used),
        )
    return t.say("Autopilot on · {cover} · {cap}", cover=cover, cap=cap)


def outlook(state: AutopilotState, t: Translator) -> str:
    """What the autopilot does next: today's draft, or why none and when the next is expected."""
    seen = state.outlook
    if seen.draft is not None:
        said = t.say(
            "A draft is due: the next scheduled run drafts {amount}.",
            amount=t.money(seen.draft.amount),
        )
        return said + " " + due(seen.draft, t)
    match seen.reason:
        case Held.OFF:
            return t.gettext("No order is drafted while it is off.")
        case Held.DRAFTED_TODAY:
            return t.say("Drafted {po} today; the next draft comes after it.", po=seen.order)
        case Held.REFUSED_TODAY:
            return t.say(
                "Today's draft {po} was refused; the next draft can come with tomorrow's run, "
                "on {day}.",
                po=seen.order,
                day=t.date(seen.expected_on) if seen.expected_on is not None else "?",
            )
        case Held.REJECTED | Held.EXPIRED:
            return held(seen, state.project.id, t)
        case Held.OPEN_ORDER:
            return t.say(
                "Waiting for {po}: nothing is drafted while an order is open.", po=seen.order
            )
        case Skip.NOT_YET if seen.expected_on is not None:
            return t.say("Next draft expected on {day}.", day=t.date(seen.expected_on))
        case Skip.NO_BURN:
            return t.gettext("No draft: nothing was charged lately, so there is no burn.")
        case Skip.CAP_REACHED:
            return t.gettext("No draft: the monthly cap is reached.")
        case Skip.NOTHING_USEFUL:
            return t.gettext("No draft: credit bought now would expire unused.")
    return t.gettext("No draft: credit lasts beyond the next 13 months.")


def held(seen: Outlook, project: str, t: Translator) -> str:
    """Why nothing is drafted after finance refused a draft, and how to resume."""
    values = {
        "po": seen.order,
        "day": t.day(seen.since) if seen.since is not None else "?",
        "command": turn_on_again(project, t),
    }
    if seen.reason is Held.EXPIRED:
        return t.say(
            "Held since {po} expired unapproved on {day}: turn it on again to resume ({command}).",
            **values,
        )
    return t.say(
        "Held since {po} was rejected on {day}: turn it on again to resume ({command}).",
        **values,
    )


def turn_on_again(project: str, t: Translator) -> str:
    """How finance turns it on: the Slack command in Slack, the command line at a terminal."""
    if t.mentions:
        return t.say("`/credit autopilot on {project}`", project=project)
    return f"creditbot autopilot set --project {project}"


def held_after(project: str, t: Translator) -> str:
    """Finance's card of a draft it rejected or let expire: the autopilot waits for it."""
    return t.say(
        "The autopilot drafts nothing more for this project until finance turns it on again "
        "({command}).",
        command=turn_on_again(project, t),
    )


def changed(state: AutopilotState, t: Translator) -> str | None:
    if state.changed_by is None or state.changed_at is None:
        return None
    return t.say(
        "Changed by {who} on {when}.",
        who=t.person(state.changed_by),
        when=t.moment(state.changed_at),
    )


def last_draft(state: AutopilotState, t: Translator) -> str | None:
    drafted = state.last_draft
    if drafted is None:
        return None
    return t.say(
        "Last draft: {po} on {day}, {amount}.",
        po=drafted.number,
        day=t.date(drafted.day),
        amount=t.money(drafted.amount),
    )


def cut(by: str, amount: Money, t: Translator) -> str:
    """What cut a draft's amount below the shortfalls of its cover, and to how much."""
    said = t.money(amount)
    if by == "useful":
        return t.say("cut to {amount}, what can be used before it expires", amount=said)
    if by == "maximum":
        return t.say("cut to {amount} by the purchase maximum", amount=said)
    return t.say("cut to {amount} by the monthly cap", amount=said)


def covers(
    runs_out_on: date,
    cover_days: int,
    covers_through: date | None,
    bounded_by: str | None,
    amount: Money,
    t: Translator,
) -> str:
    """When credit runs out and the days of use after it that a draft pays in full: the
    cover asked, or, when a bound cut the amount, how many of them, through which day, and
    what cut it."""
    runs_out = t.date(runs_out_on)
    if bounded_by is None and covers_through is not None:
        return t.say_n(
            "Credit runs out on {runs_out}; this order covers {n} day of usage from then, "
            "through {through}.",
            "Credit runs out on {runs_out}; this order covers {n} days of usage from then, "
            "through {through}.",
            cover_days,
            runs_out=runs_out,
            through=t.date(covers_through),
        )
    why = cut(bounded_by or "", amount, t)
    if covers_through is None:  # cut before the day it pays through was kept
        return t.say_n(
            "Credit runs out on {runs_out}; this order was to cover {n} day of usage from "
            "then: {cut}.",
            "Credit runs out on {runs_out}; this order was to cover {n} days of usage from "
            "then: {cut}.",
            cover_days,
            runs_out=runs_out,
            cut=why,
        )
    covered = days_covered(runs_out_on, covers_through)
    if covered == 0:
        return t.say_n(
            "Credit runs out on {runs_out}; this order pays no whole day of the {n} day "
            "asked: {cut}.",
            "Credit runs out on {runs_out}; this order pays no whole day of the {n} days "
            "asked: {cut}.",
            cover_days,
            runs_out=runs_out,
            cut=why,
        )
    return t.say_n(
        "Credit runs out on {runs_out}; this order covers {covered} of the {n} day of usage "
        "asked, through {through}: {cut}.",
        "Credit runs out on {runs_out}; this order covers {covered} of the {n} days of usage "
        "asked, through {through}: {cut}.",
        cover_days,
        runs_out=runs_out,
        covered=covered,
        through=t.date(covers_through),
        cut=why,
    )


def drafted(po: PurchaseOrderView, t: Translator) -> str:
    """What a drafted order is for: when credit runs out, and the days of use it covers."""
    order = po.drafted
    if order is None:
        return ""
    return covers(
        order.runs_out_on,
        order.cover_days,
        order.covers_through,
        order.bounded_by,
        po.amount_excl_tax,
        t,
    )


def due(draft: Draft, t: Translator) -> str:
    """What the draft due at the next run would cover."""
    return covers(
        draft.runs_out_on,
        draft.cover_days,
        draft.covers_through,
        draft.bounded_by,
        draft.amount,
        t,
    )


def listing(states: Sequence[AutopilotState], t: Translator) -> str:
    """Each project's autopilot at a terminal: its setting, then what it does next and notes."""
    out = []
    for state in states:
        out.append(f"{state.project.id}\t" + setting(state, t))
        notes = (outlook(state, t), last_draft(state, t), changed(state, t))
        out += [f"  {note}" for note in notes if note]
    return "\n".join(out)
