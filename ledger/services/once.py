"""One-off notices the OVHcloud run owes finance (a credit gone, an order cancelled, an
order with no purchase order): claimed under a unique key before anything is posted, so
each is told once across restarts and replicas."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ledger.orm import Notice
from ledger.services.context import Ledger


def claim_once(
    ledger: Ledger,
    key: str,
    kind: str,
    channel: str,
    project_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> int | None:
    """The new notice's id, already taken for sending (`sending`), or None when the key was
    claimed before: only the caller that gets an id posts the message."""
    now = ledger.now()
    row = {
        "key": key,
        "kind": kind,
        "channel": channel,
        "project_id": project_id,
        "status": "sending",
        "attempts": 1,
        "created_at": now,
        "updated_at": now,
        "detail": json.dumps(detail or {}),
    }

    def work(session: Session) -> int | None:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert(Notice).on_conflict_do_nothing(index_elements=["key"]).returning(Notice.id)
        )
        found = session.execute(statement, [row]).first()
        return int(found[0]) if found else None

    return ledger.db.run(work)
