"""ledger facts: where a lot came from and why an entry moved it, in columns, not sentences

Lots recorded `PO-… `, `voucher …LAST4` or `OVHcloud credit N` as their source, and
entries memos such as `PO-… paid` or `used on OVHcloud: 10.00 EUR`, in English. They are
read back into facts here; words that cannot be read back are kept as they were.

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-06 02:30:00.000000
"""

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op

from ledger.migrations.rebuild import defer_foreign_keys, rebuilt
from ledger.money import minor_units

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOT_ORIGINS = "origin IN ('purchase', 'voucher', 'provider', 'text')"
LOT_FACTS = (
    "(origin = 'purchase' AND po_number IS NOT NULL)"
    " OR (origin = 'voucher' AND voucher_last4 IS NOT NULL)"
    " OR (origin = 'provider' AND provider_credit_id IS NOT NULL)"
    " OR (origin = 'text' AND source IS NOT NULL)"
)
ENTRY_CAUSES = "cause IS NULL OR cause IN ('provider_use', 'prior_use')"

MASKED_VOUCHER = re.compile(r"voucher …(\S{4})")
WHOLE_VOUCHER = re.compile(r"voucher (\S{4,})")  # a provider code kept whole, long ago
PROVIDER_CREDIT = re.compile(r"OVHcloud credit (\d+)")
EXTERNAL_KEY = re.compile(r"[^:]+:.+:(\d+)")
PROVIDER_USE = re.compile(r"used on OVHcloud( before the link)?: (\S+) ([A-Z]{3})")


