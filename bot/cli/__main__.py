"""Runs one `creditbot` command: parses it, opens the ledger, prints the outcome, and turns
every refusal and database trouble into one line on stderr and an exit code.

Only what every command needs is imported here; the Slack runtime, the scheduler and
the alerts are imported by the commands that use them, so a read starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from bot.cli import argparse_words, parser
from bot.cli.common import fail, reader
from bot.cli.outcome import (
    Document,
    Handler,
    Mismatches,
    Outcome,
    Refused,
    Runtime,
    Standalone,
)
from bot.composition import build_ledger
from bot.i18n import translator
from bot.settings import Settings
from ledger import migrate
from ledger.errors import N_, LedgerError
from ledger.services import Ledger
from ledger.text import storable


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`creditbot history … | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


def _main(argv: Sequence[str] | None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if not all(storable(arg) for arg in given):
        return fail(N_("an argument holds characters that cannot be stored (such as a NUL)"))
    argparse_words.bind()
    try:
        args = parser.build().parse_args(given)
    except SystemExit as stop:  # --help, or a usage error already reported
        return stop.code if isinstance(stop.code, int) else 1
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(_problem(e["loc"], str(e["msg"])) for e in exc.errors())
        return fail(N_("invalid settings: {problems}"), problems=problems)
    if getattr(args, "runtime", False):
        if args.json:
            return fail(
                N_("`{command}` runs until stopped and prints no result: drop --json"),
                command=args.command,
            )
        runs: Runtime = args.handler
        try:
            return runs(args, settings)
        except (ArgumentError, DatabaseError) as exc:  # mostly at start-up: migrating
            return _database_trouble(settings.database_url, exc)
    if getattr(args, "offline", False):
        return _run(args, settings, None)
    if getattr(args, "key", "unset") is None:
        args.key = f"cli-{uuid.uuid4()}"
    try:
        ledger = build_ledger(settings, upgrade=args.command == "db")
    except (ArgumentError, ImportError, DatabaseError) as exc:  # no driver for the URL's scheme
        return _database_trouble(settings.database_url, exc)
    try:
        return _run(args, settings, ledger)
    except DatabaseError as exc:
        if not _unusable(exc):
            raise
        return _database_trouble(settings.database_url, exc)


def _problem(where: tuple[int | str, ...], said: str) -> str:
    """A refused setting as `NAME: why`, once: pydantic's own prefix dropped, and the name
    not repeated when the sentence starts with it."""
    name = ".".join(map(str, where)).upper()
    said = said.removeprefix("Value error, ")
    return said if not name or said.startswith(name) else f"{name}: {said}"


def _database_trouble(url: str, exc: Exception) -> int:
    try:
        where = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return fail(N_("DATABASE_URL is not a database URL"), N_("e.g. sqlite:///creditbot.db"))
    if isinstance(exc, DatabaseError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    else:
        reason = str(exc).strip().splitlines()[0]
    return fail(N_("cannot use the database {where}: {reason}"), where=where, reason=reason)


def _unusable(exc: DatabaseError) -> bool:
    """The database cannot be reached or read (a file that is no database), as opposed to a
    statement it refused."""
    return isinstance(exc, OperationalError) or type(exc) is DatabaseError


def _run(args: argparse.Namespace, settings: Settings, ledger: Ledger | None) -> int:
    """Run the handler on `ledger`, or on nothing for a command that opens no database."""
    try:
        if ledger is None:
            standalone: Standalone = args.handler
            result = standalone(args, settings)
        elif not migrate.is_current(ledger.db.engine):
            return fail(
                N_("the database schema is not up to date"), N_("run `creditbot db upgrade`")
            )
        else:
            handler: Handler = args.handler
            result = handler(args, settings, ledger)
    except LedgerError as exc:
        if args.json:  # what scripts read stays as it was, in English
            return fail(exc.message, exc.hint, t=translator("en", settings.timezone))
        return fail(*reader(settings).refusal(exc))
    except Refused as exc:
        return fail(exc.message, exc.hint)
    except OSError as exc:
        if exc.filename is None:  # not a file given on the command line
            raise
        return fail(
            N_("cannot write {file}: {reason}"), file=str(exc.filename), reason=str(exc.strerror)
        )
    finally:
        if ledger is not None:
            ledger.db.dispose()
    return _print(result, args.json)


def _print(result: Outcome | Mismatches | Document, as_json: bool) -> int:
    match result:
        case Outcome(data=data, text=text):
            print(json.dumps(data, indent=2, ensure_ascii=False) if as_json else text)
            return result.exit_code
        case Mismatches(problems=problems):
            for problem in problems:
                print(f"mismatch: {problem}", file=sys.stderr)
            return 1
        case Document(body=body, end=end):
            print(body, end=end)
            return 0


if __name__ == "__main__":
    sys.exit(main())
