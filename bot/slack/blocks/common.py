"""What every message shares: the `Message` with its text fallback, sections packed within
Slack's limits, and plain text or error replies.

Builders are small pure functions: nothing here talks to Slack or the ledger; every sentence
comes from the catalogs through the reader's `Translator`. Tests check each message against
Slack's limits, in both languages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.slack.formatting import cut

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_TEXT = 40_000  # a message's fallback text; Slack cuts a longer one
MAX_LOTS_SHOWN = 30
WARNING = ":warning:"


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", cut(self.text, MAX_TEXT))

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def _dicts(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def _packed(lines: Sequence[str]) -> list[list[str]]:
    """Lines grouped into as few sections as Slack's 3,000-character limit allows."""
    chunks: list[list[str]] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        line = cut(line, MAX_SECTION - 10)
        if chunk and size + len(line) + 1 > MAX_SECTION - 10:
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        chunks.append(chunk)
    return chunks


def _sections(lines: Sequence[str]) -> list[Block]:
    return [SectionBlock(text=_md("\n".join(chunk))) for chunk in _packed(lines)]


def text_message(text: str) -> Message:
    return Message(text, _dicts([SectionBlock(text=_md(cut(text, MAX_SECTION)))]))


def _listing(lines: Sequence[str], room: int, more: Callable[[int], str]) -> list[Block]:
    """Sections of `lines` within `room` blocks; when they do not all fit, the last block
    says how many more there are (`more(n)`)."""
    chunks = _packed(lines)
    if len(chunks) <= room:
        return [SectionBlock(text=_md("\n".join(chunk))) for chunk in chunks]
    shown = chunks[: room - 1]
    hidden = len(lines) - sum(len(chunk) for chunk in shown)
    return [
        *(SectionBlock(text=_md("\n".join(chunk))) for chunk in shown),
        ContextBlock(elements=[_md(more(hidden))]),
    ]


def error_message(text: str) -> Message:
    return text_message(f":no_entry: {text}")
