"""`creditbot forecast` and `creditbot chart`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
    }
    assert int(float(data["advice"]["useful_at_most"])) > 30_000
    code, text, _ = cli("forecast", "--project", "prod-eu")
    assert code == 0 and "runs out on" in text


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
