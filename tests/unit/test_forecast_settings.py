"""The forecast and digest settings: read, checked, and passed to the ledger."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.composition import ledger_config
from bot.settings import Settings


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_the_digest_day_is_a_weekday_in_any_case_or_off() -> None:
    assert settings().digest_weekday == 0
    assert settings(digest_day="Friday").digest_weekday == 4
    assert settings(digest_day="off").digest_weekday is None
    with pytest.raises(ValidationError, match="DIGEST_DAY"):
        settings(digest_day="someday")


def test_forecast_settings_reach_the_ledger_and_refuse_nonsense() -> None:
    config = ledger_config(
        settings(forecast_window_days=14, forecast_horizon_days=60, purchase_lead_days=2)
    )
    assert (
        config.forecast_window_days,
        config.forecast_horizon_days,
        config.purchase_lead_days,
    ) == (14, 60, 2)
    with pytest.raises(ValidationError):
        settings(forecast_window_days=0)
