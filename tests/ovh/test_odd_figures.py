"""OVHcloud's amounts are JSON doubles: a figure with more decimals than the currency is
rounded half-even to the minor unit, and one project OVHcloud answers oddly for never
stops the sync of the others."""

from __future__ import annotations

from bot.ovh.client import OvhProvider
from bot.ovh.standin import OvhStandIn
from ledger.errors import ProviderRefused
from ledger.services import Ledger, reading
from ledger.services.audit import verify
from ledger.services.linked import link_project, sync_all
from ledger.services.projects import add_project
from tests.ovh.conftest import SERVICE
from tests.support import ADMIN, eur

OTHER = "ffffeeeeddddccccbbbbaaaa99998888"


def test_figures_with_more_decimals_than_the_currency_are_rounded_half_even_per_figure(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    credit = ovh.add_credit(SERVICE, "100")
    ovh.consume(SERVICE, credit.id, "10.005")  # used 10.005 → 10.00, available 89.995 → 90.00
    (report,) = sync_all(ledger, provider, linked)
    assert report.error is None
    assert reading.balance(ledger, linked).available == eur("90.00")
    ovh.consume(SERVICE, credit.id, "0.01")  # used 10.015 → 10.02, available 89.985 → 89.98
    (report,) = sync_all(ledger, provider, linked)
    assert report.error is None and report.entries_posted == 1
    assert reading.balance(ledger, linked).available == eur("89.98")
    assert verify(ledger) == []


def test_one_odd_project_never_stops_the_sync_of_the_others(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    add_project(ledger, ADMIN, "lab", "Lab", "EUR")
    ovh.add_project(OTHER)
    link_project(ledger, provider, ADMIN, "lab", OTHER)
    ovh.projects[SERVICE].currency = "N/A"  # in order.CurrencyCodeEnum, but no currency
    ovh.add_credit(SERVICE, "100", used="12.3456")
    ovh.add_credit(OTHER, "50", used="0.125")
    reports = {report.project: report for report in sync_all(ledger, provider)}
    assert isinstance(reports[linked].error, ProviderRefused)
    assert reports["lab"].error is None
    assert reading.balance(ledger, "lab").available == eur("49.88")
    assert reading.balance(ledger, linked).lots == ()
