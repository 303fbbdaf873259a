from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.ovh.standin import APP_KEY, APP_SECRET, CONSUMER_KEY, OvhStandIn
from ledger.money import Money
from ledger.services import Ledger, audit, reading
from tests.ovh.conftest import SERVICE
from tests.support import environment_without_slack


@pytest.mark.slow
def test_three_sync_processes_at_once_post_each_consumption_exactly_once(
    ledger: Ledger, db_url: str, linked: str, ovh: OvhStandIn
) -> None:
    credits = [ovh.add_credit(SERVICE, "1000") for _ in range(12)]
    for round_ in range(3):
        for credit in credits:
            ovh.consume(SERVICE, credit.id, f"{round_ + 1}.11")
        env = environment_without_slack(
            DATABASE_URL=db_url,
            OVH_ENDPOINT=ovh.url,
            OVH_APPLICATION_KEY=APP_KEY,
            OVH_APPLICATION_SECRET=APP_SECRET,
            OVH_CONSUMER_KEY=CONSUMER_KEY,
        )
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "ovh", "sync", "--project", linked, "--json"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert all(run.returncode == 0 for run in runs), outputs
        posted = sum(json.loads(out)[0]["entries_posted"] for out, _ in outputs)
        assert posted == len(credits) * (2 if round_ == 0 else 1)
    history = reading.history(ledger, linked, limit=1000)
    assert sum(1 for line in history if line.kind == "debit") == 3 * len(credits)
    for lot in reading.balance(ledger, linked).lots:
        assert lot.remaining == Money(100000 - 111 - 211 - 311, "EUR")
    assert audit.verify(ledger) == []
