"""Voucher codes: issued by finance, redeemed once onto a project, never by their issuer.

Only an HMAC-SHA-256 of the normalised code under the server's secret is stored; a code
is shown once, to its issuer.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date, datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ledger.clock import local_date, voucher_expiry
from ledger.domain import Actor, IssuedVoucher, LotKind, RedeemedVoucher, Role
from ledger.errors import (
    N_,
    AlreadyExists,
    AmountError,
    InvalidInput,
    LedgerError,
    NotConfigured,
    OwnVoucher,
    TooManyAttempts,
    VoucherNotFound,
    VoucherUnusable,
)
from ledger.facts import LotSource
from ledger.journal import grant_lot
from ledger.money import Money, minor_units
from ledger.orm import Lot, RedemptionFailure, Voucher
from ledger.provider import CreditProvider
from ledger.services.context import Ledger, check_currency, find_project, project_view
from ledger.services.locks import lock_name, lock_project
from ledger.services.provider_links import service_of
from ledger.services.provider_vouchers import redeem_at_provider
from ledger.services.requests import check_request_id, earlier_result, remember

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
# An imported code shorter than this could be found by brute force from its hash.
MIN_IMPORTED = 12
DEFAULT_VALIDITY = relativedelta(years=1)
_IMPORTED = re.compile(r"[0-9A-Z]{6,64}")
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})


def generate_code() -> str:
    raw = "".join(secrets.choice(CROCKFORD) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    """Case, spaces and dashes do not matter; Crockford's I, L and O read as 1, 1 and 0."""
    compact = re.sub(r"[\s\-]+", "", text).upper().translate(_CONFUSABLE)
    if not _IMPORTED.fullmatch(compact):
        raise InvalidInput(
            N_("that does not look like a voucher code"),
            hint=N_("codes look like ABCD-EFGH-JKMN-PQRS"),
        )
    return compact


def code_hash(key: bytes, normalised: str) -> str:
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def legacy_hash(normalised: str) -> str:
    """How codes were kept before the secret: an unsalted SHA-256, still checked until
    such a code is redeemed or expires."""
    return hashlib.sha256(normalised.encode()).hexdigest()


def _key(ledger: Ledger) -> bytes:
    if not ledger.config.voucher_key:
        raise NotConfigured(
            N_("voucher codes need the server secret, and none is configured"),
            hint=N_("an operator sets it up"),
        )
    return ledger.config.voucher_key


def check_voucher_amount(ledger: Ledger, amount: Money) -> None:
    """A voucher is capped like a purchase: it is credit that nobody paid for."""
    high = ledger.config.po_max_amount
    if amount.amount > Decimal(high):
        raise AmountError(
            N_("a voucher is at most {high}"),
            hint=N_("the same limit as a purchase"),
            high=Money(high * 10 ** minor_units(amount.currency), amount.currency),
        )


