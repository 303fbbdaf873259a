"""The finance announcement of a new purchase order, owed through the outbox.

`request_purchase` claims it in its own transaction, so no order is left unannounced:
the surface that took the request delivers it at once, and the quick run (every
OUTBOX_MINUTES) delivers what is still pending (a post that failed, a request made in
the terminal). Once posted, where it was posted is kept on the order, so a decision
updates it in place.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from ledger.domain import POStatus
from ledger.orm import Notice, PurchaseOrder
from ledger.services.context import Ledger

KIND = "purchase"
# The notice's channel: finance's, whichever channel the bot is configured to post it to.
FINANCE = "@finance"
REFERENCE_LENGTH = 100


def key_of(number: str) -> str:
    return f"{KIND}:{number}"


def number_of(key: str) -> str:
    return key.removeprefix(f"{KIND}:")


def claim_in(session: Session, po: PurchaseOrder, now: datetime) -> None:
    """Owe finance the announcement of `po`, in the transaction that creates it."""
    session.add(
        Notice(
            key=key_of(po.number),
            kind=KIND,
            channel=FINANCE,
            project_id=po.project_id,
            status="pending",
            attempts=0,
            created_at=now,
            updated_at=now,
            detail=json.dumps({"number": po.number}),
        )
    )


def take(ledger: Ledger, number: str) -> int | None:
    """The announcement of `number`, taken for posting now (pending → sending); None when
    it was posted, or is being posted, elsewhere."""
    now = ledger.now()

    def work(session: Session) -> int | None:
        return session.scalar(
            update(Notice)
            .where(Notice.key == key_of(number), Notice.status == "pending")
            .values(status="sending", attempts=Notice.attempts + 1, updated_at=now)
            .returning(Notice.id)
        )

    return ledger.db.run(work)


def _decided(column: Any) -> Select[Any]:
    """The pending announcements (as `column`) of orders decided meanwhile."""
    return select(column).where(
        Notice.kind == KIND,
        Notice.status == "pending",
        select(PurchaseOrder.id)
        .where(
            Notice.key == KIND + ":" + PurchaseOrder.number,
            PurchaseOrder.status != POStatus.PENDING.value,
        )
        .exists(),
    )


def decided_keys(session: Session) -> set[str]:
    """The keys of the announcements `drop_decided` would drop, read only."""
    return set(session.scalars(_decided(Notice.key)))


def drop_decided(session: Session, now: datetime) -> None:
    """An announcement still owed for an order decided meanwhile asks finance nothing."""
    session.execute(
        update(Notice)
        .where(Notice.id.in_(_decided(Notice.id).scalar_subquery()))
        .values(status="dropped", updated_at=now)
        .execution_options(synchronize_session=False)
    )


def keep_reference(session: Session, ids: Sequence[int], reference: str) -> None:
    """Where the announcements among `ids` were posted ("channel:ts"), kept on their orders."""
    keys = session.scalars(select(Notice.key).where(Notice.id.in_(ids), Notice.kind == KIND))
    numbers = [number_of(key) for key in keys]
    if numbers:
        session.execute(
            update(PurchaseOrder)
            .where(PurchaseOrder.number.in_(numbers))
            .values(announcement=reference[:REFERENCE_LENGTH])
            .execution_options(synchronize_session=False)
        )
