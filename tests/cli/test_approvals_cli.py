"""`creditbot po approve` counts approvals as Slack does; `po show` and `po list` say who
approved and what is left; a malformed APPROVAL_TIERS stops the bot at start-up in one line."""

from datetime import datetime

import pytest
from freezegun import freeze_time

from tests.cli.runner import Run, command_line


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setenv("APPROVAL_TIERS", "5000:2,50000:3")
    run = command_line(db_url, monkeypatch, capsys, finance="UFIN,UFIN2,UFIN3")
    assert run("project", "add", "p1", "--name", "P1", "--as", "UADMIN")[0] == 0
    return run


def _buy(cli: Run, amount: str) -> str:
    code, order, err = cli("buy", amount, "--project", "p1", "--as", "UMEM", "--json")
    assert code == 0, err
    return str(order["po"])


@freeze_time("2026-12-06 09:02:00")
def test_po_approve_counts_distinct_approvers_and_says_what_is_left(cli: Run) -> None:
    number = _buy(cli, "6000")
    code, out, err = cli("po", "approve", number, "--as", "UFIN")
    assert code == 0, err
    assert "[pending]" in out
    assert "1 of 2 approvals: UFIN, 6 Dec 2026 10:02; needs 1 more" in out.replace("\u00a0", " ")
    code, out, err = cli("po", "approve", number, "--as", "ufin")
    assert code == 1 and not out and len(err.splitlines()) == 1
    assert f"you already approved {number}; it needs 1 more" in err
    code, out, err = cli("po", "approve", number, "--as", "UFIN2")
    assert code == 0 and "[approved]" in out and "2 of 2 approvals" in out
    assert cli("balance", "--project", "p1", "--json")[1]["credit"] == "6000.00"


def test_po_show_json_has_the_approvals_who_and_when_and_how_many_are_needed(cli: Run) -> None:
    number = _buy(cli, "60000")
    code, shown, _ = cli("po", "show", number, "--json")
    assert code == 0
    assert shown["approvals"] == [] and shown["approvals_needed"] == 3
    assert shown["over_budget"] is None
    cli("po", "approve", number, "--as", "UFIN2")
    cli("po", "approve", number, "--as", "UFIN")
    shown = cli("po", "show", number, "--json")[1]
    assert [a["by"] for a in shown["approvals"]] == ["UFIN2", "UFIN"]
    assert all(datetime.fromisoformat(a["at"]).utcoffset() is not None for a in shown["approvals"])
    assert shown["status"] == "pending" and shown["approvals_needed"] == 3
    code, text, _ = cli("po", "show", number)
    assert code == 0 and "2 of 3 approvals: UFIN2, " in text and "needs 1 more" in text


@pytest.mark.parametrize(("budget", "amount", "tier"), [("1000", "1200", 1), ("5000", "6000", 2)])
def test_po_show_json_says_by_how_much_an_order_is_over_budget_and_needs_one_more(
    cli: Run, budget: str, amount: str, tier: int
) -> None:
    limit = ("--project", "p1", "--amount", budget, "--period", "monthly", "--as", "UFIN")
    assert cli("budget", "set", *limit)[0] == 0
    number = _buy(cli, amount)
    code, shown, _ = cli("po", "show", number, "--json")
    assert code == 0 and shown["status"] == "pending"
    over = f"{int(amount) - int(budget)}.00"
    assert (shown["over_budget"], shown["approvals_needed"]) == (over, tier + 1)
    listed = {row["po"]: row for row in cli("po", "list", "--json")[1]}[number]
    assert (listed["over_budget"], listed["approvals_needed"]) == (over, tier + 1)


def test_po_list_json_has_the_approval_fields_of_every_order(cli: Run) -> None:
    small, large = _buy(cli, "10"), _buy(cli, "6000")
    cli("po", "approve", small, "--as", "UFIN")
    cli("po", "approve", large, "--as", "UFIN3")
    rows = {row["po"]: row for row in cli("po", "list", "--json")[1]}
    assert rows[small]["approvals_needed"] == 1 and [a["by"] for a in rows[small]["approvals"]] == [
        "UFIN"
    ]
    assert rows[large]["approvals_needed"] == 2 and rows[large]["status"] == "pending"
    assert [a["by"] for a in rows[large]["approvals"]] == ["UFIN3"]


def test_po_show_of_an_unknown_order_is_one_line(cli: Run) -> None:
    code, out, err = cli("po", "show", "PO-2026-999999")
    assert code == 1 and not out and "there is no purchase order" in err


@pytest.mark.parametrize(
    ("tiers", "says"),
    [
        ("5000:2,5000:3", "amounts must increase"),
        ("5000:3,50000:2", "must need more approvers"),
        ("5000:0", "from 1 to 10 approvers, not 0"),
        ("5000:two", "AMOUNT:APPROVERS pairs"),
        ("-5000:2", "AMOUNT:APPROVERS pairs"),
        ("5000:2,", "AMOUNT:APPROVERS pairs"),
    ],
)
def test_the_bot_refuses_to_start_with_a_malformed_approval_tiers_in_one_line(
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tiers: str,
    says: str,
) -> None:
    run = command_line(db_url, monkeypatch, capsys)
    monkeypatch.setenv("APPROVAL_TIERS", tiers)
    for command in (("run",), ("po", "list")):
        code, out, err = run(*command)
        assert code == 1 and not out, (command, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert "invalid settings: APPROVAL_TIERS" in err and says in err


def test_an_order_needing_fewer_approvals_than_asked_says_every_approver_must_and_why(
    cli: Run,
) -> None:
    # Finance is UFIN, UFIN2, UFIN3: a 60 000 order over a 100 budget asks 3 + 1 = 4, and
    # its requester UFIN leaves 2 who may approve.
    budget = ("--project", "p1", "--amount", "100", "--period", "yearly")
    assert cli("budget", "set", *budget, "--as", "UFIN")[0] == 0
    code, order, err = cli("buy", "60000", "--project", "p1", "--as", "UFIN", "--json")
    assert code == 0, err
    assert (order["approvals_needed"], order["approvals_asked"]) == (2, 4)
    code, text, _ = cli("po", "show", order["po"])
    said = text.replace("\u00a0", " ")
    assert "one approval more" not in said
    assert "over budget by €59,900.00" in said
    assert (
        "4 approvals asked, but finance has only 2 approvers besides the requester:"
        " every one of them must approve." in said
    )
    code, shown, _ = cli("po", "show", _buy(cli, "10"), "--json")
    assert shown["approvals_asked"] is None