def issue_voucher(
    ledger: Ledger,
    actor: Actor,
    amount: Money,
    valid_until: date | None = None,
    project_ref: str | None = None,
    code: str | None = None,
    *,
    request: str | None = None,
) -> IssuedVoucher:
    """Issue a code. The same `request` again answers with the voucher it issued (whose
    code, shown once, is not shown again) and issues nothing more."""
    actor.require(Role.FINANCE, N_("issue vouchers"))
    check_voucher_amount(ledger, amount)
    check_request_id(request)
    key = _key(ledger)
    now = ledger.now()
    tz = ledger.config.timezone
    today = local_date(now, tz)
    until = valid_until or today + DEFAULT_VALIDITY
    if until < today:
        raise InvalidInput(
            N_("{day} is already past"), hint=N_("give a day from today on"), day=until
        )
    if until > today + relativedelta(years=5):
        raise InvalidInput(N_("a voucher is valid for five years at most"))
    imported = code is not None
    shown = code.strip().upper() if code is not None else generate_code()
    normalised = normalise_code(shown)
    if imported and len(normalised) < MIN_IMPORTED:
        raise InvalidInput(
            N_("an imported code needs at least {size} letters or digits"),
            hint=N_("a shorter code could be guessed"),
            size=MIN_IMPORTED,
        )
    fingerprint = " ".join(
        (
            actor.user_id,
            str(amount.minor),
            amount.currency,
            valid_until.isoformat() if valid_until else "default",
            project_ref or "-",
        )
        + (("imported", code_hash(key, normalised)) if imported else ())
    )

    def work(session: Session) -> IssuedVoucher:
        if request is not None:
            earlier = earlier_result(session, request, "voucher", fingerprint)
            if earlier is not None:
                return _issued_again(session, int(earlier))
        project_id = project_name = None
        if project_ref is not None:
            project = find_project(session, project_ref)
            check_currency(project, amount)
            project_id, project_name = project.id, project.name
        digest = code_hash(key, normalised)
        clash = select(Voucher.id).where(
            (Voucher.code_hash == digest) | (Voucher.legacy_hash == legacy_hash(normalised))
        )
        if session.scalar(clash) is not None:
            raise AlreadyExists(N_("that voucher code already exists"))
        voucher = Voucher(
            code_hash=digest,
            last4=normalised[-4:],
            currency=amount.currency,
            amount=amount.minor,
            valid_until=until,
            expires_at=voucher_expiry(until, tz),
            project_id=project_id,
            issued_by=actor.user_id,
            issued_at=now,
        )
        session.add(voucher)
        session.flush()
        if request is not None:
            remember(session, request, "voucher", fingerprint, str(voucher.id), now)
        return IssuedVoucher(
            shown,
            voucher.last4,
            amount,
            until,
            voucher.expires_at,
            project_id,
            actor.user_id,
            project_name=project_name,
        )

    return ledger.db.run(work)


def _issued_again(session: Session, voucher_id: int) -> IssuedVoucher:
    voucher = session.get(Voucher, voucher_id)
    assert voucher is not None
    return IssuedVoucher(
        None,
        voucher.last4,
        Money(voucher.amount, voucher.currency),
        voucher.valid_until,
        voucher.expires_at,
        voucher.project_id,
        voucher.issued_by,
        repeated=True,
        project_name=find_project(session, voucher.project_id).name if voucher.project_id else None,
    )


