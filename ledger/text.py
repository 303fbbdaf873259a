"""Text that no database can store: a NUL (PostgreSQL refuses it in text) or a lone
surrogate (no encoding can write it). Such input is invalid, whatever the backend."""

from __future__ import annotations

import re
from collections.abc import Iterator

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


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
