"""The news of a purchase order decided at the terminal, owed to Slack through the outbox.

A decision taken in Slack redraws its messages and tells people at once. One taken at the
terminal (`creditbot po approve|reject|cancel`) claims the same news in its own
transaction, and the quick run (every OUTBOX_MINUTES) delivers it: finance's message
redrawn in place (an approval that is not the last shows the approvals so far, and keeps
its buttons), the requester told of the decision, the project's channels told of the
credit that arrived. Each piece is keyed by the order and its stage, so it is posted once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import AUTOPILOT, POStatus
from ledger.orm import Notice, ProjectChannel, PurchaseOrder
from ledger.services import announcements
from ledger.services.context import Ledger
from ledger.services.outbox import insert_new, owed

KIND = "decision"
FINANCE, REQUESTER, PROJECT = "finance", "requester", "project"


def key_of(number: str, stage: str, to: str) -> str:
    return f"{KIND}:{number}:{stage}:{to}"


def claim_in(session: Session, po: PurchaseOrder, approvals: int, now: datetime) -> None:
    """Owe Slack the news of `po` as it stands now (locked, decided or counted by the
    caller in this transaction); `approvals` is how many it has."""
    pending = po.status == POStatus.PENDING.value
    stage = f"approval-{approvals}" if pending else po.status
    places = [(FINANCE, announcements.FINANCE)]
    told = po.status in (POStatus.APPROVED.value, POStatus.REJECTED.value)
    if told and po.requested_by not in (AUTOPILOT, po.decided_by):
        places.append((REQUESTER, po.requested_by))
    if po.status == POStatus.APPROVED.value and po.provider_state is None:
        # A provider's order brings its credit, and that news, with the delivery.
        channels = session.scalars(
            select(ProjectChannel.channel_id)
            .where(ProjectChannel.project_id == po.project_id)
            .order_by(ProjectChannel.channel_id)
        )
        places += [(f"{PROJECT}:{channel}", channel) for channel in channels]
    insert_new(
        session,
        [
            owed(
                key_of(po.number, stage, to),
                KIND,
                channel,
                po.project_id,
                now,
                {"number": po.number, "to": to.partition(":")[0]},
            )
            for to, channel in places
        ],
    )


def announcement_owed(ledger: Ledger, number: str) -> bool:
    """Whether the order's finance announcement is still to be posted: it then shows the
    decision itself, and a redraw waits until it is."""
    with ledger.db.read() as session:
        status = session.scalar(
            select(Notice.status).where(Notice.key == announcements.key_of(number))
        )
    return status in ("pending", "sending")