def _refuse_if_throttled(ledger: Ledger, session: Session, user_id: str, now: datetime) -> None:
    window = ledger.config.failed_redemption_window
    since = now - window
    failures = session.scalars(
        select(RedemptionFailure.at)
        .where(RedemptionFailure.user_id == user_id, RedemptionFailure.at > since)
        .order_by(RedemptionFailure.at)
    ).all()
    allowed = ledger.config.failed_redemptions_allowed
    if len(failures) >= allowed:
        free_at = failures[len(failures) - allowed] + window
        minutes = max(1, int((free_at - now).total_seconds() // 60) + 1)
        raise TooManyAttempts(
            N_("too many failed voucher codes: try again in {minutes} min"),
            hint=N_("check the code with whoever gave it to you"),
            minutes=minutes,
        )


def _redeem(
    ledger: Ledger, session: Session, actor: Actor, project_ref: str, normalised: str, now: datetime
) -> RedeemedVoucher:
    digest = code_hash(_key(ledger), normalised)
    legacy = (
        (Voucher.legacy_hash == legacy_hash(normalised))
        & Voucher.redeemed_at.is_(None)
        & (Voucher.expires_at > now)
    )
    voucher = session.scalars(
        select(Voucher).where((Voucher.code_hash == digest) | legacy).with_for_update()
    ).first()
    if voucher is None:
        raise VoucherNotFound(N_("that voucher code is not valid"), hint=N_("check each character"))
    if voucher.issued_by == actor.user_id:
        raise OwnVoucher(
            N_("you issued voucher …{last4}, so someone else must redeem it"),
            hint=N_("four-eyes rule"),
            last4=voucher.last4,
        )
    if voucher.redeemed_at is not None:
        raise VoucherUnusable(N_("voucher …{last4} was already redeemed"), last4=voucher.last4)
    if now >= voucher.expires_at:
        raise VoucherUnusable(
            N_("voucher …{last4} expired after {day}"),
            last4=voucher.last4,
            day=voucher.valid_until,
        )
    project = find_project(session, project_ref)
    if voucher.project_id is not None and voucher.project_id != project.id:
        raise VoucherUnusable(N_("voucher …{last4} is for another project"), last4=voucher.last4)
    if voucher.currency != project.currency:
        raise VoucherUnusable(
            N_("voucher …{last4} is in {other}; project {project} counts in {expected}"),
            last4=voucher.last4,
            other=voucher.currency,
            project=project.id,
            expected=project.currency,
        )
    lock_project(session, project.id)
    voucher.redeemed_by = actor.user_id
    voucher.redeemed_at = now
    # The code is at hand: a legacy hash is replaced by a keyed one.
    voucher.legacy_hash = None
    voucher.code_hash = digest
    lot = Lot(
        project_id=project.id,
        kind=LotKind.VOUCHER.value,
        source=LotSource.voucher(voucher.last4),
        voucher_id=voucher.id,
        currency=voucher.currency,
        initial=voucher.amount,
        remaining=0,
        valid_from=now,
        expires_at=voucher.expires_at,
    )
    grant_lot(
        session,
        lot,
        counterpart=f"voucher:{voucher.id}",
        key=f"grant:voucher:{voucher.id}",
        at=now,
        actor=actor.user_id,
    )
    return RedeemedVoucher(
        voucher.last4,
        project_view(session, project),
        Money(voucher.amount, voucher.currency),
        voucher.expires_at,
    )


def redeem_voucher(
    ledger: Ledger,
    actor: Actor,
    code: str,
    project_ref: str,
    provider: CreditProvider | None = None,
) -> RedeemedVoucher:
    """Redeem at most once. A failed attempt is recorded (and nothing else) so that
    guessing is throttled across restarts. On a project linked to the provider, a code the
    bot did not issue is redeemed there, and a refusal counts as a failed attempt."""

    key = _key(ledger)

    def work(session: Session) -> RedeemedVoucher | LedgerError | str:
        now = ledger.now()
        lock_name(session, f"redeem:{actor.user_id}")
        _refuse_if_throttled(ledger, session, actor.user_id, now)
        if provider is not None:
            service = service_of(session, find_project(session, project_ref).id)
            compact = re.sub(r"[\s\-]+", "", code).upper()
            readings = {compact, compact.translate(_CONFUSABLE)}
            known = session.scalar(
                select(Voucher.id).where(
                    Voucher.code_hash.in_({code_hash(key, r) for r in readings})
                    | Voucher.legacy_hash.in_({legacy_hash(r) for r in readings})
                )
            )
            if service is not None and known is None:
                return service
        try:
            with session.begin_nested():
                return _redeem(ledger, session, actor, project_ref, normalise_code(code), now)
        except (VoucherNotFound, VoucherUnusable, InvalidInput) as refusal:
            session.add(RedemptionFailure(user_id=actor.user_id, at=now))
            return refusal

    outcome = ledger.db.run(work)
    if isinstance(outcome, str):
        assert provider is not None
        return redeem_at_provider(ledger, provider, actor, code, project_ref, outcome)
    if isinstance(outcome, LedgerError):
        raise outcome
    return outcome


def failed_attempts(ledger: Ledger, user_id: str) -> int:
    since = ledger.now() - ledger.config.failed_redemption_window
    with ledger.db.read() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(RedemptionFailure)
                .where(RedemptionFailure.user_id == user_id, RedemptionFailure.at > since)
            )
            or 0
        )


def forget_expired_legacy_hashes(ledger: Ledger) -> int:
    """Clear the unsalted hashes of codes that can no longer be redeemed."""
    now = ledger.now()

    def work(session: Session) -> int:
        done = session.execute(
            update(Voucher)
            .where(Voucher.legacy_hash.is_not(None), Voucher.expires_at <= now)
            .values(legacy_hash=None)
        )
        return int(getattr(done, "rowcount", 0) or 0)

    return ledger.db.run(work)
