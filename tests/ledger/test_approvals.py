"""Orders above an approval tier need several distinct finance approvers: each approval is
recorded, the same approver counts once, and the order is paid at the last one."""

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from ledger.domain import Actor, POStatus, Role
from ledger.errors import AlreadyApproved, AlreadyDecided, Forbidden, FourEyes
from ledger.orm import Approval, Lot, ProviderLink
from ledger.services import Ledger
from ledger.services.audit import verify
from ledger.services.purchases import (
    approve_purchase,
    cancel_purchase,
    get_purchase_order,
    list_purchase_orders,
    reject_purchase,
    request_purchase,
)
from ledger.services.reading import balance
from tests.support import FINANCE, FINANCE_2, MEMBER, ZERO, FakeClock, eur, make_ledger

FINANCE_3 = Actor("UFINANCE3", frozenset({Role.MEMBER, Role.FINANCE}))


@pytest.fixture
def tiered(db_url: str, clock: FakeClock) -> Iterator[Ledger]:
    built = make_ledger(db_url, clock, approval_tiers=((5000, 2), (50000, 3)))
    yield built
    built.db.dispose()


@pytest.fixture
def prod(tiered: Ledger) -> str:
    from ledger.services.projects import add_project
    from tests.support import ADMIN

    add_project(tiered, ADMIN, "prod-eu", "Prod EU")
    return "prod-eu"


def _lots(ledger: Ledger) -> int:
    with ledger.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Lot)) or 0)


def test_an_order_is_told_at_request_how_many_approvals_its_amount_needs(
    tiered: Ledger, prod: str
) -> None:
    small = request_purchase(tiered, MEMBER, prod, eur("4999"))
    medium = request_purchase(tiered, MEMBER, prod, eur("5000"))
    large = request_purchase(tiered, MEMBER, prod, eur("50000"))
    assert [po.approvals_needed for po in (small, medium, large)] == [1, 2, 3]
    assert medium.approvals == () and medium.over_budget is None


def test_an_order_needing_two_approvals_stays_pending_after_the_first(
    tiered: Ledger, prod: str, clock: FakeClock
) -> None:
    po = request_purchase(tiered, MEMBER, prod, eur("6000"))
    first = approve_purchase(tiered, FINANCE, po.number)
    assert first.status is POStatus.PENDING and first.decided_by is None
    assert [(a.by, a.at) for a in first.approvals] == [(FINANCE.user_id, clock.current)]
    assert first.approvals_left == 1
    assert balance(tiered, prod).available == ZERO and _lots(tiered) == 0

    clock.advance(minutes=3)
    second = approve_purchase(tiered, FINANCE_2, po.number)
    assert second.status is POStatus.APPROVED
    assert second.decided_by == FINANCE_2.user_id and second.decided_at == clock.current
    assert [a.by for a in second.approvals] == [FINANCE.user_id, FINANCE_2.user_id]
    assert balance(tiered, prod).credit == eur("6000") and _lots(tiered) == 1
    assert verify(tiered) == []


def test_an_order_needing_three_is_approved_at_the_third_distinct_approver(
    tiered: Ledger, prod: str
) -> None:
    po = request_purchase(tiered, MEMBER, prod, eur("60000"))
    states = [approve_purchase(tiered, who, po.number).status for who in (FINANCE, FINANCE_2)]
    assert states == [POStatus.PENDING, POStatus.PENDING] and _lots(tiered) == 0
    done = approve_purchase(tiered, FINANCE_3, po.number)
    assert done.status is POStatus.APPROVED and len(done.approvals) == 3
    assert balance(tiered, prod).credit == eur("60000")


def test_the_same_approver_twice_is_told_so_and_changes_nothing(tiered: Ledger, prod: str) -> None:
    po = request_purchase(tiered, MEMBER, prod, eur("60000"))
    approve_purchase(tiered, FINANCE, po.number)
    with pytest.raises(
        AlreadyApproved, match=rf"you already approved {po.number}; it needs 2 more"
    ):
        approve_purchase(tiered, FINANCE, po.number)
    after = get_purchase_order(tiered, po.number)
    assert after.status is POStatus.PENDING and [a.by for a in after.approvals] == ["UFINANCE"]
    with tiered.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Approval)) == 1


def test_one_reject_ends_an_order_that_already_has_approvals(tiered: Ledger, prod: str) -> None:
    po = request_purchase(tiered, MEMBER, prod, eur("60000"))
    approve_purchase(tiered, FINANCE, po.number)
    approve_purchase(tiered, FINANCE_2, po.number)
    rejected = reject_purchase(tiered, FINANCE_3, po.number, "not this quarter")
    assert rejected.status is POStatus.REJECTED and rejected.decided_by == FINANCE_3.user_id
    assert [a.by for a in rejected.approvals] == ["UFINANCE", "UFINANCE2"]  # kept, for the record
    with pytest.raises(AlreadyDecided):
        approve_purchase(tiered, Actor("UFINANCE4", frozenset({Role.FINANCE})), po.number)
    assert _lots(tiered) == 0


