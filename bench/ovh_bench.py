"""OVHcloud sync: 50 linked projects x 40 credits against the local stand-in, as a ratio
against the bare signed HTTP fetches of the same data in the same run (the network part is
the floor), plus the database part alone (the same sync given the fetched credits)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bench.common import FINANCE, fresh_database, make_ledger, timed
from bot.ovh.client import OvhProvider, build_client
from bot.ovh.standin import APP_KEY, APP_SECRET, CONSUMER_KEY, OvhStandIn
from ledger.services.linked import link_project, sync_all, sync_project
from ledger.services.projects import add_project


def _bare_fetch(client: Any, services: list[str]) -> int:
    """The floor: the same signed GETs, the JSON decoded, nothing else."""
    count = 0
    for service in services:
        for credit_id in client.get(f"/cloud/project/{service}/credit"):
            client.get(f"/cloud/project/{service}/credit/{credit_id}")
            count += 1
    return count


def sync_vs_bare_fetches(backend: str, projects: int = 50, credits: int = 40) -> dict[str, Any]:
    standin = OvhStandIn().start()
    try:
        client = build_client(
            standin.url,
            application_key=APP_KEY,
            application_secret=APP_SECRET,
            consumer_key=CONSUMER_KEY,
        )
        provider = OvhProvider(client)
        services = [f"{n:032x}" for n in range(1, projects + 1)]
        ids: dict[str, list[int]] = {}
        for service in services:
            standin.add_project(service)
            ids[service] = [
                standin.add_credit(service, "1000", used="12.34").id for _ in range(credits)
            ]
        with fresh_database(backend) as url:
            ledger = make_ledger(url)
            standin.now = ledger.clock
            for n, service in enumerate(services):
                add_project(ledger, FINANCE, f"p{n}", f"Project {n}")
                link_project(ledger, provider, FINANCE, f"p{n}", service, sync=False)

            def consume() -> None:
                for service in services:
                    for credit_id in ids[service]:
                        standin.consume(service, credit_id, Decimal("0.01"))

            bare_first = timed(lambda: _bare_fetch(client, services))
            first = timed(lambda: sync_all(ledger, provider))
            consume()
            bare = timed(lambda: _bare_fetch(client, services))
            steady = timed(lambda: sync_all(ledger, provider))
            consume()
            fetched = {
                p: provider.list_credits(s) for p, s in zip(range(projects), services, strict=True)
            }

            def apply() -> None:
                for n in range(projects):
                    sync_project(ledger, provider, f"p{n}", fetched=fetched[n])

            db_part = timed(apply)
            ledger.db.dispose()
    finally:
        standin.stop()
    return {
        "credits": projects * credits,
        "bare_fetch_s": bare,
        "steady_sync_s": steady,
        "steady_ratio": steady / bare,
        "first_bare_fetch_s": bare_first,
        "first_sync_s": first,
        "first_ratio": first / bare_first,
        "db_part_s": db_part,
        "db_part_ratio": db_part / bare,
    }
