"""French typography of a sentence: where a no-break space is missing."""

from __future__ import annotations

import re

NBSP = "\u00a0"
SPACES = (NBSP, "\u202f")
# What is not prose: fields, code, Slack links and emoji, URLs, console commands.
NOT_PROSE = re.compile(
    r"\{[^{}]*\}|`[^`]*`|<[^<>]*>|:[a-z0-9_+-]+:|[a-z][a-z0-9+.-]*://\S*|(?<!\S):[a-z]+"
)
# A mark of punctuation, not a time (10:00) or an offset (+01:00): followed by a space,
# the end, or a closing mark.
HIGH_MARK = re.compile(r"[:;!?](?=\s|$|[)\]»*_.,…])")


def missing_spaces(sentence: str) -> list[str]:
    """Each place of `sentence` that wants a no-break space and has none, with its context."""
    prose = NOT_PROSE.sub(lambda m: "x" * len(m.group()), sentence)
    found = []
    for mark in HIGH_MARK.finditer(prose):
        at = mark.start()
        if at > 0 and prose[at - 1] not in SPACES:
            found.append(sentence[max(0, at - 12) : at + 2])
    for quote in re.finditer("«", prose):
        if prose[quote.end() : quote.end() + 1] not in SPACES:
            found.append(sentence[quote.start() : quote.start() + 14])
    for quote in re.finditer("»", prose):
        if quote.start() == 0 or prose[quote.start() - 1] not in SPACES:
            found.append(sentence[max(0, quote.start() - 12) : quote.end()])
    return found
