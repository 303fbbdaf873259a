"""A linked project's order needing several approvals is ordered at OVHcloud once, at the
last approval, also when approvers click at the same moment and twice."""

from dataclasses import replace

import pytest

from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from ledger.domain import Actor, POStatus, PurchaseOrderView, Role
from ledger.errors import AlreadyApproved, AlreadyDecided, LedgerError
from ledger.services import Ledger, purchases
from ledger.services.ordering import approve_and_order
from tests.ledger.test_concurrency import race
from tests.support import MEMBER, eur


def _finance(name: str) -> Actor:
    return Actor(name, frozenset({Role.MEMBER, Role.FINANCE}))


def test_the_first_of_two_approvals_places_no_order_at_ovhcloud(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ledger.config = replace(ledger.config, approval_tiers=((1000, 2),))
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("1500")).number
    first = approve_and_order(ledger, provider, _finance("UFIN1"), number)
    assert first.status is POStatus.PENDING and first.provider is None and ovh.orders == {}
    last = approve_and_order(ledger, provider, _finance("UFIN2"), number)
    assert last.provider is not None and last.provider.state == "ordered"
    assert len(ovh.orders) == 1


@pytest.mark.parametrize(
    ("amount", "clickers"),
    [
        ("1500", ["UFIN1", "UFIN1", "UFIN1", "UFIN2", "UFIN2", "UFIN2"]),
        ("15000", ["UFIN1", "UFIN1", "UFIN2", "UFIN2", "UFIN3", "UFIN3"]),
    ],
    ids=["two-of-two", "three-of-three"],
)
def test_approvers_clicking_at_once_and_twice_order_at_ovhcloud_once(
    ledger: Ledger,
    linked: str,
    ovh: OvhStandIn,
    provider: OvhProvider,
    amount: str,
    clickers: list[str],
) -> None:
    ledger.config = replace(ledger.config, approval_tiers=((1000, 2), (10000, 3)))
    number = purchases.request_purchase(ledger, MEMBER, linked, eur(amount)).number
    outcomes = race(6, lambda i: approve_and_order(ledger, provider, _finance(clickers[i]), number))
    views = [o for o in outcomes if isinstance(o, PurchaseOrderView)]
    refused = [o for o in outcomes if isinstance(o, LedgerError)]
    assert all(isinstance(o, AlreadyApproved | AlreadyDecided) for o in refused), refused
    assert sum(v.status is POStatus.APPROVED for v in views) == 1
    assert len(ovh.orders) == 1
    done = purchases.get_purchase_order(ledger, number)
    assert done.provider is not None and done.provider.state == "ordered"
    assert sorted(a.by for a in done.approvals) == sorted(set(clickers))
