"""A process killed (SIGKILL) after OVHcloud took the order and before the commit."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import pytest

from bot.ovh.client import OvhProvider
from bot.ovh.standin import APP_KEY, APP_SECRET, CONSUMER_KEY, OvhStandIn
from ledger.services import Ledger, purchases
from ledger.services.ordering import resume_orders
from tests.support import MEMBER, FakeClock, eur, make_ledger

KILLED_APPROVER = textwrap.dedent(
    """
    import os, signal, sys
    from zoneinfo import ZoneInfo
    from bot.ovh.client import OvhProvider, build_client
    from ledger.database import Database
    from ledger.domain import Actor, LedgerConfig, Role
    from ledger.services import Ledger
    from ledger.services.ordering import approve_and_order

    url, endpoint, number = sys.argv[1:4]
    client = build_client(endpoint, application_key={app!r}, application_secret={secret!r},
                          consumer_key={consumer!r})

    class DiesAfterOrdering(OvhProvider):
        def order_credit(self, service, amount):
            self.client.post(f"/order/cloud/project/{{service}}/credit", amount=amount)
            os.kill(os.getpid(), signal.SIGKILL)

    ledger = Ledger(Database(url), LedgerConfig(timezone=ZoneInfo("Europe/Paris")))
    finance = Actor("UFIN", frozenset({{Role.FINANCE}}))
    approve_and_order(ledger, DiesAfterOrdering(client), finance, number)
    """
).format(app=APP_KEY, secret=APP_SECRET, consumer=CONSUMER_KEY)


@pytest.mark.slow
def test_a_process_killed_between_order_and_commit_never_orders_twice(
    ledger: Ledger, db_url: str, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.now = lambda: datetime.now(UTC)  # the killed process approves on the real clock
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("700")).number
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_APPROVER, db_url, ovh.url, number],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr
    assert len(ovh.orders) == 1
    left = purchases.get_purchase_order(ledger, number).provider
    assert left is not None and left.state == "ordering" and left.order_id is None

    later = make_ledger(db_url, FakeClock(datetime.now(UTC) + timedelta(minutes=6)))
    resume_orders(later, provider)
    later.db.dispose()
    assert len(ovh.orders) == 1
    (order_id,) = ovh.orders
    found = purchases.get_purchase_order(ledger, number).provider
    assert found is not None and found.state == "ordered" and found.order_id == order_id
