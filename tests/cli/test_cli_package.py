"""The command line as a package: one table of commands whose handlers hand back typed
outcomes, its sentences in one module, no module over 400 lines, and the same `main` for
`creditbot` and `python -m bot.cli`."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import typing
from pathlib import Path
from types import UnionType

import bot.cli
from bot.cli import parser
from bot.cli.__main__ import main
from bot.cli.outcome import Document, Mismatches, Outcome

PACKAGE = Path(bot.cli.__file__).parent
ROOT = PACKAGE.parent.parent
TRANSLATING = {"say", "say_n", "gettext", "ngettext"}


def test_every_command_of_the_table_hands_back_a_typed_outcome_without_any() -> None:
    results = {Outcome, Mismatches, Document}
    for row in parser.COMMANDS:
        if isinstance(row, parser.Running):
            hints = typing.get_type_hints(row.runs)
            assert hints["return"] is int, row.words
        else:
            hints = typing.get_type_hints(row.handler)
            returned = hints["return"]
            kinds = (
                set(typing.get_args(returned)) if isinstance(returned, UnionType) else {returned}
            )
            assert kinds and kinds <= results, (row.words, returned)
        assert typing.Any not in hints.values(), row.words


def test_the_table_names_each_command_once() -> None:
    words = [row.words for row in parser.COMMANDS]
    assert len(words) == len(set(words))
    groups = {row.words[0] for row in parser.COMMANDS if len(row.words) == 2}
    assert groups == set(parser.GROUPS)


def test_no_module_of_the_command_line_is_over_400_lines() -> None:
    sizes = {p.name: len(p.read_text().splitlines()) for p in PACKAGE.glob("*.py")}
    assert {"__main__.py", "parser.py", "runtime.py", "serialise.py", "text.py"} <= set(sizes)
    assert max(sizes.values()) <= 400, sizes


def _translated_literals(path: Path) -> list[str]:
    """Sentences handed to a translator as they are written in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in TRANSLATING
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append(f"{path.name}:{node.lineno}: {node.args[0].value!r}")
    return found


def _is_text_module(path: Path) -> bool:
    """`text.py`, and a feature's own sentences beside it (`accounting_text.py`)."""
    return path.name == "text.py" or path.name.endswith("_text.py")


def test_the_command_line_writes_what_people_read_only_in_its_text_module() -> None:
    elsewhere = [
        said
        for path in sorted(PACKAGE.glob("*.py"))
        if not _is_text_module(path)
        for said in _translated_literals(path)
    ]
    assert elsewhere == []
    assert _translated_literals(PACKAGE / "text.py")


def test_no_sentence_of_the_command_line_is_written_again_for_slack() -> None:
    def sentences(paths: list[Path]) -> set[str]:
        return {said.split(": ", 1)[1] for path in paths for said in _translated_literals(path)}

    cli = sentences([p for p in sorted(PACKAGE.glob("*.py")) if _is_text_module(p)])
    slack = sentences(sorted((ROOT / "bot" / "slack").rglob("*.py")))
    assert cli & slack == set()


def test_the_creditbot_script_runs_the_main_of_python_m_bot_cli() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, name = scripts["creditbot"].split(":")
    assert getattr(__import__(module, fromlist=[name]), name) is main
    shown = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert shown.returncode == 0
    assert shown.stdout.startswith("usage: creditbot")
    assert shown.stderr == ""  # no warning that the package ran its __main__ twice
