"""PO_REMIND_HOURS and PO_EXPIRE_DAYS: read, checked, passed to the ledger, and a bad value
refused at start-up with one line."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.cli.__main__ import main
from bot.composition import ledger_config
from bot.settings import Settings


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_reminders_after_a_day_and_expiry_after_thirty_days_by_default_reach_the_ledger() -> None:
    config = ledger_config(settings())
    assert (config.po_remind_hours, config.po_expire_days) == (24, 30)
    config = ledger_config(settings(po_remind_hours=4, po_expire_days=7))
    assert (config.po_remind_hours, config.po_expire_days) == (4, 7)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"po_remind_hours": 0}, "po_remind_hours"),
        ({"po_remind_hours": -3}, "po_remind_hours"),
        ({"po_expire_days": 0}, "po_expire_days"),
        ({"po_expire_days": "soon"}, "po_expire_days"),
        ({"po_remind_hours": 48, "po_expire_days": 2}, "PO_EXPIRE_DAYS"),
        ({"po_remind_hours": 72, "po_expire_days": 1}, "PO_EXPIRE_DAYS"),
    ],
)
def test_a_reminder_setting_below_one_or_an_expiry_not_after_the_first_reminder_is_refused(
    values: dict[str, object], named: str
) -> None:
    with pytest.raises(ValidationError, match=named):
        settings(**values)


def test_an_expiry_just_after_the_first_reminder_is_accepted() -> None:
    assert settings(po_remind_hours=47, po_expire_days=2).po_expire_days == 2


@pytest.mark.parametrize(
    ("name", "value"),
    [("PO_REMIND_HOURS", "0"), ("PO_EXPIRE_DAYS", "0"), ("PO_REMIND_HOURS", "800")],
)
def test_a_bad_reminder_setting_stops_the_command_line_at_start_up_with_one_line(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(name, value)
    if name == "PO_REMIND_HOURS" and value == "800":
        monkeypatch.setenv("PO_EXPIRE_DAYS", "30")  # 800 hours: after the expiry
    assert main(["alerts", "status"]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert name in err or "PO_EXPIRE_DAYS" in err
