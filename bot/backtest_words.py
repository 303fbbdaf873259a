"""The backtest's words: its table, its verdict and what each policy does, shared by the
command line and the chart (as `forecast_words` is for the forecast)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.i18n import Translator
from ledger.backtest import PolicyReport, Usage
from ledger.money import Money
from ledger.services.backtest import ReplayRules


def table(outcomes: Sequence[PolicyReport], usage: Usage, rules: ReplayRules, t: Translator) -> str:
    """The backtest's table: one row per policy, amounts in the series' currency, then
    what the autopilot lost against the best baseline."""
    header = [
        t.gettext("policy"),
        t.gettext("bought"),
        t.gettext("orders"),
        t.gettext("consumed"),
        t.gettext("paid by credit"),
        t.gettext("due otherwise"),
        t.gettext("expired"),
        t.gettext("remaining"),
        t.gettext("expired %"),
        t.gettext("due %"),
        t.gettext("days short"),
    ]
    rows = [header] + [
        [
            o.policy,
            t.money(Money(o.bought, o.currency)),
            str(o.orders),
            *(
                t.money(Money(value, o.currency))
                for value in (o.consumed, o.paid_by_credit, o.due_other, o.expired, o.remaining)
            ),
            t.percent(o.expired_pct, 2),
            t.percent(o.due_pct, 2),
            str(o.days_short),
        ]
        for o in outcomes
    ]
    widths = [max(len(row[n]) for row in rows) for n in range(len(header))]
    table = [
        "  ".join(
            cell.ljust(width) if n == 0 else cell.rjust(width)
            for n, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    lines = [
        t.say_n(
            "usage from {first} to {last}: {days} day, {total} in all",
            "usage from {first} to {last}: {days} days, {total} in all",
            len(usage.amounts),
            first=t.date(usage.first),
            last=t.date(usage.last),
            days=len(usage.amounts),
            total=t.money(Money(usage.total, usage.currency)),
        ),
        t.say(
            "cover {cover}, lead {lead}, approval and delivery {approval}",
            cover=_days(rules.cover_days, t),
            lead=_days(rules.lead_days, t),
            approval=_days(rules.approval_days, t),
        ),
        *_burn(rules, t),
        "",
        *table,
    ]
    verdict = _backtest_verdict(outcomes, t)
    if verdict:
        lines += ["", verdict]
    return "\n".join(lines)


def _backtest_verdict(outcomes: Sequence[PolicyReport], t: Translator) -> str | None:
    """Expired credit plus bills the credit did not pay: the autopilot's against the best
    baseline's."""
    ours = next((o for o in outcomes if o.policy == "autopilot"), None)
    others = [o for o in outcomes if o.policy != "autopilot"]
    if ours is None or not others:
        return None
    best = min(others, key=lambda o: (o.lost, o.orders))

    def share(o: PolicyReport) -> str:
        return t.percent(Decimal(100 * o.lost) / o.consumed if o.consumed else 0, 2)

    return t.say(
        "lost to expiry or paid otherwise: autopilot {ours} ({ours_pct} of usage, {orders}); "
        "best other policy, {policy}: {theirs} ({theirs_pct}, {their_orders})",
        ours=t.money(Money(ours.lost, ours.currency)),
        ours_pct=share(ours),
        orders=_orders(ours.orders, t),
        policy=best.policy,
        theirs=t.money(Money(best.lost, best.currency)),
        theirs_pct=share(best),
        their_orders=_orders(best.orders, t),
    )


def _days(n: int, t: Translator) -> str:
    return t.say_n("{n} day", "{n} days", n)


def _orders(n: int, t: Translator) -> str:
    return t.say_n("{n} order", "{n} orders", n)


def policy(policy: str, t: Translator) -> str:
    """What a backtest's purchasing policy does, after its name (`threshold`…)."""
    labels = {
        "autopilot": t.gettext("orders drafted from the forecast, on time, for what will be used"),
        "threshold": t.gettext("auto-recharge: below 30 days of usage, buy back up to 90"),
        "yearly": t.gettext("a year of usage bought once a year"),
        "when_empty": t.gettext("90 days of usage bought once the balance is zero"),
        "none": t.gettext("no purchase after the first"),
    }
    return labels[policy]


def panel_title(name: str, t: Translator) -> str:
    """A chart panel's title: the policy's name, then what it does."""
    return t.say("{policy}: {what}", policy=name, what=policy(name, t))


def _burn(rules: ReplayRules, t: Translator) -> list[str]:
    """The daily spend the replay's forecast uses, when it is not PRODUCT.md's alone."""
    if not 0 < rules.rise_days < rules.window_days:
        return []
    return [
        t.say(
            "daily spend: the {window}-day average, or the last {rise} days' when higher",
            window=rules.window_days,
            rise=rules.rise_days,
        )
    ]
