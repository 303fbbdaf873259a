"""What a command hands back: data for `--json`, text for a person."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from bot.settings import Settings
from ledger.services import Ledger

JSON = Mapping[str, "JSON"] | Sequence["JSON"] | str | int | bool | None


@dataclass(frozen=True)
class Outcome:
    """Printed as `data` (JSON) or as `text`."""

    data: JSON
    text: str
    exit_code: ClassVar[int] = 0


@dataclass(frozen=True)
class Failure(Outcome):
    """Printed as an outcome is, but the command failed (a project could not be synced)."""

    exit_code: ClassVar[int] = 1


@dataclass(frozen=True)
class Mismatches:
    """The journal disagrees with the balances: each problem on stderr, exit 1."""

    problems: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    """Printed as it is whatever `--json` says (an export in its own format)."""

    body: str
    end: str = "\n"


Result = Outcome | Mismatches | Document

Handler = Callable[[argparse.Namespace, Settings, Ledger], Result]
"""A command on the ledger: the database is open and its schema current."""

Standalone = Callable[[argparse.Namespace, Settings], Result]
"""A command that opens no configured database (it builds what it needs)."""

Runtime = Callable[[argparse.Namespace, Settings], int]
"""A command that runs until stopped (the bot, the scheduler, the console): an exit code."""


class Refused(Exception):
    """The command line itself refuses: a flag that contradicts another, a missing setting."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
