"""The operator command line's start-up: the median wall time of a read command, as a new
process, against a process that only imports SQLAlchemy, measured in the same run."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from bench.common import FINANCE, T0, add_project, bulk_voucher_lots, fresh_database, make_ledger
from ledger.amounts import parse_amount
from ledger.domain import Actor, Role
from ledger.services import billing, purchases

ROOT = Path(__file__).resolve().parent.parent
SECOND_APPROVER = Actor("UFIN2", frozenset({Role.FINANCE}))
COMMANDS = {
    "balance": ["balance", "--project", "p0"],
    "po list": ["po", "list"],
    "history": ["history", "--project", "p0"],
}


def _wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def read_commands(kind: str, repeat: int = 21) -> list[dict[str, float | str]]:
    with fresh_database(kind) as url:
        ledger = make_ledger(url, now=T0 + timedelta(days=1))
        add_project(ledger.db, "p0")
        bulk_voucher_lots(ledger.db, "p0", 200, lambda i: T0 + timedelta(days=30 + i))
        for i in range(20):
            order = purchases.request_purchase(
                ledger, FINANCE, "p0", parse_amount(str(100 + i), "EUR")
            )
            if i % 2:
                purchases.approve_purchase(ledger, SECOND_APPROVER, order.number)
            billing.charge(ledger, FINANCE, "p0", parse_amount("1.50", "EUR"), f"bill-{i}")
        ledger.db.dispose()
        # An installed package has its bytecode compiled; a source tree run with
        # PYTHONDONTWRITEBYTECODE would compile every module of the project at each start.
        for package in ("bot", "ledger"):
            compileall.compile_dir(ROOT / package, quiet=1)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env["DATABASE_URL"] = url
        # Interleaved, so a busy machine slows the baseline and the commands alike.
        series: dict[str, list[float]] = {name: [] for name in ["baseline", *COMMANDS]}
        for _ in range(repeat):
            series["baseline"].append(_wall([sys.executable, "-c", "import sqlalchemy"], env))
            for name, args in COMMANDS.items():
                series[name].append(_wall([sys.executable, "-m", "bot.cli", *args], env))
        baseline = statistics.median(series["baseline"])
        return [
            {
                "command": name,
                "median_s": statistics.median(series[name]),
                "import_sqlalchemy_s": baseline,
                "ratio": statistics.median(series[name]) / baseline,
            }
            for name in COMMANDS
        ]