def test_the_requester_never_counts_even_when_in_finance(tiered: Ledger, prod: str) -> None:
    po = request_purchase(tiered, FINANCE, prod, eur("6000"))
    with pytest.raises(FourEyes):
        approve_purchase(tiered, FINANCE, po.number)
    assert get_purchase_order(tiered, po.number).approvals == ()
    approve_purchase(tiered, FINANCE_2, po.number)
    with pytest.raises(FourEyes):
        approve_purchase(tiered, FINANCE, po.number)
    assert approve_purchase(tiered, FINANCE_3, po.number).status is POStatus.APPROVED


def test_a_member_cannot_approve_even_partly(tiered: Ledger, prod: str) -> None:
    po = request_purchase(tiered, MEMBER, prod, eur("6000"))
    with pytest.raises(Forbidden):
        approve_purchase(tiered, Actor("UOTHER"), po.number)
    assert get_purchase_order(tiered, po.number).approvals == ()


def test_the_requester_may_cancel_an_order_with_partial_approvals(
    tiered: Ledger, prod: str
) -> None:
    po = request_purchase(tiered, MEMBER, prod, eur("6000"))
    approve_purchase(tiered, FINANCE, po.number)
    cancelled = cancel_purchase(tiered, MEMBER, po.number)
    assert cancelled.status is POStatus.CANCELLED
    with pytest.raises(AlreadyDecided):
        approve_purchase(tiered, FINANCE_2, po.number)
    assert _lots(tiered) == 0


def test_an_order_needing_one_approval_records_its_approver(ledger: Ledger, project: str) -> None:
    po = request_purchase(ledger, MEMBER, project, eur("100000"))
    assert po.approvals_needed == 1
    approved = approve_purchase(ledger, FINANCE, po.number)
    assert approved.status is POStatus.APPROVED
    assert [a.by for a in approved.approvals] == ["UFINANCE"]


def test_the_tier_is_fixed_when_the_order_is_requested(tiered: Ledger, prod: str) -> None:
    po = request_purchase(tiered, MEMBER, prod, eur("6000"))
    tiered.config = replace(tiered.config, approval_tiers=())
    assert approve_purchase(tiered, FINANCE, po.number).status is POStatus.PENDING


def test_a_linked_projects_order_goes_to_the_provider_only_at_the_last_approval(
    tiered: Ledger, prod: str, clock: FakeClock
) -> None:
    with tiered.db.write() as session:
        session.add(
            ProviderLink(
                project_id=prod, service="svc-1", linked_at=clock.current, linked_by="UADMIN"
            )
        )
    po = request_purchase(tiered, MEMBER, prod, eur("6000"))
    assert approve_purchase(tiered, FINANCE, po.number).provider is None
    last = approve_purchase(tiered, FINANCE_2, po.number)
    assert last.provider is not None and last.provider.state == "ordering"


def test_lists_show_each_orders_approvals(tiered: Ledger, prod: str) -> None:
    po = request_purchase(tiered, MEMBER, prod, eur("6000"))
    request_purchase(tiered, MEMBER, prod, eur("10"))
    approve_purchase(tiered, FINANCE, po.number)
    listed = list_purchase_orders(tiered, POStatus.PENDING)
    assert [(v.approvals_needed, [a.by for a in v.approvals]) for v in listed] == [
        (2, ["UFINANCE"]),
        (1, []),
    ]


def test_an_order_never_needs_more_approvers_than_finance_has_besides_its_requester(
    db_url: str, clock: FakeClock
) -> None:
    from ledger.services.budgets import set_budget
    from ledger.services.projects import add_project
    from tests.support import ADMIN

    people = frozenset({FINANCE.user_id, FINANCE_2.user_id, FINANCE_3.user_id})
    ledger = make_ledger(
        db_url, clock, approval_tiers=((5000, 2), (50000, 3)), finance_people=people
    )
    try:
        add_project(ledger, ADMIN, "prod-eu", "Prod EU")
        set_budget(ledger, FINANCE, "prod-eu", eur("1000"), "monthly")
        # 60 000 needs 3, one more over budget: 4, but finance has only 3 people.
        large = request_purchase(ledger, MEMBER, "prod-eu", eur("60000"))
        assert (large.over_budget is not None, large.approvals_needed) == (True, 3)
        assert large.approvals_asked == 4  # kept, so every surface can say what was cut
        # 6 000 over budget needs 3; its requester is in finance and never counts: 2 can.
        mine = request_purchase(ledger, FINANCE, "prod-eu", eur("6000"))
        assert (mine.approvals_needed, mine.approvals_asked) == (2, 3)
        # Nothing cut, nothing said: a member's 6 000 over budget needs its 3.
        theirs = request_purchase(ledger, MEMBER, "prod-eu", eur("6000"))
        assert (theirs.approvals_needed, theirs.approvals_asked) == (3, None)
        approve_purchase(ledger, FINANCE_2, mine.number)
        assert approve_purchase(ledger, FINANCE_3, mine.number).status is POStatus.APPROVED
        # A user group's members are not known: the tiers and the budget stand as they are.
        grouped = replace(ledger, config=replace(ledger.config, finance_people=None))
        assert request_purchase(grouped, MEMBER, "prod-eu", eur("60000")).approvals_needed == 4
    finally:
        ledger.db.dispose()
