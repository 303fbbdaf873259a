"""Random sequences of everything the ledger does, checked against the journal after each step."""

from contextlib import suppress
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import String, case, cast, func, literal, select

from ledger.domain import Actor, POStatus, Role
from ledger.errors import LedgerError
from ledger.money import Money
from ledger.orm import Entry, Lot
from ledger.services import Ledger
from ledger.services.audit import verify
from ledger.services.billing import charge, void_charge
from ledger.services.expiry import expire_due
from ledger.services.projects import add_project
from ledger.services.purchases import (
    approve_purchase,
    list_purchase_orders,
    reject_purchase,
    request_purchase,
)
from ledger.services.reading import balance
from ledger.services.vouchers import issue_voucher, redeem_voucher
from tests.support import ADMIN, FakeClock, make_ledger

APPROVER = Actor("UAPPROVER", frozenset({Role.FINANCE}))
PROJECTS = ("alpha", "beta")
cents = st.integers(min_value=1, max_value=50_000)
INTO_LOT = literal("lot:") + cast(Entry.lot_id, String)


def make_machine(url: str, reset: object) -> type[RuleBasedStateMachine]:
    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            reset()  # type: ignore[operator]
            self.clock = FakeClock()
            self.ledger: Ledger = make_ledger(url, self.clock)
            self.codes: list[str] = []
            self.charges = 0

        @initialize()
        def projects(self) -> None:
            for pid in PROJECTS:
                add_project(self.ledger, ADMIN, pid, pid.title())

        def teardown(self) -> None:
            self.ledger.db.dispose()

        @rule(project=st.sampled_from(PROJECTS), units=st.integers(min_value=1, max_value=500))
        def buy(self, project: str, units: int) -> None:
            request_purchase(self.ledger, Actor("UBUYER"), project, Money(units * 100, "EUR"))

        @rule(approve=st.booleans(), data=st.data())
        def decide(self, approve: bool, data: st.DataObject) -> None:
            pending = list_purchase_orders(self.ledger, POStatus.PENDING)
            if not pending:
                return
            po = data.draw(st.sampled_from(pending))
            if approve:
                approve_purchase(self.ledger, APPROVER, po.number)
            else:
                reject_purchase(self.ledger, APPROVER, po.number, "no")

        @rule(amount=cents, days=st.integers(min_value=0, max_value=400))
        def issue(self, amount: int, days: int) -> None:
            today = self.clock().date()
            self.codes.append(
                issue_voucher(
                    self.ledger, APPROVER, Money(amount, "EUR"), today + timedelta(days=days)
                ).code
            )

        @rule(project=st.sampled_from(PROJECTS), data=st.data())
        def redeem(self, project: str, data: st.DataObject) -> None:
            if not self.codes:
                return
            code = data.draw(st.sampled_from(self.codes))
            with suppress(LedgerError):  # spent or expired: refused, checked by the invariants
                redeem_voucher(self.ledger, Actor(f"U{len(self.codes)}"), code, project)

        @rule(project=st.sampled_from(PROJECTS), amount=cents)
        def bill(self, project: str, amount: int) -> None:
            self.charges += 1
            before = balance(self.ledger, project).available
            result = charge(
                self.ledger, APPROVER, project, Money(amount, "EUR"), f"bill-{self.charges}"
            )
            paid = sum(a.amount.minor for a in result.allocations)
            assert paid + result.due_other.minor == amount
            assert paid == min(amount, before.minor)

        @rule(data=st.data())
        def void(self, data: st.DataObject) -> None:
            if not self.charges:
                return
            key = f"bill-{data.draw(st.integers(min_value=1, max_value=self.charges))}"
            with suppress(LedgerError):  # voided already, or its credit expired since
                void_charge(self.ledger, APPROVER, key, "mistake")

        @rule(days=st.integers(min_value=1, max_value=200))
        def time_passes(self, days: int) -> None:
            self.clock.advance(days=days)

        @rule()
        def expire(self) -> None:
            expire_due(self.ledger)
            assert expire_due(self.ledger) == []

        @invariant()
        def balances_equal_the_journal_and_nothing_is_negative(self) -> None:
            with self.ledger.db.read() as session:
                assert (
                    session.scalar(select(func.count()).select_from(Lot).where(Lot.remaining < 0))
                    == 0
                )
                for pid in PROJECTS:
                    net = session.scalar(
                        select(func.coalesce(func.sum(Lot.remaining), 0)).where(
                            Lot.project_id == pid
                        )
                    )
                    flows = session.scalar(
                        select(
                            func.coalesce(
                                func.sum(
                                    case(
                                        (Entry.credit_account == INTO_LOT, Entry.amount),
                                        else_=-Entry.amount,
                                    )
                                ),
                                0,
                            )
                        ).where(Entry.project_id == pid)
                    )
                    assert net == flows
            assert verify(self.ledger) == []

        @invariant()
        def the_available_balance_never_counts_an_expired_lot(self) -> None:
            for pid in PROJECTS:
                view = balance(self.ledger, pid)
                assert all(lot.expires_at > view.at for lot in view.lots)

    return LedgerMachine


@pytest.mark.slow
def test_random_sequences_keep_the_ledger_consistent(db_url: str) -> None:
    from tests.conftest import reset_database

    machine = make_machine(db_url, lambda: reset_database(db_url))
    machine.TestCase.settings = settings(
        max_examples=25 if "sqlite" in db_url else 15,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    machine.TestCase().runTest()
