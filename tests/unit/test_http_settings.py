"""The settings of /metrics."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_metrics_are_served_nowhere_unless_an_address_is_given() -> None:
    assert settings(metrics_address="").metrics_bind is None
    assert settings(metrics_address="127.0.0.1:9464").metrics_bind == ("127.0.0.1", 9464)
    assert settings(metrics_address="[::1]:9464").metrics_bind == ("::1", 9464)
    assert settings(metrics_address=":9464").metrics_bind == ("0.0.0.0", 9464)


@pytest.mark.parametrize("address", ["9464", "localhost", "host:port", "a b:1"])
def test_a_metrics_address_without_a_port_is_refused_by_name(address: str) -> None:
    with pytest.raises(ValidationError, match="METRICS_ADDRESS"):
        settings(metrics_address=address)
