"""People, channels and user text as Slack's mrkdwn shows them, and command text as Slack sends it."""

from __future__ import annotations


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def channel(channel_id: str) -> str:
    return f"<#{channel_id}>"


def escape(text: str) -> str:
    """User text shown in mrkdwn: no accidental mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack escapes `&`, `<` and `>` in command text; read what the person typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, ending in "…" when shortened, and never cut inside an
    escape (`&amp;`) or a `<…>` mention, which Slack would show broken or drop."""
    if len(text) <= limit:
        return text
    kept = text[: limit - 1]
    amp = kept.rfind("&")
    if amp != -1 and ";" not in kept[amp:]:
        kept = kept[:amp]
    opening = kept.rfind("<")
    if opening != -1 and ">" not in kept[opening:]:
        kept = kept[:opening]
    return kept + "…"
