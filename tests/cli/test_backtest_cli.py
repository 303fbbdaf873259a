"""Issue 16, item 3: `creditbot autopilot backtest --usage FILE.csv`: a table, `--json`, a
PNG chart, and one error line naming the line of a malformed usage file."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from tests.cli.runner import Run, command_line

POLICIES = ["autopilot", "threshold", "yearly", "when_empty"]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    # No database exists there: the backtest builds its own, in memory.
    return command_line(f"sqlite:///{tmp_path / 'absent' / 'ledger.db'}", monkeypatch, capsys)


def usage_file(tmp_path: Path, days: int = 60, per_day: str = "100.00") -> str:
    path = tmp_path / "usage.csv"
    first = date(2026, 1, 1)
    lines = ["date,amount"] + [f"{first + timedelta(days=n)},{per_day}" for n in range(days)]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_the_backtest_prints_one_row_per_policy_and_opens_no_database(
    cli: Run, tmp_path: Path
) -> None:
    code, text, err = cli("autopilot", "backtest", "--usage", usage_file(tmp_path))
    assert code == 0, err
    lines = text.splitlines()
    assert lines[0] == "usage from 1 Jan 2026 to 1 Mar 2026: 60 days, €6,000.00 in all"
    header = next(n for n, line in enumerate(lines) if line.startswith("policy"))
    assert "bought" in lines[header] and "days short" in lines[header]
    assert [line.split()[0] for line in lines[header + 1 : header + 5]] == POLICIES
    assert "lost to expiry or paid otherwise: autopilot €0.00" in text
    assert not (tmp_path / "absent").exists()


def test_the_backtest_as_json_gives_each_policy_s_figures(cli: Run, tmp_path: Path) -> None:
    code, data, err = cli(
        "autopilot", "backtest", "--usage", usage_file(tmp_path), "--cover-days", "30", "--json"
    )
    assert code == 0, err
    assert data["usage"] == {
        "currency": "EUR",
        "first": "2026-01-01",
        "last": "2026-03-01",
        "days": 60,
        "total": "6000.00",
    }
    assert data["rules"] == {
        "cover_days": 30,
        "lead_days": 5,
        "approval_days": 3,
        "window_days": 30,
        "rise_days": 0,
        "max_amount": 200000,
    }
    assert [p["policy"] for p in data["policies"]] == POLICIES
    autopilot = data["policies"][0]
    assert set(autopilot) == {
        "policy",
        "bought",
        "orders",
        "consumed",
        "paid_by_credit",
        "due_other",
        "expired",
        "remaining",
        "expired_pct",
        "due_pct",
        "days_short",
    }
    # 3 000.00 first, then 30 days drafted on days 25 and 55: the last 30 days are left.
    assert autopilot["bought"] == "9000.00" and autopilot["orders"] == 3
    assert autopilot["remaining"] == "3000.00" and autopilot["expired"] == "0.00"
    assert autopilot["consumed"] == autopilot["paid_by_credit"] == "6000.00"
    assert autopilot["due_pct"] == "0.00" and autopilot["days_short"] == 0
    assert data["chart"] is None


def test_the_backtest_chart_is_a_png(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "backtest.png"
    code, text, err = cli(
        "autopilot", "backtest", "--usage", usage_file(tmp_path), "--chart", str(out)
    )
    assert code == 0, err
    assert f"chart written to {out}" in text
    with Image.open(out) as image:
        assert image.format == "PNG" and image.height > image.width / 2


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("date,amount\n2026-01-01,1\n2026-01-02,x\n", "usage file, line 3: 'x' is not an amount"),
        ("2026-01-01,1\n2026-01-01,2\n", "usage file, line 2: 2026-01-01 appears twice"),
        ("", "usage file, line 1: the file holds no usage"),
        ("2026-01-01,1\n2026-01-02,\xff\n", "usage file, line 2: not UTF-8 text"),
    ],
)
def test_a_malformed_usage_file_is_one_error_line_naming_its_line(
    cli: Run, tmp_path: Path, body: str, said: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(body.encode("latin-1"))
    code, out, err = cli("autopilot", "backtest", "--usage", str(path))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and said in err


def test_a_missing_usage_file_or_a_cover_out_of_range_is_refused(cli: Run, tmp_path: Path) -> None:
    code, _, err = cli("autopilot", "backtest", "--usage", str(tmp_path / "none.csv"))
    assert code == 1 and "cannot read" in err
    code, _, err = cli(
        "autopilot", "backtest", "--usage", usage_file(tmp_path), "--cover-days", "0"
    )
    assert code == 1 and "from 1 to 400" in err


def test_the_backtest_speaks_the_terminal_s_language(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, text, err = cli("autopilot", "backtest", "--usage", usage_file(tmp_path))
    assert code == 0, err
    assert text.splitlines()[0].startswith(
        "consommation du 1er janvier 2026 au 1er mars 2026\u00a0: 60 jours"
    )
    assert "politique" in text
    bad = tmp_path / "bad.csv"
    bad.write_text("2026-01-01,-1\n")
    code, _, err = cli("autopilot", "backtest", "--usage", str(bad))
    assert code == 1 and "ligne 1" in err


def test_the_backtest_follows_forecast_rise_days_and_rise_days_overrides_it(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = usage_file(tmp_path)
    code, text, err = cli("autopilot", "backtest", "--usage", usage)
    assert code == 0, err
    assert "daily spend" not in text  # PRODUCT.md's burn: the window's average alone
    monkeypatch.setenv("FORECAST_RISE_DAYS", "14")
    code, text, err = cli("autopilot", "backtest", "--usage", usage)
    assert code == 0, err
    assert "daily spend: the 30-day average, or the last 14 days' when higher" in text
    code, out, err = cli("autopilot", "backtest", "--usage", usage, "--rise-days", "0", "--json")
    assert code == 0, err
    assert (out["rules"]["rise_days"], out["rules"]["window_days"]) == (0, 30)


def test_one_order_and_one_day_are_said_in_the_singular(cli: Run, tmp_path: Path) -> None:
    code, text, err = cli(
        "autopilot", "backtest", "--usage", usage_file(tmp_path, days=1),
        "--cover-days", "1", "--lead-days", "1", "--approval-days", "1",
    )  # fmt: skip
    assert code == 0, err
    assert "cover 1 day, lead 1 day, approval and delivery 1 day" in text
    assert "(0.00% of usage, 1 order); best other policy" in text
    assert text.rstrip().endswith("(0.00%, 1 order)")


def test_the_french_table_keeps_a_no_break_space_before_each_percent_sign(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, text, err = cli("autopilot", "backtest", "--usage", usage_file(tmp_path))
    assert code == 0, err
    header = next(line for line in text.splitlines() if line.startswith("politique"))
    assert "expiré\u00a0%" in header and "dû\u00a0%" in header and " %" not in header
