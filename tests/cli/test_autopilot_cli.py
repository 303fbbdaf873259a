"""`creditbot autopilot set|off|status`, and `creditbot alerts run` drafting by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from bot.slack.standin import SlackStandIn
from tests.cli.runner import Run, command_line


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    run = command_line(db_url, monkeypatch, capsys)
    run("project", "add", "prod-eu", "--name", "Prod EU", "--as", "UADMIN")
    return run


def with_slack(monkeypatch: pytest.MonkeyPatch, standin: SlackStandIn) -> None:
    """The terminal posts to the stand-in's Slack, with a finance channel."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", standin.api_url)
    monkeypatch.setenv("FINANCE_CHANNEL", "CFINANCE")


def drafted_by_the_run(cli: Run) -> str:
    """prod-eu burns with no credit, the autopilot is on, and `alerts run` drafts: its PO."""
    cli("charge", "300", "--project", "prod-eu", "--as", "UFIN")
    cli("autopilot", "set", "--project", "prod-eu", "--as", "UFIN")
    cli("alerts", "run", "--json")
    orders = cli("po", "list", "--status", "pending", "--json")[1]
    return str(orders[0]["po"])


def test_finance_sets_the_autopilot_and_status_shows_it_as_json(cli: Run) -> None:
    code, rows, err = cli(
        "autopilot", "set", "--project", "prod-eu", "--cover-days", "60",
        "--monthly-cap", "5 000", "--as", "UFIN", "--json",
    )  # fmt: skip
    assert code == 0, err
    (row,) = rows
    assert (row["enabled"], row["cover_days"], row["monthly_cap"]) == (True, 60, "5000.00")
    assert (row["changed_by"], row["cap_used_this_month"]) == ("UFIN", "0.00")
    assert row["next"] == {
        "due_now": False,
        "amount": None,
        "covers_through": None,
        "days_covered": None,
        "bounded_by": None,
        "reason": "no_burn",
        "expected_on": None,
        "order": None,
        "since": None,
    }
    code, text, _ = cli("autopilot", "status")
    assert code == 0
    assert (
        "prod-eu\tAutopilot on · cover 60 days · monthly cap €5,000 (€0.00 used this month)" in text
    )
    assert "Changed by UFIN on" in text
    code, rows, _ = cli("autopilot", "off", "--project", "prod-eu", "--as", "UFIN", "--json")
    assert rows[0]["enabled"] is False
    code, rows, _ = cli("autopilot", "status", "--project", "prod-eu", "--json")
    assert (rows[0]["enabled"], rows[0]["cover_days"], rows[0]["next"]["reason"]) == (
        False,
        60,
        "off",
    )


def test_the_cli_refuses_a_member_a_bad_cover_a_bad_cap_and_an_unknown_project(cli: Run) -> None:
    refused = {
        ("--as", "UMEM"): "only finance may turn the autopilot on",
        ("--cover-days", "0", "--as", "UFIN"): "the cover is from 1 to 400 days",
        ("--monthly-cap", "10.50", "--as", "UFIN"): "a monthly cap is in whole units",
        ("--monthly-cap", "9999999999", "--as", "UFIN"): "a monthly cap is from 1 to",
    }
    for extra, reason in refused.items():
        code, _, err = cli("autopilot", "set", "--project", "prod-eu", *extra)
        assert code != 0 and reason in err.casefold(), (extra, err)
    code, _, err = cli("autopilot", "set", "--project", "staging", "--as", "UFIN")
    assert code == 1 and "there is no project 'staging'" in err
    code, rows, _ = cli("autopilot", "status", "--json")
    assert rows[0]["enabled"] is False


def test_nobody_acts_as_the_autopilot_from_the_command_line(cli: Run) -> None:
    for argv in (
        ("buy", "100", "--project", "prod-eu"),
        ("autopilot", "set", "--project", "prod-eu"),
        ("po", "approve", "PO-2026-000001"),
    ):
        code, _, err = cli(*argv, "--as", "autopilot")
        assert code == 1 and "the autopilot is not a person" in err, err


