"""What a new user reads: one voice, no doubled words, no internal names, the right day."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from bot.composition import build_slack
from bot.console import help_text
from bot.i18n import translator
from bot.jobs.alerts import Report
from bot.settings import Settings
from bot.slack.blocks import notices
from ledger.domain import LotKind, LotView
from ledger.facts import LotSource
from ledger.money import Money
from ledger.services import Ledger
from ledger.services.projects import list_projects
from tests.slack.inprocess import Bot, bot_in_process, plain
from tests.support import PARIS

EN = translator("en_GB", PARIS)


def setup(bot: Bot) -> None:
    bot.command("UADMIN", "project add prod-eu Prod EU")
    bot.command("UADMIN", "project link prod-eu", channel="CPROD")


def refusal(bot: Bot, user: str, text: str, channel: str = "CPROD") -> str:
    return plain(bot.command(user, text, channel=channel))


def test_a_voucher_lot_is_named_once_not_voucher_voucher(ledger: Ledger) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        setup(bot)
        issued = plain(bot.command("UFIN", "voucher issue 50", channel="CPROD"))
        code = issued.rsplit(" ", 1)[1]
        bot.command("UMEM", f"redeem {code}", channel="CPROD")
        balance = str(bot.command("UMEM", "balance", channel="CPROD").params["blocks"])
        charged = str(bot.command("UFIN", "charge 20", channel="CPROD").params["blocks"])
    assert f"*Voucher …{code[-4:]}*" in balance
    assert f"from voucher …{code[-4:]}" in charged.replace("\\xa0", " ")
    assert "voucher voucher" not in (balance + charged).casefold()


def test_a_word_that_is_no_amount_is_called_so_not_an_unknown_currency(ledger: Ledger) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        setup(bot)
        said = refusal(bot, "UMEM", "buy abc")
    assert "'abc' is not an amount I can read" in said and "currency" not in said


def test_the_purchase_range_is_written_in_whole_units_without_cents(ledger: Ledger) -> None:
    with bot_in_process(ledger, "fr_FR", UMEM="fr-FR") as bot:
        setup(bot)
        said = refusal(bot, "UMEM", "acheter 200 001")
    assert "Un achat est compris entre 1 € et 200 000 €." in said


def test_people_are_mentioned_not_shown_as_raw_ids(ledger: Ledger) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        setup(bot)
        bot.command("UMEM", "buy 100", channel="CPROD")
        said = refusal(bot, "UOTHER", "cancel PO-2026-000001")
    assert "Only <@UMEM>, who requested PO-2026-000001, may cancel it." in said


def test_no_setting_name_is_shown_to_people(ledger: Ledger) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        setup(bot)
        finance = refusal(bot, "UMEM", "charge 5")
        admin = refusal(bot, "UMEM", "project add x X")
    assert "Only finance may charge bills. (ask someone in finance)" in finance
    assert "Only an admin may add projects. (ask an admin)" in admin
    assert not any(s in finance + admin for s in ("FINANCE_APPROVERS", "ADMINS"))


@pytest.mark.parametrize(
    ("command", "example"),
    [
        ("balance", "`/credit balance prod-eu`"),
        ("history", "`/credit history prod-eu`"),
        ("buy 500", "`/credit buy 500 prod-eu`"),
        ("redeem ABCD-EFGH-JKMN-PQRS", "`/credit redeem ABCD-EFGH-JKMN-PQRS prod-eu`"),
        ("charge 120", "`/credit charge 120,50 prod-eu`"),
    ],
)
def test_which_project_hints_at_the_command_that_was_typed(
    ledger: Ledger, command: str, example: str
) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        said = refusal(bot, "UFIN", command, channel="CNOWHERE")
    assert said.startswith(f":no_entry: Which project? Name it in the command ({example})")


def test_history_shows_no_key_the_bot_made_up(ledger: Ledger) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        setup(bot)
        code = plain(bot.command("UFIN", "voucher issue 50", channel="CPROD")).rsplit(" ", 1)[1]
        bot.command("UMEM", f"redeem {code}", channel="CPROD")
        bot.command("UFIN", "charge 5 prod-eu grocery", channel="CPROD")
        history = plain(bot.command("UMEM", "history", channel="CPROD"))
    assert "Spent" in history and "grocery" in history and "slack:" not in history


def test_an_unknown_project_gets_one_hint_whichever_way_it_was_named(ledger: Ledger) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        setup(bot)
        by_words = refusal(bot, "UMEM", "balance nowhere")
        by_ledger = refusal(bot, "UADMIN", "project link nowhere")
    hint = "(`/credit project list` shows the known projects)"
    assert by_words.endswith(f"There is no project 'nowhere'. {hint}")
    assert by_ledger.endswith(f"There is no project 'nowhere'. {hint}")


def test_a_voucher_valid_until_d_is_said_to_have_expired_on_d_plus_one() -> None:
    midnight = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)  # 00:00 on 11 Mar in Paris
    voucher = LotView(
        1,
        LotKind.VOUCHER,
        LotSource.voucher("70ZH"),
        Money(500, "EUR"),
        Money(500, "EUR"),
        midnight,
        midnight,
    )
    lost = notices.forfeiture("P", [(voucher, Money(500, "EUR"))], EN).text
    assert "Voucher …70ZH: €5.00 expired unused on 11 Mar 2026" in lost
    assert "10 Mar" not in lost


def test_counts_take_the_singular_at_one() -> None:
    report = Report(expired=1, claimed=1, posted=1)
    assert report.summary() == (
        "expired 1 lot; claimed 1 notice; posted 1 message; 0 to retry next run; 0 undeliverable"
    )


def test_linking_a_channel_of_another_project_says_which_project_it_left(ledger: Ledger) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        setup(bot)
        bot.command("UADMIN", "project add staging Staging")
        said = plain(bot.command("UADMIN", "project link staging", channel="CPROD"))
        again = plain(bot.command("UADMIN", "project link staging", channel="CPROD"))
    assert said == (
        "This channel now belongs to project *Staging*. It no longer belongs to project `prod-eu`."
    )
    assert again == "This channel now belongs to project *Staging*."


def test_the_console_help_suggests_the_configured_finance_approver_and_channel() -> None:
    said = help_text(EN, "UBOSS", "CMONEY")
    assert ":as UBOSS" in said and ":channel CMONEY" in said and "UFINANCE" not in said


def test_the_app_does_not_warn_that_its_token_is_unused(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    settings = Settings(_env_file=None, slack_bot_token=SecretStr("xoxb-from-the-environment"))  # type: ignore[call-arg]
    with caplog.at_level(logging.DEBUG):
        build_slack(settings, ledger)
    assert not [r for r in caplog.records if "will be unused" in r.getMessage()]


def test_slack_escaped_ampersands_and_brackets_are_read_as_typed(ledger: Ledger) -> None:
    with bot_in_process(ledger, "en_GB") as bot:
        added = plain(bot.command("UADMIN", "project add rnd R&amp;D &lt;lab&gt;"))
        named = plain(bot.command("UMEM", "balance R&amp;D &lt;lab&gt;"))
    assert [p.name for p in list_projects(ledger)] == ["R&D <lab>"]
    assert "*R&amp;D &lt;lab&gt;*" in added  # shown escaped again, as mrkdwn needs
    assert named.startswith("R&amp;D &lt;lab&gt;: €0.00 available")  # the fallback is mrkdwn too
