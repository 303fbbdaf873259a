"""What a scheduled run did, kept as figures (`posted=2;expired=0`) and worded per reader.

The health view stores a run's outcome; stored as figures, the App Home words it in each
admin's language. An outcome written before (a sentence) is shown as it was written."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.i18n import Translator

FIGURE = re.compile(r"([a-z_]+)=(\d+)")


def figures(counts: Mapping[str, int]) -> str:
    """The outcome as stored: `name=count` pairs, no words."""
    return ";".join(f"{name}={count}" for name, count in counts.items())


def read(outcome: str) -> dict[str, int] | None:
    """The figures of a stored outcome; None for one written as a sentence."""
    pairs = outcome.split(";")
    found = [FIGURE.fullmatch(pair) for pair in pairs]
    if not outcome or not all(found):
        return None
    return {m.group(1): int(m.group(2)) for m in found if m}


def words(outcome: str, t: Translator) -> str:
    """A stored outcome in the reader's language."""
    counts = read(outcome)
    if counts is None:
        return outcome
    said = []
    if "projects" in counts:
        said.append(
            t.say_n(
                "synced {synced} of {n} OVHcloud project",
                "synced {synced} of {n} OVHcloud projects",
                counts["projects"],
                synced=counts.get("synced", 0),
            )
        )
    said += [figure(name, count, t) for name, count in counts.items() if name != "synced"]
    return t.joined([part for part in said if part])


def figure(name: str, n: int, t: Translator) -> str:
    """One figure in words; empty for a figure this version does not know."""
    match name:
        case "expired":
            return t.say_n("expired {n} lot", "expired {n} lots", n)
        case "orders_expired":
            return t.say_n("expired {n} purchase order", "expired {n} purchase orders", n)
        case "claimed":
            return t.say_n("claimed {n} notice", "claimed {n} notices", n)
        case "posted":
            return t.say_n("posted {n} message", "posted {n} messages", n)
        case "retry_later":
            return t.say_n("{n} to retry next run", "{n} to retry next run", n)
        case "undeliverable":
            return t.say_n("{n} undeliverable", "{n} undeliverable", n)
        case "drafted":
            return t.say_n(
                "{n} purchase order drafted by the autopilot",
                "{n} purchase orders drafted by the autopilot",
                n,
            )
        case "entries":
            return t.say_n("{n} entry posted", "{n} entries posted", n)
        case "delivered":
            return t.say_n("{n} order delivered", "{n} orders delivered", n)
        case "notices":
            return t.say_n("{n} failure notice", "{n} failure notices", n)
    return ""  # a figure this version does not know (written by a newer one)
