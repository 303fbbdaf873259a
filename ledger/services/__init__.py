"""One function per use case; each owns exactly one database transaction."""

from ledger.services.context import Ledger

__all__ = ["Ledger"]