def test_the_status_reads_in_french_at_a_french_terminal(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("autopilot", "set", "--project", "prod-eu", "--as", "UFIN")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, text, _ = cli("autopilot", "status")
    assert code == 0
    assert "Pilote automatique activé · couverture de 90\u00a0jours · sans plafond mensuel" in text


def test_alerts_run_drafts_by_hand_and_counts_the_draft(
    cli: Run, monkeypatch: pytest.MonkeyPatch, standin: SlackStandIn
) -> None:
    with_slack(monkeypatch, standin)
    code, po, _ = cli("buy", "100", "--project", "prod-eu", "--as", "UMEM", "--json")
    cli("po", "approve", po["po"], "--as", "UFIN")
    cli("charge", "300", "--project", "prod-eu", "--as", "UFIN")
    cli("autopilot", "set", "--project", "prod-eu", "--as", "UFIN")
    code, report, err = cli("alerts", "run", "--json")
    assert code == 0, err
    assert report["drafted"] == 1
    code, orders, _ = cli("po", "list", "--status", "pending", "--json")
    (drafted,) = orders
    # Young project: 300 € over its one day, no credit left; 90 days of it.
    assert (drafted["requested_by"], drafted["amount_excl_tax"]) == ("autopilot", "27000.00")
    assert drafted["drafted"]["cover_days"] == 90 and drafted["drafted"]["bounded_by"] is None
    code, text, _ = cli("po", "list")
    assert "drafted by the autopilot" in text
    code, report, _ = cli("alerts", "run", "--json")
    assert report["drafted"] == 0
    code, rows, _ = cli("autopilot", "status", "--json")
    assert rows[0]["open_order"] == drafted["po"]
    assert rows[0]["next"]["reason"] == "drafted_today"


def test_a_rejected_draft_holds_the_autopilot_and_status_says_why_until_it_is_set_again(
    cli: Run, monkeypatch: pytest.MonkeyPatch, standin: SlackStandIn
) -> None:
    with_slack(monkeypatch, standin)
    number = drafted_by_the_run(cli)
    code, _, err = cli("po", "reject", number, "--reason", "not now", "--as", "UFIN")
    assert code == 0, err
    code, rows, _ = cli("autopilot", "status", "--json")
    held = rows[0]["next"]
    assert (held["due_now"], held["reason"], held["order"]) == (False, "rejected", number)
    assert held["since"] is not None
    assert (rows[0]["last_draft"]["status"], rows[0]["last_draft"]["decided_at"]) == (
        "rejected",
        held["since"],
    )
    code, text, _ = cli("autopilot", "status")
    assert f"  Held since {number} was rejected on " in text
    assert ": turn it on again to resume (creditbot autopilot set --project prod-eu)." in text
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, text, _ = cli("autopilot", "status")
    assert f"  En pause depuis le refus de {number} le " in text
    assert (
        "\u00a0: réactivez-le pour reprendre (creditbot autopilot set --project prod-eu)." in text
    )
    cli("autopilot", "set", "--project", "prod-eu", "--as", "UFIN")
    code, rows, _ = cli("autopilot", "status", "--json")
    assert rows[0]["next"]["reason"] == "refused_today"  # lifted; today's draft was made


def test_turned_on_again_the_day_of_a_rejected_draft_status_says_the_next_comes_tomorrow(
    cli: Run, monkeypatch: pytest.MonkeyPatch, standin: SlackStandIn
) -> None:
    with_slack(monkeypatch, standin)
    number = drafted_by_the_run(cli)
    cli("po", "reject", number, "--reason", "not now", "--as", "UFIN")
    cli("autopilot", "set", "--project", "prod-eu", "--as", "UFIN")
    code, rows, _ = cli("autopilot", "status", "--project", "prod-eu", "--json")
    seen, drafted = rows[0]["next"], rows[0]["last_draft"]
    tomorrow = (date.fromisoformat(drafted["day"]) + timedelta(days=1)).isoformat()
    assert (seen["due_now"], seen["reason"], seen["order"], seen["expected_on"]) == (
        False,
        "refused_today",
        number,
        tomorrow,
    )
    assert seen["since"] == drafted["decided_at"]
    code, text, _ = cli("autopilot", "status")
    assert (
        f"  Today's draft {number} was refused; the next draft can come with tomorrow's run, on "
        in text
    )
    assert "comes after it" not in text
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, text, _ = cli("autopilot", "status")
    assert code == 0
    assert (
        f"  {number}, le bon de commande préparé aujourd’hui, a été refusé\u00a0; le prochain "
        "peut venir avec l’exécution planifiée de demain, le " in text
    )


def test_status_and_the_order_tell_how_many_of_the_days_asked_a_capped_draft_covers(
    cli: Run, monkeypatch: pytest.MonkeyPatch, standin: SlackStandIn
) -> None:
    with_slack(monkeypatch, standin)
    cli("charge", "300", "--project", "prod-eu", "--as", "UFIN")  # 300 € a day, no credit
    cli("autopilot", "set", "--project", "prod-eu", "--monthly-cap", "5000", "--as", "UFIN")
    code, rows, _ = cli("autopilot", "status", "--json")
    due = rows[0]["next"]
    # 16 days of 300 € are 4,800 €: a 17th would pass the 5,000 € cap.
    assert (due["due_now"], due["amount"], due["days_covered"], due["bounded_by"]) == (
        True,
        "5000.00",
        16,
        "cap",
    )
    code, text, _ = cli("autopilot", "status")
    assert "A draft is due: the next scheduled run drafts €5,000.00. Credit runs out on " in text
    assert "; this order covers 16 of the 90 days of usage asked, through " in text
    assert ": cut to €5,000.00 by the monthly cap." in text
    cli("alerts", "run", "--json")
    code, orders, _ = cli("po", "list", "--status", "pending", "--json")
    drafted = orders[0]["drafted"]
    runs_out_on = date.fromisoformat(drafted["runs_out_on"])
    assert (drafted["covers_through"], drafted["days_covered"], drafted["bounded_by"]) == (
        (runs_out_on + timedelta(days=15)).isoformat(),
        16,
        "cap",
    )
    assert due["covers_through"] == drafted["covers_through"]
    code, rows, _ = cli("autopilot", "status", "--json")
    assert code == 0
    assert rows[0]["last_draft"]["covers_through"] == drafted["covers_through"]
    assert rows[0]["last_draft"]["bounded_by"] == "cap"


def test_a_dry_run_without_a_finance_channel_lists_the_autopilots_draft_and_says_so_once(
    cli: Run, standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_API_URL", standin.api_url)  # no token, no finance channel
    cli("charge", "300", "--project", "prod-eu", "--as", "UFIN")
    cli("autopilot", "set", "--project", "prod-eu", "--as", "UFIN")
    code, said, err = cli("alerts", "run", "--dry-run")
    assert (code, err) == (0, "")
    assert "would draft a purchase order of €27,000.00 for Prod EU (autopilot)" in said
    assert said.count("FINANCE_CHANNEL is unset: finance's messages") == 1
    code, data, _ = cli("alerts", "run", "--dry-run", "--json")
    assert data["would_draft"] == [{"project": "prod-eu", "amount": "27000.00", "currency": "EUR"}]
    assert data["finance_channel"] is None
    assert cli("po", "list", "--json")[1] == [] and standin.calls == []
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    said = cli("alerts", "run", "--dry-run")[1]
    assert (
        "créerait un bon de commande de 27\u00a0000,00\u00a0€ pour Prod EU (pilote automatique)"
        in said
    )
    monkeypatch.setenv("FINANCE_CHANNEL", "CFINANCE")
    code, data, _ = cli("alerts", "run", "--dry-run", "--json")
    assert [d["project"] for d in data["would_draft"]] == ["prod-eu"]
    assert [p["channel"] for p in data["would_post"]] == ["CFINANCE"]
