"""Refusals the command line and Slack both give, written once."""

from __future__ import annotations

from ledger.errors import N_, InvalidInput

OVH_NOT_CONFIGURED = N_("OVHcloud is not configured")
SET_OVH_KEYS = N_("set OVH_ENDPOINT and its keys")


def ovh_not_configured(hint: str = SET_OVH_KEYS) -> InvalidInput:
    """OVHcloud is asked for and no endpoint is set; `hint` says who can set it up."""
    return InvalidInput(OVH_NOT_CONFIGURED, hint=hint)
