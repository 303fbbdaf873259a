"""Commands that run the bot itself; filled in by the Slack and scheduler layers."""

from __future__ import annotations

from typing import Any


def register(sub: Any, command: Any) -> None:
    return None
