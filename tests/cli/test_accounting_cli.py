"""`creditbot export purchases|due` and `creditbot due list|settle|void`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from tests.cli.runner import Run, command_line

TODAY = date.today().isoformat()


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    run = command_line(db_url, monkeypatch, capsys)
    assert run("project", "add", "prod-eu", "--name", "Prod EU", "--as", "UADMIN")[0] == 0
    _, po, _ = run("buy", "100", "--project", "prod-eu", "--as", "UMEM", "--json")
    assert run("po", "approve", po["po"], "--as", "UFIN")[0] == 0
    assert run("charge", "300", "--project", "prod-eu", "--key", "b1", "--as", "UFIN")[0] == 0
    assert run("charge", "50", "--project", "prod-eu", "--key", "b2", "--as", "UFIN")[0] == 0
    return run


def test_export_purchases_writes_csv_to_stdout_or_whole_to_a_file(cli: Run) -> None:
    code, out, _ = cli("export", "purchases", "--from", TODAY, "--to", TODAY)
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and (row["state"], row["amount_excl_tax"], row["vat"]) == (
        "approved",
        "100.00",
        "20.00",
    )
    code, said, _ = cli(
        "export", "purchases", "--from", TODAY, "--to", TODAY, "--format", "json",
        "--output", "p.json",
    )  # fmt: skip
    assert code == 0 and said.strip() == "1 purchase order written to p.json"
    assert json.loads(Path("p.json").read_text())["totals"]["EUR"]["amount_excl_tax"] == "100.00"
    assert not Path("p.json.part").exists()
    assert cli("export", "--format", "csv")[0] == 0  # the ledger's dump is still `export`


def test_an_export_with_dates_in_the_wrong_order_is_refused_and_writes_nothing(cli: Run) -> None:
    code, out, err = cli(
        "export", "purchases", "--from", "2026-12-31", "--to", "2026-12-01", "--output", "x.csv"
    )
    assert code == 1 and out == "" and not Path("x.csv").exists()
    assert "the period starts on 2026-12-31, after it ends on 2026-12-01" in err
    code, _, err = cli("export", "due", "--from", "2026-13-01", "--to", "2026-12-01")
    assert code == 1 and "is not a date" in err


def test_due_list_settle_and_void_from_the_command_line(cli: Run) -> None:
    code, parts, _ = cli("due", "list", "--json")
    assert [(p["part"], p["amount"], p["settled"]) for p in parts] == [
        ("C-1", "200.00", None),
        ("C-2", "50.00", None),
    ]
    code, done, _ = cli(
        "due", "settle", "C-1", "C-2", "--reference", "INV-9", "--as", "UFIN", "--json"
    )
    assert code == 0 and [d["settlement"] for d in done] == ["S-1", "S-2"]
    assert cli("due", "list")[1].strip() == "nothing is due by other means"
    code, _, err = cli("due", "settle", "C-1", "--reference", "INV-9", "--as", "UFIN")
    assert code == 1 and "C-1 was already settled by INV-9 (S-1)" in err
    code, _, err = cli("due", "settle", "C-1", "--reference", "INV-9", "--as", "UMEM")
    assert code == 1 and "only finance may settle what is due" in err
    code, said, _ = cli("due", "void", "S-1", "--reason", "wrong", "--as", "UFIN")
    assert code == 0 and said.strip() == "settlement S-1 of C-1 voided: €200.00 is due again"
    code, listed, _ = cli("due", "list", "--all", "--project", "prod-eu")
    assert listed.splitlines()[1].endswith("settled by INV-9 (S-2)")
    code, lines, _ = cli("history", "--project", "prod-eu", "--json")
    assert [line["kind"] for line in lines[:3]] == ["unsettled", "settled", "settled"]


def test_the_due_commands_speak_french_at_a_french_terminal(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    _, said, _ = cli("due", "settle", "C-2", "--reference", "INV-9", "--as", "UFIN")
    assert said.strip() == "C-2 réglé\u00a0: 50,00\u00a0€ payé, référence INV-9 (S-1)"
    _, _, err = cli("due", "settle", "C-2", "--reference", "INV-9", "--as", "UFIN")
    assert "C-2 a déjà été réglé par INV-9 (S-1)" in err
    _, said, _ = cli("history", "--project", "prod-eu")
    assert "Réglé par d’autres moyens de paiement" in said


def test_export_json_lists_approvals_as_po_show_does_and_null_for_what_is_missing(
    cli: Run,
) -> None:
    _, data, _ = cli("export", "purchases", "--from", TODAY, "--to", TODAY, "--format", "json")
    (order,) = data["orders"]
    _, shown, _ = cli("po", "show", order["po_number"], "--json")
    assert [set(a) for a in order["approvals"]] == [set(a) for a in shown["approvals"]]
    assert [a["by"] for a in order["approvals"]] == [a["by"] for a in shown["approvals"]]
    assert (order["ovh_order_id"], order["bill_id"], order["close_reason"]) == (None, None, None)
    _, due, _ = cli("export", "due", "--from", TODAY, "--to", TODAY, "--format", "json")
    assert [(p["memo"], p["settlement"], p["settled_at"]) for p in due["parts"]] == [
        (None, None, None),
        (None, None, None),
    ]


def test_json_on_an_export_of_a_period_means_its_json_format(cli: Run) -> None:
    for what in ("purchases", "due"):
        period = ("export", what, "--from", TODAY, "--to", TODAY)
        _, asked, _ = cli(*period, "--format", "json")
        assert cli("--json", *period) == (0, asked, "")
        assert cli(*period, "--json") == (0, asked, "")
        assert cli(*period, "--json", "--format", "json") == (0, asked, "")
    written = cli("--json", "export", "due", "--from", TODAY, "--to", TODAY, "--output", "d")
    assert written == (0, {"output": "d"}, "")
    assert len(json.loads(Path("d").read_text())["parts"]) == 2


def test_json_with_an_explicit_csv_format_on_an_export_is_refused_in_one_line(cli: Run) -> None:
    for what in ("purchases", "due"):
        code, out, err = cli(
            "--json", "export", what, "--from", TODAY, "--to", TODAY, "--format", "csv"
        )
        assert (code, out) == (1, "")
        assert err.strip().splitlines() == [
            "error: --json writes JSON, --format csv writes CSV: choose one"
        ]


def test_the_due_list_of_one_project_names_it_when_nothing_is_due_there(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("project", "add", "dev", "--name", "Dev", "--as", "UADMIN")[0] == 0
    assert cli("due", "list", "--project", "dev")[1].strip() == (
        "nothing is due by other means for Dev"
    )
    assert cli("due", "list", "--project", "dev", "--all")[1].strip() == (
        "nothing is due by other means for Dev"
    )
    assert cli("due", "list")[1].strip() != "nothing is due by other means"
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert cli("due", "list", "--project", "dev")[1].strip() == (
        "rien n’est dû par d’autres moyens pour Dev"
    )