def upgrade() -> None:
    defer_foreign_keys()
    # New nullable columns are added in place on every backend.
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("po_number", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("voucher_last4", sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column("provider_credit_id", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cause", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("provider_used", sa.BigInteger(), nullable=True))
    _lots_to_facts()
    _memos_to_facts()
    with rebuilt("lots") as batch_op:
        batch_op.alter_column("source", existing_type=sa.String(length=40), nullable=True)
        batch_op.alter_column("origin", existing_type=sa.String(length=10), nullable=False)
        batch_op.create_check_constraint(op.f("ck_lots_origin"), LOT_ORIGINS)
        batch_op.create_check_constraint(op.f("ck_lots_facts"), LOT_FACTS)
    # Words read back into facts are not kept: the facts are worded where they are shown.
    op.execute("UPDATE lots SET source = NULL WHERE origin <> 'text'")
    with rebuilt("entries") as batch_op:
        batch_op.create_check_constraint(op.f("ck_entries_cause"), ENTRY_CAUSES)


def _lots_to_facts() -> None:
    op.execute(
        "UPDATE lots SET origin = 'purchase', po_number = ("
        " SELECT number FROM purchase_orders WHERE purchase_orders.id = lots.purchase_order_id)"
        " WHERE purchase_order_id IS NOT NULL"
    )
    op.execute(
        "UPDATE lots SET origin = 'voucher', voucher_last4 = ("
        " SELECT last4 FROM vouchers WHERE vouchers.id = lots.voucher_id)"
        " WHERE voucher_id IS NOT NULL"
    )
    bind = op.get_bind()
    mirrored = bind.execute(
        sa.text(
            "SELECT id, origin, voucher_last4, source, external_key FROM lots"
            " WHERE external_key IS NOT NULL"
        )
    ).all()
    for lot_id, origin, last4, source, key in mirrored:
        found = EXTERNAL_KEY.fullmatch(key)
        facts: dict[str, object] = {
            "id": lot_id,
            "origin": origin,
            "last4": last4,
            "credit": int(found.group(1)) if found else None,
        }
        if origin is None:
            facts.update(_source_facts(source or "", facts["credit"]))
        bind.execute(
            sa.text(
                "UPDATE lots SET origin = :origin, voucher_last4 = :last4,"
                " provider_credit_id = :credit WHERE id = :id"
            ),
            facts,
        )
    op.execute("UPDATE lots SET origin = 'text' WHERE origin IS NULL")


def _source_facts(source: str, credit_id: object) -> dict[str, object]:
    masked = MASKED_VOUCHER.fullmatch(source)
    whole = WHOLE_VOUCHER.fullmatch(source)
    if masked or (whole and len(source) < 40):  # 40: a longer code was cut short
        last4 = (masked or whole).group(1)[-4:]  # type: ignore[union-attr]
        return {"origin": "voucher", "last4": last4}
    numbered = PROVIDER_CREDIT.fullmatch(source)
    if numbered and (credit_id is None or int(numbered.group(1)) == credit_id):
        return {"origin": "provider", "credit": int(numbered.group(1))}
    return {}


def _memos_to_facts() -> None:
    op.execute("UPDATE entries SET memo = NULL WHERE kind = 'expiry' AND memo = 'expired'")
    op.execute(
        "UPDATE entries SET memo = NULL WHERE kind = 'grant' AND memo = ("
        " SELECT lots.po_number || ' paid' FROM lots WHERE lots.id = entries.lot_id)"
    )
    op.execute(
        "UPDATE entries SET memo = NULL WHERE kind = 'grant' AND memo = ("
        " SELECT 'voucher …' || lots.voucher_last4 || ' redeemed' FROM lots"
        " WHERE lots.id = entries.lot_id)"
    )
    bind = op.get_bind()
    used = bind.execute(
        sa.text(
            "SELECT id, memo, currency FROM entries"
            " WHERE kind IN ('debit', 'refund') AND memo LIKE 'used on OVHcloud%'"
        )
    ).all()
    for entry_id, memo, currency in used:
        found = PROVIDER_USE.fullmatch(memo)
        if not found or found.group(3) != currency:
            continue
        try:
            figure = Decimal(found.group(2)).scaleb(minor_units(currency))
        except InvalidOperation:
            continue
        if figure != figure.to_integral_value():
            continue
        bind.execute(
            sa.text(
                "UPDATE entries SET memo = NULL, cause = :cause, provider_used = :used"
                " WHERE id = :id"
            ),
            {
                "cause": "prior_use" if found.group(1) else "provider_use",
                "used": int(figure),
                "id": entry_id,
            },
        )


def downgrade() -> None:
    defer_foreign_keys()
    bind = op.get_bind()
    for entry_id, cause, used, currency in bind.execute(
        sa.text(
            "SELECT id, cause, provider_used, currency FROM entries"
            " WHERE cause IS NOT NULL AND provider_used IS NOT NULL"
        )
    ).all():
        before = " before the link" if cause == "prior_use" else ""
        figure = Decimal(used).scaleb(-minor_units(currency))
        bind.execute(
            sa.text("UPDATE entries SET memo = :memo WHERE id = :id"),
            {"memo": f"used on OVHcloud{before}: {figure} {currency}", "id": entry_id},
        )
    op.execute("UPDATE entries SET memo = 'expired' WHERE kind = 'expiry' AND memo IS NULL")
    op.execute(
        "UPDATE entries SET memo = ("
        " SELECT CASE lots.origin"
        "  WHEN 'purchase' THEN lots.po_number || ' paid'"
        "  WHEN 'voucher' THEN 'voucher …' || lots.voucher_last4 || ' redeemed' END"
        " FROM lots WHERE lots.id = entries.lot_id AND lots.external_key IS NULL)"
        " WHERE kind = 'grant' AND memo IS NULL"
    )
    op.execute(
        "UPDATE lots SET source = CASE origin"
        " WHEN 'purchase' THEN po_number"
        " WHEN 'voucher' THEN 'voucher …' || voucher_last4"
        " ELSE 'OVHcloud credit ' || CAST(provider_credit_id AS VARCHAR(20)) END"
        " WHERE source IS NULL"
    )
    with rebuilt("entries") as batch_op:
        batch_op.drop_constraint(op.f("ck_entries_cause"), type_="check")
        batch_op.drop_column("provider_used")
        batch_op.drop_column("cause")
    with rebuilt("lots") as batch_op:
        batch_op.drop_constraint(op.f("ck_lots_facts"), type_="check")
        batch_op.drop_constraint(op.f("ck_lots_origin"), type_="check")
        batch_op.alter_column("source", existing_type=sa.String(length=40), nullable=False)
        batch_op.drop_column("provider_credit_id")
        batch_op.drop_column("voucher_last4")
        batch_op.drop_column("po_number")
        batch_op.drop_column("origin")
