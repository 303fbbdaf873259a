"""The ledger stores facts, not sentences: where each lot came from, why each entry moved it.
Rows written in words by earlier versions are read back into facts by the migration."""

from datetime import UTC, date, datetime

from sqlalchemy import insert, select

from ledger import migrate
from ledger.facts import EntryCause, LotOrigin, LotSource
from ledger.orm import Entry, Lot, Project
from ledger.services import Ledger, audit, reading
from ledger.services.billing import charge
from ledger.services.expiry import expire_due
from ledger.services.purchases import approve_purchase, request_purchase
from ledger.services.vouchers import issue_voucher, redeem_voucher
from tests.support import FINANCE, MEMBER, PARIS, FakeClock, eur

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def _activity(ledger: Ledger, project: str, clock: FakeClock) -> tuple[str, str]:
    clock.set(T0)
    po = request_purchase(ledger, MEMBER, project, eur("100"))
    approve_purchase(ledger, FINANCE, po.number)
    issued = issue_voucher(ledger, FINANCE, eur("20"), date(2026, 1, 31))
    assert issued.code is not None
    redeem_voucher(ledger, MEMBER, issued.code, project)
    charge(ledger, FINANCE, project, eur("5"), "bill-1", memo="January compute")
    clock.set(datetime(2026, 2, 2, tzinfo=PARIS))
    assert len(expire_due(ledger)) == 1  # what the voucher had left
    return po.number, issued.last4


def test_nothing_the_ledger_stores_is_a_sentence(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    number, last4 = _activity(ledger, project, clock)
    with ledger.db.read() as session:
        sources = {lot.kind: lot.source for lot in session.scalars(select(Lot))}
        memos = session.scalars(select(Entry.memo).order_by(Entry.id)).all()
    assert sources == {
        "credit": LotSource.purchase(number),
        "voucher": LotSource.voucher(last4),
    }
    assert memos == [None, None, "January compute", None]  # grant, grant, debit, expiry
    assert audit.verify(ledger) == []


def test_verify_names_a_lot_whose_facts_disagree_with_its_order(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    _activity(ledger, project, clock)
    ledger.db.run(
        lambda s: s.execute(
            Lot.__table__.update()
            .where(Lot.__table__.c.origin == "purchase")
            .values(po_number="PO-2026-000999")
        )
    )
    assert any("names another source" in problem for problem in audit.verify(ledger))


def _old_rows(ledger: Ledger, project: str) -> None:
    """Rows as revision 0007 wrote them for a project linked to OVHcloud."""
    lots, entries = Lot.__table__, Entry.__table__
    rows = [
        (11, "credit", "OVHcloud credit 1001", "ovh:sn-1:1001"),
        (12, "voucher", "voucher OVH-DEMO-VOUCHER", "ovh:sn-1:1002"),
        (13, "credit", "gift from OVHcloud", "ovh:sn-1:1003"),
    ]
    memos = [
        (11, "grant", "Free credit", 10000),
        (11, "debit", "used on OVHcloud before the link: 5.00 EUR", 500),
        (11, "debit", "used on OVHcloud: 12.50 EUR", 750),
        (11, "refund", "used on OVHcloud: 10.00 EUR", 250),
        (12, "grant", None, 2500),
        (13, "grant", None, 100),
    ]

    def work(session: object) -> None:
        session.execute(  # type: ignore[attr-defined]
            insert(lots),
            [
                {
                    "id": lot_id,
                    "project_id": project,
                    "kind": kind,
                    "source": source,
                    "currency": "EUR",
                    "initial": 10000 if lot_id == 11 else 2500 if lot_id == 12 else 100,
                    "remaining": 9000 if lot_id == 11 else 2500 if lot_id == 12 else 100,
                    "valid_from": T0,
                    "expires_at": datetime(2027, 1, 1, tzinfo=UTC),
                    "external_key": key,
                    "external_used": 1000 if lot_id == 11 else 0,
                    "external_available": 9000 if lot_id == 11 else None,
                }
                for lot_id, kind, source, key in rows
            ],
        )
        session.execute(  # type: ignore[attr-defined]
            insert(entries),
            [
                {
                    "project_id": project,
                    "lot_id": lot_id,
                    "kind": kind,
                    "currency": "EUR",
                    "amount": amount,
                    "debit_account": "ovh:sn-1" if kind in ("grant", "refund") else f"lot:{lot_id}",
                    "credit_account": f"lot:{lot_id}"
                    if kind in ("grant", "refund")
                    else f"spend:{project}",
                    "idempotency_key": f"old:{n}",
                    "at": T0,
                    "actor": "ovh",
                    "memo": memo,
                }
                for n, (lot_id, kind, memo, amount) in enumerate(memos)
            ],
        )

    ledger.db.run(work)


def test_the_migration_reads_old_sentences_back_into_facts_and_keeps_other_words(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    number, last4 = _activity(ledger, project, clock)
    engine = ledger.db.engine
    migrate.downgrade(engine, "0007")
    with engine.connect() as conn:
        sources = dict(conn.execute(select(Lot.__table__.c.id, Lot.__table__.c.source)).all())
        memos = conn.execute(select(Entry.__table__.c.memo).order_by(Entry.__table__.c.id))
        assert sorted(sources.values()) == [number, f"voucher …{last4}"]
        assert list(memos.scalars()) == [
            f"{number} paid",
            f"voucher …{last4} redeemed",
            "January compute",
            "expired",
        ]
    _old_rows(ledger, project)
    migrate.upgrade(engine)
    with ledger.db.read() as session:
        found = {lot.id: lot.source for lot in session.scalars(select(Lot))}
        entries = session.execute(
            select(Entry.lot_id, Entry.kind, Entry.memo, Entry.cause, Entry.provider_used)
            .where(Entry.lot_id.in_([11, 12, 13]))
            .order_by(Entry.id)
        ).all()
        memos = session.scalars(
            select(Entry.memo).where(Entry.lot_id.not_in([11, 12, 13])).order_by(Entry.id)
        ).all()
        assert session.get(Project, project) is not None
    assert found[11] == LotSource.provider(1001)
    assert found[12] == LotSource.voucher("CHER", 1002)
    assert found[13] == LotSource(
        LotOrigin.TEXT, provider_credit_id=1003, text="gift from OVHcloud"
    )
    assert LotSource.purchase(number) in found.values()
    assert LotSource.voucher(last4) in found.values()
    assert memos == [None, None, "January compute", None]
    assert entries == [
        (11, "grant", "Free credit", None, None),  # the provider's own words, kept
        (11, "debit", None, EntryCause.PRIOR_USE.value, 500),
        (11, "debit", None, EntryCause.PROVIDER_USE.value, 1250),
        (11, "refund", None, EntryCause.PROVIDER_USE.value, 1000),
        (12, "grant", None, None, None),
        (13, "grant", None, None, None),
    ]
    assert migrate.pending_differences(engine) == []
    lines = reading.history(ledger, project, limit=100)
    assert {line.provider_used for line in lines if line.cause} == {
        eur("5"),
        eur("12.50"),
        eur("10"),
    }
