"""The rows of the command table (`parser.COMMANDS`): a command, its arguments, its handler."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.cli.outcome import Handler, Runtime, Standalone


@dataclass(frozen=True)
class Arg:
    """One argument: positional when `name` has no leading dash."""

    name: str
    help: str | None = None
    required: bool = False
    default: object = None
    choices: tuple[str, ...] | None = None
    metavar: str | None = None
    dest: str | None = None
    type: Callable[[str], object] | None = None
    nargs: str | None = None
    flag: bool = False  # a switch: present or not


@dataclass(frozen=True)
class Command:
    """A command on the ledger; `as_user` adds the required `--as USER_ID`."""

    words: tuple[str, ...]
    help: str
    handler: Handler | Standalone  # a Standalone one opens no database: `offline`
    args: tuple[Arg, ...] = ()
    as_user: bool = False
    defaults: Mapping[str, str] = field(default_factory=dict)
    offline: bool = False


@dataclass(frozen=True)
class Running:
    """A command that runs until stopped: no ledger opened for it, no `--json`."""

    words: tuple[str, ...]
    help: str
    runs: Runtime
    args: tuple[Arg, ...] = ()
