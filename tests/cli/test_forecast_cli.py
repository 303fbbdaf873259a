"""`creditbot forecast` and `creditbot chart`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from tests.cli.test_cli import Run, cli  # noqa: F401  (the fixture)


def test_forecast_prints_the_projection_and_the_advice_as_json(cli: Run) -> None:  # noqa: F811
    cli("project", "add", "prod-eu", "--name", "Prod EU", "--as", "UADMIN")
    code, po, _ = cli("buy", "1000", "--project", "prod-eu", "--as", "UMEM", "--json")
    cli("po", "approve", po["po"], "--as", "UFIN")
    cli("charge", "100", "--project", "prod-eu", "--as", "UFIN")
    code, data, err = cli("forecast", "--project", "prod-eu", "--json")
    assert code == 0, err
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    # A project created today burns its bills over one day: 900 € left pay days 0 to 8.
    assert data == {
        "project": "prod-eu",
        "currency": "EUR",
        "available": "900.00",
        "daily_burn": "100.00",
        "basis": "journal",
        "runs_out_on": (today + timedelta(days=9)).isoformat(),
        "expiring_unused": [],
        "advice": {
            "buy_by": (today + timedelta(days=4)).isoformat(),
            "buy_at_least": "8100.00",
            "useful_at_most": data["advice"]["useful_at_most"],
        },
        "open_orders": [],
        "budget": None,
    }
    assert int(float(data["advice"]["useful_at_most"])) > 30_000
    code, text, _ = cli("forecast", "--project", "prod-eu")
    assert code == 0 and "runs out on" in text


def test_forecast_names_the_pending_order_it_does_not_count_in_english_and_french(
    cli: Run,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cli("project", "add", "prod-eu", "--name", "Prod EU", "--as", "UADMIN")
    cli("charge", "100", "--project", "prod-eu", "--as", "UFIN")
    before = cli("forecast", "--project", "prod-eu", "--json")[1]
    po = cli("buy", "50 000", "--project", "prod-eu", "--as", "UMEM", "--json")[1]["po"]
    data = cli("forecast", "--project", "prod-eu", "--json")[1]
    assert data["open_orders"] == [{"po": po, "amount": "50000.00", "status": "pending"}]
    assert data["advice"] == before["advice"]  # the lots alone: the order is not counted
    said = cli("forecast", "--project", "prod-eu")[1]
    assert f"\n{po} for €50,000.00 is pending approval (not counted above)." in said
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    said = cli("forecast", "--project", "prod-eu")[1]
    assert f"{po} de 50\u00a0000,00\u00a0€ attend son approbation (non compté ci-dessus)." in said


def test_forecast_of_an_unknown_project_fails_cleanly(cli: Run) -> None:  # noqa: F811
    code, out, err = cli("forecast", "--project", "nope")
    assert code == 1 and "no project" in err and not out


def test_chart_writes_a_png_that_decodes(cli: Run, tmp_path: Path) -> None:  # noqa: F811
    cli("project", "add", "prod-eu", "--name", "Prod EU", "--as", "UADMIN")
    code, po, _ = cli("buy", "500", "--project", "prod-eu", "--as", "UMEM", "--json")
    cli("po", "approve", po["po"], "--as", "UFIN")
    out = tmp_path / "chart.png"
    code, _, err = cli("chart", "--project", "prod-eu", "--out", str(out))
    assert code == 0, err
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size == (1000, 500)
        assert len(image.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 10


def test_forecast_says_a_purchase_is_late_once_buy_by_has_passed(cli: Run) -> None:  # noqa: F811
    cli("project", "add", "prod-eu", "--name", "Prod EU", "--as", "UADMIN")
    code, po, _ = cli("buy", "100", "--project", "prod-eu", "--as", "UMEM", "--json")
    cli("po", "approve", po["po"], "--as", "UFIN")
    cli("charge", "60", "--project", "prod-eu", "--as", "UFIN")  # 40 € left: runs out tomorrow
    code, text, err = cli("forecast", "--project", "prod-eu")
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    assert code == 0, err
    assert text.startswith("Prod EU: €40.00 available, burning €60.00 a day\n")
    assert "Daily spend from the bills charged here in the last 30 days." in text
    assert f"buy by: {(today - timedelta(days=5)).day} " in text and "(late); at least" in text


def test_forecast_basis_follows_the_forecast_window(
    cli: Run,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORECAST_WINDOW_DAYS", "14")
    cli("project", "add", "prod-eu", "--name", "Prod EU", "--as", "UADMIN")
    code, text, err = cli("forecast", "--project", "prod-eu")
    assert code == 0, err
    assert "in the last 14 days" in text and "30" not in text


def test_forecast_of_a_project_with_no_credit_says_so(cli: Run) -> None:  # noqa: F811
    cli("project", "add", "prod-eu", "--name", "Prod EU", "--as", "UADMIN")
    code, text, err = cli("forecast", "--project", "prod-eu")
    assert code == 0, err
    assert "No credit available." in text
