"""How many distinct finance approvers a purchase order needs, by its amount excl. tax.

`APPROVAL_TIERS` reads `5000:2,50000:3`: from 5 000 (whole units of the project's
currency, "at least") an order needs 2 approvers, from 50 000 it needs 3, below the
lowest tier 1. Pure: no database, no settings.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ledger.domain import LedgerConfig
from ledger.errors import N_, InvalidInput
from ledger.money import Money

# More would make an order no finance team can approve in practice, and a card too long.
MOST_APPROVERS = 10

Tiers = tuple[tuple[int, int], ...]

_PART = re.compile(r"\s*([0-9]+)\s*:\s*([0-9]+)\s*")


def needed(config: LedgerConfig, amount: Money) -> int:
    """The approvals an order of `amount` excl. tax needs: its highest tier reached, else 1."""
    count = 1
    for threshold, approvers in config.approval_tiers:
        if amount.amount >= Decimal(threshold):
            count = approvers
    return count


def reachable(config: LedgerConfig, wanted: int, requester: str) -> int:
    """`wanted` approvals, at most as many as there are finance approvers other than the
    requester, when they are known: a tier plus one for a budget passed must not make an
    order nobody can approve (it would only wait until it expires)."""
    if config.finance_people is None:
        return wanted
    others = len(config.finance_people - {requester})
    return max(1, min(wanted, others))


def parse(text: str) -> Tiers:
    """`5000:2,50000:3` → ((5000, 2), (50000, 3)); empty → () (one approval for every order).

    Refused: a part that is not AMOUNT:N in whole numbers, an amount below 1, N below 1 or
    above MOST_APPROVERS, amounts not increasing, or a tier needing no more approvals
    than the amounts below it (1 below the lowest tier)."""
    if not text.strip():
        return ()
    tiers: list[tuple[int, int]] = []
    for part in text.split(","):
        found = _PART.fullmatch(part)
        if found is None:
            raise InvalidInput(
                N_("APPROVAL_TIERS is AMOUNT:APPROVERS pairs in whole numbers, not {part!r}"),
                hint=N_("for example 5000:2,50000:3"),
                part=part.strip(),
            )
        threshold, count = int(found[1]), int(found[2])
        if threshold < 1:
            raise InvalidInput(
                N_("APPROVAL_TIERS: an amount is at least 1, not {amount}"), amount=0
            )
        if not 1 <= count <= MOST_APPROVERS:
            raise InvalidInput(
                N_("APPROVAL_TIERS: a tier needs from 1 to {most} approvers, not {count}"),
                most=MOST_APPROVERS,
                count=count,
            )
        below_amount, below_count = tiers[-1] if tiers else (0, 1)
        if threshold <= below_amount:
            raise InvalidInput(
                N_("APPROVAL_TIERS: amounts must increase, but {amount} follows {previous}"),
                amount=threshold,
                previous=below_amount,
            )
        if count <= below_count:
            raise InvalidInput(
                N_(
                    "APPROVAL_TIERS: the tier from {amount} must need more approvers than"
                    " the amounts below it ({count})"
                ),
                amount=threshold,
                count=below_count,
            )
        tiers.append((threshold, count))
    return tuple(tiers)


def most_needed(tiers: Tiers) -> int:
    return max((count for _, count in tiers), default=1)
