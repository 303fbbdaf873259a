"""One request id, one effect: what a request created is kept under the caller's id, so
that a repeat (a retry, a double submission, a replayed body) answers with it."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from ledger.errors import N_, IdempotencyConflict, InvalidInput
from ledger.orm import Request
from ledger.services.locks import lock_name

REQUEST_ID = re.compile(r"[\x21-\x7e]{1,200}")


def check_request_id(request: str | None) -> None:
    if request is not None and not REQUEST_ID.fullmatch(request):
        raise InvalidInput(N_("a request id is 1 to 200 visible characters without spaces"))


def earlier_result(session: Session, request: str, kind: str, fingerprint: str) -> str | None:
    """What an earlier request under this id made, or None. Requests sharing an id queue
    here until the first commits, so the second sees its row."""
    lock_name(session, f"request:{request}")
    row = session.get(Request, request)
    if row is None:
        return None
    if (row.kind, row.fingerprint) != (kind, fingerprint):
        raise IdempotencyConflict(
            N_("this request was already made with other details"),
            hint=N_("send it again as a new request"),
        )
    return row.result


def remember(
    session: Session, request: str, kind: str, fingerprint: str, result: str, at: datetime
) -> None:
    session.add(Request(key=request, kind=kind, fingerprint=fingerprint, result=result, at=at))
    session.flush()
