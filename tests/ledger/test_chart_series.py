"""The series the chart is drawn from, exactly."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bot.chart import render, series
from bot.i18n import translator
from ledger.services import Ledger
from ledger.services.billing import charge
from ledger.services.forecasting import balance_history, forecast
from tests.ledger.test_billing import buy, voucher
from tests.support import FINANCE, PARIS, FakeClock, eur


def test_the_chart_series_are_the_balance_then_the_projection_then_the_named_expiries(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    source = voucher(ledger, project, "40", date(2026, 2, 28))
    po = buy(ledger, project, "300")
    clock.advance(days=10)
    charge(ledger, FINANCE, project, eur("100"), "bill")  # burn: 100 € over 10 days
    seen = forecast(ledger, project)
    data = series(balance_history(ledger, project), seen)
    today = seen.projection.today
    assert data.currency == "EUR"
    assert len(data.past) == 91 and data.past[-1] == (today, Decimal("240.00"))
    assert data.past[-2] == (today - timedelta(days=1), Decimal("340.00"))
    assert data.past[0][1] == Decimal("0.00")
    assert data.future[:3] == (
        (today, Decimal("240.00")),
        (today + timedelta(days=1), Decimal("230.00")),
        (today + timedelta(days=2), Decimal("220.00")),
    )
    assert data.future[24] == (today + timedelta(days=24), Decimal("0.00"))
    assert data.expiries == ()  # the voucher is spent by the bill, the credit before it expires
    assert source and po


def test_lots_left_at_expiry_are_named_with_what_they_lose(
    ledger: Ledger, project: str, clock: FakeClock
) -> None:
    source = voucher(ledger, project, "40", date(2026, 2, 28))
    seen = forecast(ledger, project)
    data = series(balance_history(ledger, project), seen)
    assert [(d, s.reference, a) for d, s, a in data.expiries] == [
        (date(2026, 3, 1), source, Decimal("40.00"))
    ]
    drop = [v for d, v in data.future if d in (date(2026, 2, 28), date(2026, 3, 1))]
    assert drop == [Decimal("40.00"), Decimal("0.00")]
    assert render(data, "Prod EU", translator("en_GB", PARIS))[:8] == b"\x89PNG\r\n\x1a\n"
