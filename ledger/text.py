"""Text that no database can store: a NUL (PostgreSQL refuses it in text) or a lone
surrogate (no encoding can write it). Such input is invalid, whatever the backend.
And the one line of words a person gives as a reason or a memo."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ledger.errors import N_, InvalidInput

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# C0 and C1 controls but tab and line breaks, and the marks that reorder text on screen.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def storable(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def unstorable_paths(data: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Where, in a tree of dicts and lists, a key or a string cannot be stored."""
    if isinstance(data, str):
        if not storable(data):
            yield path
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and not storable(key):
                yield (*path, "<key>")
            else:
                yield from unstorable_paths(value, (*path, str(key)))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from unstorable_paths(value, (*path, str(index)))


def one_line(text: str) -> str:
    """A reason or a memo as it is kept: its words on one line. Control characters (a bell,
    a terminal escape, a right-to-left override) are refused rather than kept or dropped."""
    if _CONTROL.search(text):
        raise InvalidInput(
            N_("that text holds control characters"), hint=N_("type it as plain words")
        )
    return " ".join(text.split())
