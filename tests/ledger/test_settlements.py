"""Settling what is due: the part of a charge no credit covered is recorded as paid, by
what reference, in an append-only row; a void makes it due again; `verify` checks them."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from bot.i18n import translator
from bot.labels import entry_kind
from ledger.errors import ChargeNotFound, Forbidden, InvalidInput, LedgerError, NotFound
from ledger.orm import Settlement
from ledger.services import Ledger
from ledger.services.audit import verify
from ledger.services.billing import charge, void_charge
from ledger.services.purchases import approve_purchase, request_purchase
from ledger.services.reading import history
from ledger.services.settlements import due_parts, settle, void_settlement
from tests.support import FINANCE, FINANCE_2, MEMBER, PARIS, eur


@pytest.fixture
def dues(ledger: Ledger, project: str) -> Ledger:
    """C-1: 200.00 due (100 of 300 paid by credit); C-2: 50.00 due; C-3: nothing due."""
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    approve_purchase(ledger, FINANCE, po.number)
    charge(ledger, FINANCE, project, eur("300"), "bill-1", "March")
    charge(ledger, FINANCE, project, eur("50"), "bill-2")
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    approve_purchase(ledger, FINANCE, po.number)
    charge(ledger, FINANCE, project, eur("10"), "bill-3")
    return ledger


def rows(ledger: Ledger) -> int:
    with ledger.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Settlement)) or 0)


def test_the_due_list_shows_parts_not_settled_and_hides_settled_ones_unless_all(
    dues: Ledger,
) -> None:
    assert [(p.ref, str(p.amount), p.memo) for p in due_parts(dues)] == [
        ("C-1", "200.00 EUR", "March"),
        ("C-2", "50.00 EUR", None),
    ]
    settle(dues, FINANCE, ["C-2"], "INV-7")
    assert [p.ref for p in due_parts(dues, "Prod EU")] == ["C-1"]
    shown = due_parts(dues, settled=True)
    assert [(p.ref, p.settlement.reference if p.settlement else None) for p in shown] == [
        ("C-1", None),
        ("C-2", "INV-7"),
    ]


def test_settling_records_one_row_per_part_with_its_due_amount_and_reference(
    dues: Ledger,
) -> None:
    done = settle(dues, FINANCE, ["c-2", "1"], "  INV-2026-0042 ")
    assert [(v.part, v.amount.minor, v.reference, v.actor) for v in done] == [
        ("C-2", 5000, "INV-2026-0042", "UFINANCE"),
        ("C-1", 20000, "INV-2026-0042", "UFINANCE"),
    ]
    assert due_parts(dues) == [] and verify(dues) == []


def test_a_refused_part_settles_none_of_the_others(dues: Ledger) -> None:
    with pytest.raises(ChargeNotFound):
        settle(dues, FINANCE, ["C-1", "C-99"], "INV-1")
    with pytest.raises(InvalidInput):
        settle(dues, FINANCE, ["C-1", "C-3"], "INV-1")  # C-3 has nothing due
    assert rows(dues) == 0 and len(due_parts(dues)) == 2


def test_the_same_request_again_records_nothing_more(dues: Ledger) -> None:
    first = settle(dues, FINANCE, ["C-1", "C-2"], "INV-1", request="req-1")
    again = settle(dues, FINANCE, ["C-1", "C-2"], "INV-1", request="req-1")
    assert [v.id for v in again] == [v.id for v in first] and all(v.repeated for v in again)
    assert rows(dues) == 2
    with pytest.raises(LedgerError):
        settle(dues, FINANCE, ["C-1"], "INV-other", request="req-1")


@pytest.mark.parametrize(
    ("who", "parts", "reference", "refusal"),
    [
        (MEMBER, ["C-1"], "INV-1", Forbidden),
        (FINANCE, ["C-42"], "INV-1", ChargeNotFound),
        (FINANCE, ["PO-1"], "INV-1", InvalidInput),
        (FINANCE, [], "INV-1", InvalidInput),
        (FINANCE, ["C-3"], "INV-1", InvalidInput),
        (FINANCE, ["C-1"], "", InvalidInput),
        (FINANCE, ["C-1"], "   ", InvalidInput),
        (FINANCE, ["C-1"], "R" * 101, InvalidInput),
    ],
)
def test_a_settlement_is_refused_and_changes_nothing(
    dues: Ledger, who: object, parts: list[str], reference: str, refusal: type[Exception]
) -> None:
    with pytest.raises(refusal):
        settle(dues, who, parts, reference)  # type: ignore[arg-type]
    assert rows(dues) == 0


def test_a_part_already_settled_or_of_a_voided_charge_is_refused(dues: Ledger) -> None:
    settle(dues, FINANCE, ["C-1"], "INV-1")
    with pytest.raises(InvalidInput, match="already settled by INV-1"):
        settle(dues, FINANCE_2, ["C-1"], "INV-2")
    void_charge(dues, FINANCE, "bill-2", "billed twice")
    with pytest.raises(InvalidInput, match="voided charge"):
        settle(dues, FINANCE, ["C-2"], "INV-2")
    assert rows(dues) == 1


def test_concurrent_settlements_of_one_part_make_exactly_one(dues: Ledger) -> None:
    start = threading.Barrier(6)
    outcomes: list[str] = []

    def attempt(i: int) -> None:
        start.wait()
        try:
            settle(dues, FINANCE, ["C-1"], f"INV-{i}")
            outcomes.append("settled")
        except InvalidInput:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 5 + ["settled"]
    assert rows(dues) == 1 and verify(dues) == []


def test_a_settled_charge_is_voided_only_once_its_settlement_is(dues: Ledger) -> None:
    (done,) = settle(dues, FINANCE, ["C-2"], "INV-1")
    with pytest.raises(InvalidInput, match="void settlement S-1 first"):
        void_charge(dues, FINANCE, "bill-2", "billed twice")
    void_settlement(dues, FINANCE, done.ref, "billed twice")
    void_charge(dues, FINANCE, "bill-2", "billed twice")
    assert [p.ref for p in due_parts(dues)] == ["C-1"] and verify(dues) == []


def test_a_voided_settlement_makes_the_part_due_again_and_is_voided_once(dues: Ledger) -> None:
    (done,) = settle(dues, FINANCE, ["C-1"], "INV-1")
    voided = void_settlement(dues, FINANCE_2, done.ref, "wrong invoice")
    assert (voided.voids_id, voided.reason, voided.amount) == (
        done.id,
        "wrong invoice",
        done.amount,
    )
    assert [p.ref for p in due_parts(dues)] == ["C-1", "C-2"]
    with pytest.raises(InvalidInput, match="already voided"):
        void_settlement(dues, FINANCE, done.ref, "again")
    with pytest.raises(NotFound):
        void_settlement(dues, FINANCE, f"S-{voided.id}", "a void is no settlement")
    with pytest.raises(Forbidden):
        void_settlement(dues, MEMBER, done.ref, "not mine")
    with pytest.raises(InvalidInput):
        void_settlement(dues, FINANCE, done.ref, "")
    settle(dues, FINANCE, ["C-1"], "INV-2")
    assert [p.ref for p in due_parts(dues)] == ["C-2"]
    assert verify(dues) == []


@pytest.mark.parametrize(
    ("locale", "settled", "unsettled"),
    [
        ("en_GB", "Settled by other payment means", "Settlement voided, due again"),
        ("fr_FR", "Réglé par d’autres moyens de paiement", "Règlement contre-passé, de nouveau dû"),
    ],
)
def test_history_shows_settlements_and_their_voids_in_both_languages(
    dues: Ledger, locale: str, settled: str, unsettled: str
) -> None:
    (done,) = settle(dues, FINANCE, ["C-1"], "INV-1")
    void_settlement(dues, FINANCE, done.ref, "wrong invoice")
    lines = history(dues, "prod-eu")
    t = translator(locale, PARIS)
    assert [(entry_kind(line.kind, t), line.memo, line.charge_key) for line in lines[:2]] == [
        (unsettled, "INV-1 · wrong invoice", "bill-1"),
        (settled, "INV-1", "bill-1"),
    ]


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        ("UPDATE settlements SET amount = amount + 1", "charge bill-1 has 20000 EUR due"),
        (
            "INSERT INTO settlements (key, charge_id, project_id, currency, amount, reference,"
            " actor, at) SELECT 'twice', charge_id, project_id, currency, amount, 'INV-9',"
            " actor, at FROM settlements",
            "settled more than once",
        ),
        (
            "INSERT INTO settlements (key, charge_id, project_id, currency, amount, reference,"
            " actor, at, voids_id, reason) SELECT 'v', 2, project_id, currency, 5000, 'INV-9',"
            " actor, at, id, 'x' FROM settlements",
            "which is no settlement of its charge",
        ),
        (
            "UPDATE charges SET voided_by = 'UFINANCE', voided_at = at, void_reason = 'x'"
            " WHERE id = 1",
            "charge bill-1: voided but settled (S-1)",
        ),
    ],
)
def test_verify_names_a_settlement_that_does_not_match_its_charge(
    dues: Ledger, tamper: str, named: str
) -> None:
    settle(dues, FINANCE, ["C-1"], "INV-1")
    with dues.db.engine.begin() as conn:
        conn.execute(text(tamper))
    assert any(named in problem for problem in verify(dues)), verify(dues)
