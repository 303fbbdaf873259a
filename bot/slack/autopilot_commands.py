"""`/credit autopilot [PROJECT]` (its state, for everyone), and for finance
`/credit autopilot on [PROJECT] [cover DAYS] [cap AMOUNT]` and `/credit autopilot off [PROJECT]`.
A change is news for finance: it is told in its channel who changed what."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.slack import notify
from bot.slack.blocks.autopilot import autopilot_message, changed_news
from ledger.amounts import parse_amount
from ledger.domain import ProjectView
from ledger.errors import N_, InvalidInput
from ledger.money import Money
from ledger.services import autopilot

if TYPE_CHECKING:
    from bot.slack.commands import Invocation

# French words for this sub-command and its own words.
ALIASES = {
    "pilote": "autopilot",
    "activer": "on",
    "désactiver": "off",
    "desactiver": "off",
    "arrêter": "off",
    "arreter": "off",
    "couverture": "cover",
    "plafond": "cap",
    "aucun": "none",
    "état": "status",
    "etat": "status",
    "statut": "status",
}
KEYWORDS = ("cover", "cap")


def word(text: str) -> str:
    """One of this command's words in English, whichever language it was typed in."""
    folded = text.casefold()
    return ALIASES.get(folded, folded)


EXAMPLE = N_("`/credit autopilot on prod-eu cover 90 cap 5000`")


def autopilot_command(inv: Invocation, args: list[str]) -> None:
    sub = word(args[0]) if args else "status"
    if sub == "on":
        _on(inv, args[1:])
    elif sub == "off":
        project = inv.projects.exactly(args[1:])
        was_on = autopilot.status(inv.deps.ledger, project.id)[0].enabled
        state = autopilot.turn_off(inv.deps.ledger, inv.actor, project.id)
        _changed(inv, state, told=was_on)  # turning off what is off changes nothing
    else:
        rest = args[1:] if sub == "status" else args
        named = [inv.projects.exactly(rest)] if rest or inv.projects.channel_project else []
        states = autopilot.status(inv.deps.ledger, named[0].id if named else None)
        inv.reply(autopilot_message(states, inv.t))


def _on(inv: Invocation, words: list[str]) -> None:
    found = [i for i, w in enumerate(words) if word(w) in KEYWORDS]
    head = words[: found[0]] if found else words
    given: dict[str, list[str]] = {}
    for n, at in enumerate(found):
        key = word(words[at])
        if key in given:
            raise InvalidInput(N_("say {word} once"), word=words[at])
        given[key] = words[at + 1 : found[n + 1] if n + 1 < len(found) else len(words)]
    cap_words = given.get("cap")
    tail: ProjectView | None = None
    if cap_words and not head:  # `on cover 60 cap 5 000 prod-eu`: the project last
        cap_words, tail = inv.projects.split_suffix(cap_words)
        if not cap_words:
            cap_words, tail = given["cap"], None
    project = inv.projects.exactly(head) if head else inv.projects.required(tail)
    cover = _cover(given["cover"]) if "cover" in given else None
    cap, clear = _cap(cap_words, project) if cap_words is not None else (None, False)
    state = autopilot.turn_on(inv.deps.ledger, inv.actor, project.id, cover, cap, clear_cap=clear)
    _changed(inv, state)


def _cover(words: Sequence[str]) -> int:
    if len(words) != 1 or not words[0].isdigit():
        raise InvalidInput(N_("the cover is a number of days"), hint=EXAMPLE)
    return autopilot.check_cover(int(words[0]))


def _cap(words: Sequence[str], project: ProjectView) -> tuple[Money | None, bool]:
    if not words:
        raise InvalidInput(N_("a cap needs an amount"), hint=EXAMPLE)
    if len(words) == 1 and word(words[0]) == "none":
        return None, True
    return parse_amount(" ".join(words), project.currency), False


def _changed(inv: Invocation, state: autopilot.AutopilotState, *, told: bool = True) -> None:
    inv.reply(autopilot_message([state], inv.t))
    if told:
        notify.to_finance(inv.deps, inv.client, changed_news(state, inv.deps.workspace))
