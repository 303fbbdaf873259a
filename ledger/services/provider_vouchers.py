"""Voucher codes redeemed at the provider: a code the bot did not issue, typed on a
project linked to OVHcloud, is redeemed there, and the credit it brings arrives through
the sync. An answer lost on the way is settled by reading the project's credits.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import Actor, RedeemedVoucher
from ledger.errors import (
    N_,
    InvalidInput,
    ProviderAnswerLost,
    ProviderError,
    ProviderNotFound,
    ProviderRefused,
    ProviderUnavailable,
    VoucherUnusable,
)
from ledger.orm import Lot, RedemptionFailure
from ledger.provider import CreditProvider, ProviderCredit
from ledger.services.context import Ledger, find_project, project_view
from ledger.services.provider_links import external_key
from ledger.services.provider_sync import sync_project


def redeem_at_provider(
    ledger: Ledger,
    provider: CreditProvider,
    actor: Actor,
    code: str,
    project_ref: str,
    service: str,
) -> RedeemedVoucher:
    """Redeem a code the bot did not issue at the provider of the project's link, then
    sync the project so the credit it brought is in the ledger."""
    cleaned = code.strip()
    if not cleaned or len(cleaned) > 64:
        raise InvalidInput(N_("that does not look like a voucher code"))
    try:
        provider.redeem_code(service, cleaned)
    except ProviderAnswerLost as lost:
        # It may have been applied: the project's credits say so. Not found is no refusal.
        if _credit_carrying(provider, service, cleaned) is None:
            raise ProviderUnavailable(
                N_("OVHcloud's answer was lost, and the code is not on the project"),
                hint=N_("try again in a few minutes"),
            ) from lost
    except (ProviderRefused, ProviderNotFound) as refusal:
        # Already on this project (an earlier attempt whose answer was lost) is no refusal.
        try:
            already = _carrying(provider.list_credits(service), cleaned)
        except ProviderError:
            already = None  # OVHcloud refused the code; not knowing more, it counts
        if already is None:

            def record(session: Session) -> None:
                session.add(RedemptionFailure(user_id=actor.user_id, at=ledger.now()))

            ledger.db.run(record)
            raise VoucherUnusable(
                N_("OVHcloud did not accept that code: {reason}"),
                hint=N_("check each character with whoever gave it to you"),
                # OVHcloud's own words: "OVHcloud refused" would say it twice.
                reason=refusal.params.get("reason", refusal.message),
            ) from refusal
    # The redemption answers nothing: the new credit is the one carrying the code.
    credits = provider.list_credits(service)
    credit = _carrying(credits, cleaned)
    if credit is None:
        raise ProviderUnavailable(
            N_("OVHcloud took the code, but its credit is not listed yet"),
            hint=N_("the next sync shows it in the balance"),
        )
    report = sync_project(ledger, provider, project_ref, fetched=credits)
    if report.error is not None:
        raise report.error
    with ledger.db.read() as session:
        project = find_project(session, project_ref)
        lot = session.scalars(
            select(Lot).where(Lot.external_key == external_key(service, credit.id))
        ).first()
        expires = lot.expires_at if lot is not None else credit.valid_to
        assert expires is not None
        return RedeemedVoucher(
            cleaned[-4:].upper(), project_view(session, project), credit.total, expires
        )


def _carrying(credits: list[ProviderCredit], code: str) -> ProviderCredit | None:
    """The credit whose `voucher` is this code (as typed: case, spaces and dashes aside)."""

    def compact(text: str) -> str:
        return re.sub(r"[\s\-]+", "", text).upper()

    wanted = compact(code)
    return next((c for c in credits if c.voucher and compact(c.voucher) == wanted), None)


def _credit_carrying(provider: CreditProvider, service: str, code: str) -> ProviderCredit | None:
    try:
        return _carrying(provider.list_credits(service), code)
    except ProviderUnavailable as unreachable:
        raise ProviderUnavailable(
            N_("OVHcloud could not say whether it took the code"),
            hint=N_("try again in a few minutes"),
        ) from unreachable
