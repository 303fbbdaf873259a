"""Tables of the ledger (SQLAlchemy 2 typed ORM), one module per aggregate. Amounts are
integer minor units. Every table is named here, so `Base.metadata` holds them all."""

from ledger.orm.autopilot import AutopilotDraft, AutopilotSetting
from ledger.orm.base import NAMING, Base, UTCDateTime
from ledger.orm.controls import Budget, Settlement
from ledger.orm.journal import (
    ENTRY_CAUSES,
    ENTRY_KIND_CHECK,
    ENTRY_KINDS,
    LOT_FACTS,
    LOT_ORIGINS,
    LOT_SOURCE,
    Charge,
    Entry,
    Lot,
)
from ledger.orm.operations import NOTICE_KIND_CHECK, JobRun, Notice, ProviderLink, Request
from ledger.orm.projects import Project, ProjectChannel
from ledger.orm.purchases import Approval, PurchaseOrder, PurchaseOrderCounter, ReplacedOrder
from ledger.orm.vouchers import RedemptionFailure, Voucher

__all__ = [
    "ENTRY_CAUSES",
    "ENTRY_KINDS",
    "ENTRY_KIND_CHECK",
    "LOT_FACTS",
    "LOT_ORIGINS",
    "LOT_SOURCE",
    "NAMING",
    "NOTICE_KIND_CHECK",
    "Approval",
    "AutopilotDraft",
    "AutopilotSetting",
    "Base",
    "Budget",
    "Charge",
    "Entry",
    "JobRun",
    "Lot",
    "Notice",
    "Project",
    "ProjectChannel",
    "ProviderLink",
    "PurchaseOrder",
    "PurchaseOrderCounter",
    "RedemptionFailure",
    "ReplacedOrder",
    "Request",
    "Settlement",
    "UTCDateTime",
    "Voucher",
]
