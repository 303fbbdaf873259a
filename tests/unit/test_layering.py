"""The import graph: `bench → bot → ledger` with no arrow back, and the jobs and the
OVHcloud adapter reach Slack only through the notifier port (bot/jobs/notifier.py),
which the composition root wires."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module `path` imports, at any depth (including under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            yield stem
            yield from (f"{stem}.{alias.name}" for alias in node.names)


def _graph(package: str) -> dict[str, set[str]]:
    return {
        _module_name(path): set(_imports(path))
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts or package != "ledger"
    }


def _reaching(package: str, forbidden: str) -> list[str]:
    return [
        f"{module} imports {target}"
        for module, targets in _graph(package).items()
        for target in sorted(targets)
        if target == forbidden or target.startswith(f"{forbidden}.")
    ]


def test_every_package_is_read_by_the_layering_check() -> None:
    for package in ("ledger", "bot", "bench", "bot/jobs", "bot/ovh", "bot/slack"):
        assert _graph(package), package


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("ledger", "bot"), ("ledger", "bench"), ("bot", "bench")],
)
def test_the_ledger_knows_nothing_of_the_bot_and_the_bot_nothing_of_the_benches(
    package: str, forbidden: str
) -> None:
    assert _reaching(package, forbidden) == []


@pytest.mark.parametrize("package", ["bot/ovh", "bot/jobs"])
def test_the_ovhcloud_adapter_and_the_jobs_import_nothing_from_slack(package: str) -> None:
    assert _reaching(package, "bot.slack") == []
