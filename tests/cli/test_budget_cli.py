"""`creditbot budget set|show|clear`: purchase budgets from the terminal, in English and in
French, as text and as JSON; refusals exit 1 with one line and change nothing; `balance`
and `forecast` show the budget's use."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.cli.test_cli import Run, cli  # noqa: F401  (the fixture)


@pytest.fixture
def prod(cli: Run) -> Run:  # noqa: F811
    cli("project", "add", "prod-eu", "--name", "Prod EU", "--as", "UADMIN")
    return cli


def _this_month() -> tuple[str, str]:
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    return today.replace(day=1).isoformat(), today.strftime("%B %Y")


def test_finance_sets_shows_and_clears_a_budget_from_the_command_line(prod: Run) -> None:
    set_ = ("budget", "set", "--project", "prod-eu", "--amount", "1 000", "--period", "monthly")
    code, said, err = prod(*set_, "--as", "UFIN")
    assert code == 0, err
    assert said.startswith("The budget of Prod EU is now €1,000.00 a month.")
    prod("buy", "250", "--project", "prod-eu", "--as", "UMEM")
    code, data, _ = prod("budget", "show", "--project", "prod-eu", "--json")
    first, month = _this_month()
    assert code == 0
    assert {k: v for k, v in data.items() if k not in ("ends_on", "set_at")} == {
        "project": "prod-eu",
        "period": "monthly",
        "currency": "EUR",
        "budget": "1000.00",
        "starts_on": first,
        "use": "250.00",
        "left": "750.00",
        "over": "0.00",
        "percent": 25,
        "set_by": "UFIN",
    }
    code, text, _ = prod("budget", "show")
    assert text.startswith("Prod EU (prod-eu): €1,000.00 a month")
    assert f"{month} budget: €250.00 of €1,000.00 used (25%), €750.00 left." in text
    assert prod("budget", "show", "--json")[1][0]["use"] == "250.00"
    code, said, _ = prod("budget", "clear", "--project", "prod-eu", "--as", "UFIN")
    assert said.startswith("Prod EU has no budget any more (it was €1,000.00 a month).")
    assert prod("budget", "show", "--json")[1] == []
    assert prod("budget", "show")[1].strip() == "No project has a budget."
    code, data, _ = prod("budget", "show", "--project", "prod-eu", "--json")
    assert (code, data) == (0, None)


def test_a_french_terminal_sets_a_budget_with_french_period_words(
    prod: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, said, err = prod(
        "budget", "set", "--project", "prod-eu", "--amount", "90000", "--period", "annuel",
        "--as", "UFIN",
    )  # fmt: skip
    assert code == 0, err
    assert said.replace("\u00a0", " ").startswith(
        "Le budget de Prod EU est désormais de 90 000,00 € par an."
    )
    assert prod("budget", "show")[1].startswith("Prod EU (prod-eu)\u00a0: 90\u00a0000,00\u00a0€")
    shown = prod("budget", "show")[1].replace("\u00a0", " ")
    assert f"Budget {datetime.now(ZoneInfo('Europe/Paris')).year} : 0,00 € utilisés" in shown
    assert prod("budget", "show", "--json")[1][0]["period"] == "yearly"
    code, said, _ = prod("budget", "clear", "--project", "prod-eu", "--as", "UFIN")
    assert said.startswith("Prod EU n’a plus de budget")


@pytest.mark.parametrize(
    ("argv", "refusal"),
    [
        (("--amount", "1000", "--period", "weekly", "--as", "UFIN"), "is not a budget period"),
        (("--amount", "0", "--period", "monthly", "--as", "UFIN"), "more than zero"),
        (("--amount", "200001", "--period", "monthly", "--as", "UFIN"), "at most €200,000"),
        (("--amount", "100 USD", "--period", "monthly", "--as", "UFIN"), "not USD"),
        (("--amount", "1000", "--period", "monthly", "--as", "UMEM"), "only finance may"),
    ],
)
def test_a_refused_budget_exits_one_with_one_line_and_changes_nothing(
    prod: Run, argv: tuple[str, ...], refusal: str
) -> None:
    prod(
        "budget",
        "set",
        "--project",
        "prod-eu",
        "--amount",
        "500",
        "--period",
        "yearly",
        "--as",
        "UFIN",
    )
    before = prod("budget", "show", "--json")[1]
    code, out, err = prod("budget", "set", "--project", "prod-eu", *argv)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and refusal in err, err
    assert prod("budget", "show", "--json")[1] == before


def test_clearing_without_a_budget_or_as_a_member_is_refused(prod: Run) -> None:
    code, _, err = prod("budget", "clear", "--project", "prod-eu", "--as", "UFIN")
    assert code == 1 and "has no budget to clear" in err
    prod(
        "budget",
        "set",
        "--project",
        "prod-eu",
        "--amount",
        "500",
        "--period",
        "monthly",
        "--as",
        "UFIN",
    )
    code, _, err = prod("budget", "clear", "--project", "prod-eu", "--as", "UMEM")
    assert code == 1 and "only finance may clear budgets" in err
    assert len(prod("budget", "show", "--json")[1]) == 1


def test_balance_and_forecast_show_the_budgets_use_as_text_and_json(prod: Run) -> None:
    prod(
        "budget",
        "set",
        "--project",
        "prod-eu",
        "--amount",
        "1000",
        "--period",
        "quarterly",
        "--as",
        "UFIN",
    )
    prod("buy", "1200", "--project", "prod-eu", "--as", "UMEM")
    for command in ("balance", "forecast"):
        code, data, _ = prod(command, "--project", "prod-eu", "--json")
        assert code == 0
        assert (data["budget"]["use"], data["budget"]["over"], data["budget"]["percent"]) == (
            "1200.00",
            "200.00",
            120,
        )
        text = prod(command, "--project", "prod-eu")[1]
        assert "budget: €1,200.00 of €1,000.00 used (120%), €200.00 over." in text


def test_an_order_over_budget_says_by_how_much_at_the_terminal_in_both_languages(
    prod: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    budget = ("budget", "set", "--project", "prod-eu", "--amount", "1000", "--period", "yearly")
    prod(*budget, "--as", "UFIN")
    code, said, err = prod("buy", "1200", "--project", "prod-eu", "--as", "UMEM")
    assert code == 0, err
    assert "needs 2 approvals — over budget by €200.00: one approval more" in said
    number = said.split()[0]
    assert "over budget by €200.00" in prod("po", "show", number)[1]
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    said = prod("po", "list")[1]
    assert "budget dépassé de 200,00\u00a0€\u00a0: une approbation de plus" in said
