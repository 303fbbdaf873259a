"""`python -m bench [ledger|slack|alerts] [--backends sqlite,postgresql] [--quick]`"""

from __future__ import annotations

import argparse
import json

from bench import ledger_bench


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("suite", nargs="*", default=["ledger"])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="smaller data sets, for a smoke run")
    args = parser.parse_args()
    scale = 100 if args.quick else 1
    for backend in args.backends.split(","):
        if "ledger" in args.suite:
            report(
                "charges",
                backend,
                ledger_bench.charges_per_second(backend, 400 // (4 if args.quick else 1)),
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


def report(name: str, backend: str, figures: dict[str, float]) -> None:
    print(
        json.dumps(
            {"bench": name, "backend": backend, **{k: round(v, 3) for k, v in figures.items()}}
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
