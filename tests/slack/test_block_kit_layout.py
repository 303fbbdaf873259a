"""Block Kit lives in one package, one small module per surface the reader sees, and builds
messages without reaching into the listeners."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.slack

SLACK = Path(bot.slack.__file__).parent
BLOCKS = SLACK / "blocks"
SURFACES = {
    "common",
    "help",
    "balance",
    "forecast",
    "purchase_orders",
    "modals",
    "vouchers",
    "charges",
    "projects",
    "notices",
    "home",
    "ovh",
}
# What a builder may use of the Slack package besides Block Kit itself: escaping and the
# project picker's option.
PURE_HELPERS = {"bot.slack.formatting", "bot.slack.project_choice"}


def _modules() -> list[Path]:
    return sorted(p for p in BLOCKS.glob("*.py") if p.name != "__init__.py")


def test_every_surface_has_its_own_block_kit_module() -> None:
    assert {p.stem for p in _modules()} >= SURFACES


def test_no_block_kit_module_is_over_four_hundred_lines() -> None:
    sizes = {p.name: len(p.read_text().splitlines()) for p in _modules()}
    assert sizes
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def test_the_old_block_kit_module_names_are_gone() -> None:
    old = {"blocks.py", "blocks_home.py", "blocks_digest.py", "blocks_forecast.py"}
    old |= {"ovh_blocks.py", "ovh_words.py", "ovh_states.py", "ovh_reconcile.py"}
    assert {p.name for p in SLACK.glob("*.py")} & old == set()


def _outside_block_kit(module: str) -> bool:
    if module == "bot.slack":  # `from bot.slack import notify` names a listener module
        return True
    inside = module.startswith("bot.slack.") and not module.startswith("bot.slack.blocks")
    return inside and module not in PURE_HELPERS


def test_block_kit_imports_nothing_of_slack_but_block_kit_and_formatting() -> None:
    reached: set[tuple[str, str]] = set()
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            reached |= {(path.name, m) for m in modules if _outside_block_kit(m)}
    assert reached == set()
