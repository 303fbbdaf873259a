"""The benchmarks of the approvals, the accounting export and the backtest still run: each,
at its smallest size, reports a finite ratio above zero (their figures are `python -m
bench`'s business, not the tests')."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from typing import Any

import pytest

from bench import accounting_bench, approvals_bench, backtest_bench
from bench.__main__ import report

SMALLEST: dict[str, Callable[[], dict[str, Any]]] = {
    "approvals": lambda: approvals_bench.three_vs_one("sqlite", orders=3, rounds=1),
    "accounting": lambda: accounting_bench.export_vs_bare_select("sqlite", count=60, repeat=1),
    "backtest": lambda: backtest_bench.policies_vs_charges(days=60, repeat=1),
}


@pytest.mark.skipif(
    "sqlite" not in os.environ.get("CREDITBOT_TEST_BACKENDS", "sqlite,postgresql").split(","),
    reason="the smoke run of the benchmarks uses SQLite only",
)
@pytest.mark.parametrize("suite", sorted(SMALLEST))
def test_the_benchmark_runs_at_its_smallest_size_and_reports_a_finite_positive_ratio(
    suite: str, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = SMALLEST[suite]()
    report(suite, "sqlite", figures)
    printed = json.loads(capsys.readouterr().out)
    for ratio in (figures["ratio"], printed["ratio"]):
        assert isinstance(ratio, float) and math.isfinite(ratio) and ratio > 0, figures
