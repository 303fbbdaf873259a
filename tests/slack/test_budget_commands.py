"""`/credit budget` in Slack (and so in the console): finance sets, shows and clears a
project's purchase budget in English and in French; members read it; refusals change
nothing; the finance message of an order over budget says so; the balance, the forecast
and the App Home show use / budget; the 80 % and 100 % notices reach finance once."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.composition import build_alerts
from bot.jobs.alerts import Pacer
from bot.slack.standin import Failure
from ledger.orm import Budget, Notice
from ledger.services import Ledger
from ledger.services.budgets import budget_of, set_budget
from ledger.services.projects import add_project, link_channel
from ledger.services.purchases import request_purchase
from tests.slack.inprocess import Bot, block_texts, bot_in_process, plain
from tests.support import (
    ADMIN,
    FINANCE,
    MEMBER,
    FakeClock,
    environment_without_slack,
    eur,
    make_ledger,
)


@pytest.fixture(name="prod")
def prod_fixture(ledger: Ledger, clock: FakeClock) -> str:
    return prod(ledger, clock)


def prod(ledger: Ledger, clock: FakeClock) -> str:
    clock.set(datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    add_project(ledger, ADMIN, "prod-eu", "Prod EU")
    link_channel(ledger, ADMIN, "prod-eu", "CPROD")
    return "prod-eu"


def _stored(ledger: Ledger) -> list[tuple[str, str, int]]:
    with ledger.db.read() as session:
        return [(b.project_id, b.period, b.amount) for b in session.scalars(select(Budget))]


def finance_posts(bot: Bot) -> list[str]:
    return [plain(c) for c in bot.posts("CFINANCE") if c.result.get("ok")]


def test_finance_sets_shows_and_clears_a_budget_in_english(ledger: Ledger, prod: str) -> None:
    with bot_in_process(ledger, "en") as bot:
        said = plain(bot.command("UFIN", "budget set prod-eu 10 000 monthly"))
        assert said.startswith("The budget of *Prod EU* is now €10,000.00 a month.")
        assert "December 2026 budget: €0.00 of €10,000.00 used (0%), €10,000.00 left." in said
        shown = plain(bot.command("UMEMBER", "budget prod-eu"))
        assert "*Prod EU* (`prod-eu`) · €10,000.00 a month" in shown
        assert "Set by <@UFIN> on 6 Dec 2026 10:00." in shown
        assert plain(bot.command("UFIN", "budget clear prod-eu")) == (
            "*Prod EU* has no budget any more (it was €10,000.00 a month)."
        )
        assert "has no budget:" in plain(bot.command("UMEMBER", "budget prod-eu"))
        told = finance_posts(bot)
    assert told == [
        "<@UFIN> set the budget of *Prod EU* to €10,000.00 a month.",
        "<@UFIN> cleared the budget of *Prod EU* (€10,000.00 a month).",
    ]
    assert _stored(ledger) == []


def test_finance_sets_and_clears_a_budget_in_french(ledger: Ledger, prod: str) -> None:
    with bot_in_process(ledger, "fr_FR", UFIN="fr-FR", UMEM="fr-FR") as bot:
        said = plain(bot.command("UFIN", "budget définir prod-eu 30 000 trimestriel"))
        assert said.startswith("Le budget de *Prod EU* est désormais de 30 000,00 € par trimestre.")
        assert "Budget du T4 2026 : 0,00 € utilisés sur 30 000,00 € (0 %)" in said
        assert _stored(ledger) == [("prod-eu", "quarterly", 3_000_000)]
        bot.command("UFIN", "budget definir prod-eu 100 000 annuel")
        assert _stored(ledger) == [("prod-eu", "yearly", 10_000_000)]
        assert "Budget 2026 :" in plain(bot.command("UMEM", "budget", channel="CPROD"))
        assert plain(bot.command("UFIN", "budget effacer prod-eu")).startswith(
            "*Prod EU* n’a plus de budget"
        )
        told = finance_posts(bot)
    assert _stored(ledger) == []
    assert told[0] == "<@UFIN> a fixé le budget de *Prod EU* à 30 000,00 € par trimestre."
    assert told[-1] == "<@UFIN> a effacé le budget de *Prod EU* (100 000,00 € par an)."


def test_finance_sets_and_clears_a_budget_with_fixer_modifier_and_supprimer(
    ledger: Ledger, prod: str
) -> None:
    with bot_in_process(ledger, "fr_FR", UFIN="fr-FR") as bot:
        said = plain(bot.command("UFIN", "budget fixer prod-eu 10000 mensuel"))
        assert said.startswith("Le budget de *Prod EU* est désormais de 10 000,00 € par mois.")
        assert _stored(ledger) == [("prod-eu", "monthly", 1_000_000)]
        bot.command("UFIN", "budget Fixer 20000 mensuel", channel="CPROD")
        assert _stored(ledger) == [("prod-eu", "monthly", 2_000_000)]
        bot.command("UFIN", "budget modifier prod-eu 30000 annuel")
        assert _stored(ledger) == [("prod-eu", "yearly", 3_000_000)]
        assert plain(bot.command("UFIN", "budget supprimer prod-eu")).startswith(
            "*Prod EU* n’a plus de budget"
        )
    assert _stored(ledger) == []


@pytest.mark.parametrize(
    ("locale", "text", "refusal", "usage"),
    [
        (
            "en",
            "budget fix prod-eu 10000 monthly",
            "'fix' is not a budget sub-command.",
            "`/credit budget set PROJECT AMOUNT monthly|quarterly|yearly`",
        ),
        (
            "fr-FR",
            "budget définr prod-eu 10000 mensuel",
            "'définr' n’est pas une sous-commande de budget.",
            "`/credit budget définir PROJET MONTANT mensuel|trimestriel|annuel`",
        ),
        (
            "fr-FR",
            "budget définr 10 000 annuel",
            "'définr' n’est pas une sous-commande de budget.",
            "`/credit budget effacer PROJET`",
        ),
    ],
)
def test_an_unknown_budget_word_before_an_amount_and_a_period_is_refused_with_the_usage(
    ledger: Ledger, prod: str, locale: str, text: str, refusal: str, usage: str
) -> None:
    with bot_in_process(ledger, "en", UFIN=locale) as bot:
        said = plain(bot.command("UFIN", text, channel="CPROD"))
    assert said.startswith(":no_entry:") and refusal in said and usage in said, said
    assert "project" not in said.split(".")[0] and "projet" not in said.split(".")[0]
    assert _stored(ledger) == []


def test_a_project_named_like_a_budget_is_still_shown(ledger: Ledger, prod: str) -> None:
    add_project(ledger, ADMIN, "cost-eu", "Cost EU 2 monthly")
    with bot_in_process(ledger, "en") as bot:
        said = plain(bot.command("UMEMBER", "budget Cost EU 2 monthly"))
    assert "*Cost EU 2 monthly* has no budget" in said, said


@pytest.mark.parametrize(
    ("user", "text", "refusal"),
    [
        ("UMEMBER", "budget set prod-eu 1000 monthly", "Only finance may set budgets."),
        ("UMEMBER", "budget clear prod-eu", "Only finance may clear budgets."),
        ("UFIN", "budget set prod-eu 1000 weekly", "'weekly' is not a budget period."),
        ("UFIN", "budget set prod-eu 0 monthly", "An amount must be more than zero."),
        ("UFIN", "budget set prod-eu -5 monthly", "An amount cannot be negative."),
        ("UFIN", "budget set prod-eu 200 001 yearly", "A budget is at most €200,000"),
        ("UFIN", "budget set prod-eu 10,50 monthly", "A budget is set in whole units."),
        ("UFIN", "budget set prod-eu 100 USD monthly", "counts in EUR, not USD"),
        ("UFIN", "budget set prod-eu monthly", "How much is the budget?"),
        ("UFIN", "budget set monthly", "Say which project, how much"),
        ("UFIN", "budget set prod-eu 1000 monthly extra", "not a budget period"),
        ("UFIN", "budget set nowhere 1000 monthly", "Which project?"),
    ],
)
def test_a_refused_budget_in_slack_says_why_and_changes_nothing(
    ledger: Ledger, prod: str, user: str, text: str, refusal: str
) -> None:
    set_budget(ledger, FINANCE, prod, eur("500"), "monthly")
    before = _stored(ledger)
    with bot_in_process(ledger, "en") as bot:
        said = plain(bot.command(user, text))
    assert said.startswith(":no_entry:") and refusal in said, said
    assert _stored(ledger) == before


def test_clearing_a_project_without_a_budget_is_refused(ledger: Ledger, prod: str) -> None:
    with bot_in_process(ledger, "en") as bot:
        said = plain(bot.command("UFIN", "budget clear prod-eu"))
    assert said.startswith(":no_entry: Project prod-eu has no budget to clear.")


def test_budget_alone_shows_the_channels_budget_or_else_every_budget(
    ledger: Ledger, prod: str
) -> None:
    add_project(ledger, ADMIN, "staging", "Staging")
    set_budget(ledger, FINANCE, prod, eur("500"), "monthly")
    set_budget(ledger, FINANCE, "staging", eur("900"), "yearly")
    with bot_in_process(ledger, "en") as bot:
        everywhere = plain(bot.command("UMEMBER", "budget"))
        here = plain(bot.command("UMEMBER", "budget", channel="CPROD"))
    assert everywhere.startswith("2 budgets") and "Staging" in everywhere
    assert here.startswith("1 budget") and "Staging" not in here


def test_an_order_over_budget_tells_finance_by_how_much_and_that_it_needs_one_more_approval(
    ledger: Ledger, prod: str
) -> None:
    set_budget(ledger, FINANCE, prod, eur("1000"), "monthly")
    with bot_in_process(ledger, "en") as bot:
        reply = plain(bot.command("UMEMBER", "buy 700 prod-eu"))
        over = plain(bot.command("UMEMBER", "buy 500 prod-eu"))
        cards = [c for c in bot.posts("CFINANCE") if plain(c).startswith("PO-")]
    assert "Over budget" not in reply
    assert "Over budget by €200.00: this order needs one approval more." in over
    first, second = cards
    assert "Over budget" not in str(first.params)
    assert any(
        text == ":warning: Over budget by €200.00: this order needs one approval more."
        for text in block_texts(second)
    )
    assert "Over budget by €200.00" in plain(second)


def test_an_order_asking_more_approvals_than_finance_has_says_who_must_approve(
    db_url: str, clock: FakeClock
) -> None:
    """Finance is UFIN alone: an order over budget asks 1 + 1 approvals, one person can
    give one, so the card says what was asked and who must approve, not "one more"."""
    ledger = make_ledger(db_url, clock, finance_people=frozenset({"UFIN"}))
    try:
        prod(ledger, clock)
        set_budget(ledger, FINANCE, "prod-eu", eur("100"), "monthly")
        with bot_in_process(ledger, "en") as bot:
            bot.command("UMEMBER", "buy 500 prod-eu")
            (card,) = [c for c in bot.posts("CFINANCE") if plain(c).startswith("PO-")]
    finally:
        ledger.db.dispose()
    said = " ".join(block_texts(card))
    assert "one approval more" not in said
    assert (
        ":warning: Over budget by €400.00. 2 approvals asked, but finance has only 1 approver"
        " besides the requester, who must approve." in said
    )


def test_the_balance_the_forecast_and_the_app_home_show_use_and_budget(
    ledger: Ledger, prod: str
) -> None:
    set_budget(ledger, FINANCE, prod, eur("1000"), "monthly")
    request_purchase(ledger, MEMBER, prod, eur("250"))
    line = "December 2026 budget: €250.00 of €1,000.00 used (25%), €750.00 left."
    with bot_in_process(ledger, "en") as bot:
        balance = bot.command("UMEMBER", "balance", channel="CPROD")
        forecast = bot.command("UMEMBER", "forecast prod-eu")
        home = bot.open_home("UMEMBER")
    assert line in block_texts(balance) and line in plain(balance)
    assert line in block_texts(forecast) and line in plain(forecast)
    assert line in str(home.params["view"])


def test_a_project_without_a_budget_shows_no_budget_line(ledger: Ledger, prod: str) -> None:
    with bot_in_process(ledger, "en") as bot:
        balance = plain(bot.command("UMEMBER", "balance", channel="CPROD"))
        forecast = plain(bot.command("UMEMBER", "forecast", channel="CPROD"))
    assert "budget" not in balance + forecast


def test_80_and_100_percent_reach_finance_at_once_and_never_again(
    ledger: Ledger, prod: str
) -> None:
    set_budget(ledger, FINANCE, prod, eur("1000"), "monthly")
    with bot_in_process(ledger, "en") as bot:
        bot.command("UMEMBER", "buy 850 prod-eu")
        bot.command("UMEMBER", "buy 100 prod-eu")  # 95 %: nothing new
        bot.command("UMEMBER", "buy 100 prod-eu")  # 105 %
        bot.command("UMEMBER", "buy 100 prod-eu")  # still over: told before
        bot.run_alerts()
        bot.run_alerts()
        told = [text for text in finance_posts(bot) if "% of" in text or "%)" in text]
    assert told == [
        ":warning: *Prod EU* has used €850.00 of its December 2026 budget of €1,000.00 (85%).",
        ":rotating_light: *Prod EU* has used all of its December 2026 budget: €1,050.00 of "
        "€1,000.00 (105%). Each order over it needs one approval more.",
    ]


def test_notices_of_requests_made_in_the_terminal_are_posted_once_by_two_replicas_runs(
    ledger: Ledger, prod: str, db_url: str
) -> None:
    set_budget(ledger, FINANCE, prod, eur("1000"), "monthly")
    request_purchase(ledger, MEMBER, prod, eur("1200"))  # as `creditbot buy` does: no post
    with bot_in_process(ledger, "en") as bot:
        # A second replica: its own engine on the same database, its own scheduler.
        from tests.support import make_ledger

        other_ledger = make_ledger(db_url, FakeClock(ledger.now()))
        other = build_alerts(
            bot.alerts.settings, other_ledger, client=bot.app.client, pacer=Pacer(0)
        )
        reports = [bot.run_alerts(), other.run(), bot.run_alerts(), other.run()]
        other_ledger.db.dispose()
        told = [text for text in finance_posts(bot) if "% of" in text or "%)" in text]
    assert len(told) == 1 and told[0].startswith(":rotating_light: *Prod EU* has used all")
    assert [r.ran for r in reports] == [True] * 4
    with ledger.db.read() as session:
        statuses = dict(
            session.execute(select(Notice.key, Notice.status).where(Notice.kind == "budget")).all()
        )
    assert statuses[f"budget:{prod}:monthly:2026-12-01:100"] == "posted"
    assert statuses[f"budget:{prod}:monthly:2026-12-01:80"] == "dropped"
    assert budget_of(ledger, prod) is not None


@pytest.mark.slow
def test_the_console_runs_the_budget_commands(db_url: str) -> None:
    script = (
        ":as UADMIN\n/credit project add prod-eu Prod EU\n/credit project link prod-eu\n"
        ":as UFINANCE\n/credit budget set prod-eu 1000 monthly\n"
        ":as UMEMBER\n/credit buy 900\n/credit budget\n:quit\n"
    )
    env = environment_without_slack()
    env.update(DATABASE_URL=db_url, FINANCE_APPROVERS="", ADMINS="", DIGEST_DAY="off")
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    out = done.stdout.replace("\u00a0", " ")
    assert done.returncode == 0, done.stderr
    assert "is now €1,000.00 a month" in out
    assert "€900.00 of €1,000.00 used (90%)" in out
    assert "Traceback" not in out + done.stderr


def test_a_budget_notice_whose_post_failed_is_posted_by_the_next_run_exactly_once(
    ledger: Ledger, prod: str
) -> None:
    set_budget(ledger, FINANCE, prod, eur("1000"), "monthly")
    with bot_in_process(ledger, "en") as bot:
        bot.run_alerts()  # the news of the budget set, out of the way
        bot.standin.fail("chat.postMessage", Failure(error="fatal_error"))
        bot.command("UMEMBER", "buy 1200 prod-eu")
        assert [t for t in finance_posts(bot) if "%)" in t] == []
        bot.run_alerts()
        bot.run_alerts()
        told = [t for t in finance_posts(bot) if "%)" in t]
        cards = [t for t in finance_posts(bot) if t.startswith("PO-")]
    assert len(told) == 1 and "(120%)" in told[0]
    assert len(cards) == 1 and "Over budget by €200.00" in cards[0]
