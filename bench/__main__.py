"""`python -m bench [ledger] [approvals] [slack] [alerts] [forecast] [cli] [ovh] [accounting] [backtest] [--backends sqlite,postgresql] [--quick]`"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bench import (
    accounting_bench,
    alerts_bench,
    approvals_bench,
    backtest_bench,
    cli_bench,
    forecast_bench,
    ledger_bench,
    ovh_bench,
    slack_bench,
)

SUITES = (
    "ledger",
    "approvals",
    "slack",
    "alerts",
    "forecast",
    "cli",
    "ovh",
    "accounting",
    "backtest",
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("suite", nargs="*", default=list(SUITES), choices=SUITES)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="smaller data sets, for a smoke run")
    args = parser.parse_args()
    scale = 100 if args.quick else 1
    if "backtest" in args.suite:  # in-memory SQLite whatever the backends
        report(
            "backtest, 4 policies x 3 years of one project, vs the charges alone",
            "sqlite (memory)",
            backtest_bench.policies_vs_charges(365 if args.quick else 1096, 1 if args.quick else 3),
        )
    for backend in args.backends.split(","):
        if "ledger" in args.suite:
            report(
                "charges", backend, ledger_bench.charges_per_second(backend, 400 // min(scale, 4))
            )
            report(
                "balance 1k vs 1M entries",
                backend,
                ledger_bench.balance_vs_history(backend, big=1_000_000 // scale),
            )
            report(
                "expire 1M lots, 10k due",
                backend,
                ledger_bench.expire_over_lots(backend, 1_000_000 // scale, 10_000 // scale),
            )
        if "approvals" in args.suite:
            report(
                "approving an order needing 3 approvals (3 calls) vs one needing 1",
                backend,
                approvals_bench.three_vs_one(backend, 200 // min(scale, 10)),
            )
        if "alerts" in args.suite:
            report(
                "warning run, 1M lots, 10k due, 500 projects",
                backend,
                alerts_bench.warning_run(backend, 1_000_000 // scale, 10_000 // scale),
            )
        if "forecast" in args.suite:
            report(
                "forecast, 500 lots and a year of daily charges, vs the balance read",
                backend,
                forecast_bench.forecast_vs_balance(backend, 500 // min(scale, 10)),
            )
            report(
                "App Home of finance, 50 projects and 40 orders, vs a bare views.publish",
                backend,
                forecast_bench.home_publish(backend),
            )
        if "cli" in args.suite:
            for row in cli_bench.read_commands(backend, repeat=5 if args.quick else 21):
                report("operator CLI, a read command as a new process", backend, row)
        if "ovh" in args.suite:
            report(
                "OVHcloud sync, 50 projects x 40 credits",
                backend,
                ovh_bench.sync_vs_bare_fetches(backend, 50 // min(scale, 10), 40),
            )
        if "accounting" in args.suite:
            report(
                "export of 10k purchase orders vs a bare SELECT written with csv.writer",
                backend,
                accounting_bench.export_vs_bare_select(backend, 10_000 // min(scale, 10)),
            )
        if "slack" in args.suite:
            for row in slack_bench.balance_over_http(backend, 400 // min(scale, 4)):
                report("/credit balance over HTTP, 200 lots", backend, row)


def report(name: str, backend: str, figures: dict[str, Any]) -> None:
    rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}
    print(json.dumps({"bench": name, "backend": backend, **rounded}), flush=True)


if __name__ == "__main__":
    main()
