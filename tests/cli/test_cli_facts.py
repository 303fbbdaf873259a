"""The command line words what the ledger stores as Slack does, from one table per value;
its JSON shows the facts themselves."""

import pytest

from bot import labels
from bot.i18n import translator
from ledger.domain import POStatus
from ledger.orm import ENTRY_KINDS
from tests.cli.runner import Run, command_line
from tests.support import PARIS

FR = translator("fr_FR", PARIS, mentions=False)
EN = translator("en_GB", PARIS, mentions=False)


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    run = command_line(db_url, monkeypatch, capsys)
    assert run("project", "add", "p1", "--name", "P1", "--as", "UADMIN")[0] == 0
    return run


def _in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    # The terminal's language (LC_ALL) or the workspace's, whichever the CLI reads.
    monkeypatch.setenv("CREDITBOT_LOCALE", "fr_FR")
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")


def test_the_command_line_names_a_part_due_by_other_means_as_slack_does(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("charge", "10", "--project", "p1", "--memo", "March", "--as", "UFIN")[0] == 0
    _in_french(monkeypatch)
    code, text, _ = cli("history", "--project", "p1")
    assert code == 0
    assert labels.entry_kind("due", FR) == "Dû par d’autres moyens de paiement"
    assert labels.entry_kind("due", FR) in text and "March" in text


def test_the_command_line_lists_order_states_in_the_readers_words(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("buy", "300", "--project", "p1", "--as", "UMEM")
    _in_french(monkeypatch)
    code, text, _ = cli("po", "list")
    assert code == 0 and f"[{labels.po_status(POStatus.PENDING, FR)}]" in text


@pytest.mark.parametrize("t", [FR, EN], ids=["fr", "en"])
def test_every_entry_kind_and_order_state_has_its_own_words(t: object) -> None:
    assert isinstance(t, type(FR))
    kinds = [labels.entry_kind(kind, t) for kind in (*ENTRY_KINDS, "due")]
    states = [labels.po_status(status, t) for status in POStatus]
    assert len(set(kinds)) == len(kinds) and len(set(states)) == len(states)
    assert not set(kinds) & {*ENTRY_KINDS, "due"}
    if t is FR:
        assert labels.entry_kind("refund", t) == "Remboursé"


def test_history_json_shows_the_facts_and_keeps_its_keys(cli: Run) -> None:
    code, po, _ = cli("buy", "300", "--project", "p1", "--as", "UMEM", "--json")
    cli("po", "approve", po["po"], "--as", "UFIN")
    code, voucher, _ = cli("voucher", "issue", "20", "--as", "UFIN", "--json")
    cli("voucher", "redeem", voucher["code"], "--project", "p1", "--as", "UMEM")
    cli("charge", "10", "--project", "p1", "--memo", "March", "--as", "UFIN")
    code, lines, _ = cli("history", "--project", "p1", "--json")
    assert code == 0
    debit, grant_voucher, grant_po = lines
    assert grant_po["source"] == po["po"] and grant_po["memo"] is None
    assert (grant_po["origin"], grant_po["po_number"]) == ("purchase", po["po"])
    assert grant_voucher["source"] == f"voucher …{voucher['last4']}"
    assert (grant_voucher["origin"], grant_voucher["voucher_last4"]) == (
        "voucher",
        voucher["last4"],
    )
    assert debit["memo"] == "March" and debit["cause"] is None
    assert {"provider_credit_id", "provider_used"} <= set(debit)
    code, balance, _ = cli("balance", "--project", "p1", "--json")
    assert [lot["origin"] for lot in balance["lots"]] == ["voucher", "purchase"]
