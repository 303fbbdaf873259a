"""`/credit …`: acknowledged at once, then read, run against the ledger, and answered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import chart, forecast_words, refusals
from bot.budget_words import use_line
from bot.i18n import Translator
from bot.slack import (
    accounting_commands,
    autopilot_commands,
    budget_commands,
    home,
    notify,
    ovh_commands,
    wording,
)
from bot.slack.blocks.balance import balance_message, history_message
from bot.slack.blocks.charges import charge_news, charge_result
from bot.slack.blocks.common import Message, error_message, text_message
from bot.slack.blocks.forecast import chart_sent, forecast_message
from bot.slack.blocks.help import help_message
from bot.slack.blocks.modals import buy_modal
from bot.slack.blocks.ovh import linked_text, sync_line
from bot.slack.blocks.projects import channel_linked, no_project, project_added, project_list
from bot.slack.blocks.purchase_orders import pending_list, po_cancelled, po_requested
from bot.slack.blocks.vouchers import voucher_issued, voucher_redeemed
from bot.slack.deps import Deps, guarded, request_id
from bot.slack.formatting import unescape
from bot.slack.grammar import (
    MAX_TEXT,
    Projects,
    amount_project_memo,
    amount_then_project,
    code_then_project,
    words_of,
)
from ledger.amounts import parse_amount
from ledger.clock import parse_day
from ledger.domain import Actor, Balance, POStatus, ProjectView, Role
from ledger.errors import N_, InvalidInput
from ledger.money import Money, is_currency
from ledger.services import (
    billing,
    linked,
    projects,
    purchases,
    reading,
    screens,
    vouchers,
)
from ledger.services.screens import Choice

# French words for the sub-commands; `/credit aide` shows them to French readers.
ALIASES = {
    "aide": "help",
    "solde": "balance",
    "historique": "history",
    "prevision": "forecast",
    "prévision": "forecast",
    "graphique": "chart",
    "acheter": "buy",
    "annuler": "cancel",
    "utiliser": "redeem",
    "en-attente": "pending",
    "facturer": "charge",
    "bon": "voucher",
    "projet": "project",
    # the second words
    "émettre": "issue",
    "emettre": "issue",
    "ajouter": "add",
    "lier": "link",
    "liste": "list",
    "jusqu'au": "until",
    "jusqu\u2019au": "until",
}

# A command that names a project, for the reply to a command that needs one and has none.
EXAMPLES = {
    "balance": N_("`/credit balance prod-eu`"),
    "history": N_("`/credit history prod-eu`"),
    "forecast": N_("`/credit forecast prod-eu`"),
    "chart": N_("`/credit chart prod-eu`"),
    "buy": N_("`/credit buy 500 prod-eu`"),
    "redeem": N_("`/credit redeem ABCD-EFGH-JKMN-PQRS prod-eu`"),
    "charge": N_("`/credit charge 120,50 prod-eu`"),
    "voucher": N_("`/credit voucher issue 50 prod-eu`"),
    "autopilot": autopilot_commands.EXAMPLE,
}


def word(text: str) -> str:
    """A command word in English, whichever language it was typed in."""
    folded = text.casefold()
    return ALIASES.get(folded, folded)


class Invocation:
    """One /credit request, with what every sub-command needs."""

    def __init__(
        self, deps: Deps, body: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        self.deps = deps
        self.body = body
        self.client = client
        self.respond = respond
        self.channel_id = str(body.get("channel_id", ""))
        self.words = words_of(unescape(str(body.get("text", ""))))
        self.verb = word(self.words[0]) if self.words else "help"
        self.actor: Actor = deps.roles.actor(str(body.get("user_id", "")))
        self._projects: Projects | None = None
        self._t: Translator | None = None

    @property
    def t(self) -> Translator:
        """The caller's language."""
        if self._t is None:
            self._t = self.deps.locales.of(self.actor.user_id)
        return self._t

    @property
    def projects(self) -> Projects:
        if self._projects is None:
            example = EXAMPLES.get(self.verb, EXAMPLES["balance"])
            self._projects = self.deps.projects(self.channel_id, example)
        return self._projects

    def choose(self, words: Sequence[str]) -> Choice:
        """The project named by all of `words`, or the channel's, chosen within a screen's
        one read (so the projects are not read on their own first)."""
        example = EXAMPLES.get(self.verb, EXAMPLES["balance"])
        return lambda here, everyone: Projects(everyone, here, example).exactly(words)

    def reply(self, message: Message) -> None:
        self.respond(**message.as_kwargs(), response_type="ephemeral")

    def money(self, text: str, project: ProjectView) -> Money:
        return parse_amount(text, project.currency)


def _help(inv: Invocation, args: list[str]) -> None:
    inv.reply(help_message(inv.actor.roles, inv.t))


def _balance(inv: Invocation, args: list[str]) -> None:
    screen = screens.balance_screen(inv.deps.ledger, inv.channel_id, inv.choose(args))
    seen, link = screen.forecast, screen.link  # the lots now, their outlook, the link
    view = Balance(seen.project, seen.at, seen.lots)
    outlook = forecast_words.balance_outlook(seen, inv.t)
    synced = (
        sync_line(link, inv.deps.ledger.now(), inv.deps.settings.ovh_sync_minutes, inv.t)
        if link
        else None
    )
    budget = use_line(screen.budget, inv.t) if screen.budget else None
    inv.reply(balance_message(view, inv.t, outlook, synced, budget))


def _forecast(inv: Invocation, args: list[str]) -> None:
    screen = screens.forecast_screen(inv.deps.ledger, inv.channel_id, inv.choose(args))
    budget = use_line(screen.budget, inv.t) if screen.budget else None
    inv.reply(forecast_message(screen.forecast, inv.t, budget))


def _chart(inv: Invocation, args: list[str]) -> None:
    project = inv.projects.exactly(args)
    png = chart.draw(inv.deps.ledger, project.id, inv.t)
    user = inv.actor.user_id
    dm = inv.client.conversations_open(users=user)["channel"]["id"]
    inv.client.files_upload_v2(
        channel=dm,
        content=png,
        filename=f"credit-{project.id}.png",
        title=inv.t.say("{project}: credit", project=project.name),
        alt_txt=inv.t.say(
            "Balance of {project} over the last 90 days and its projection",
            project=project.name,
        ),
    )
    inv.reply(chart_sent(project.name, inv.t))


def _history(inv: Invocation, args: list[str]) -> None:
    project = inv.projects.exactly(args)
    lines = reading.history(inv.deps.ledger, project.id)
    inv.reply(history_message(project, lines, inv.t))


def _buy(inv: Invocation, args: list[str]) -> None:
    named = inv.projects.named(args)
    if not args or named is not None:
        if not inv.projects.all:  # a form with nothing to choose from: say how to add one
            inv.reply(no_project(inv.t))
            return
        selected = named or inv.projects.channel_project
        view = buy_modal(
            selected,
            inv.channel_id,
            selected.currency if selected else "EUR",
            inv.t,
        )
        inv.client.views_open(trigger_id=inv.body["trigger_id"], view=view)
        return
    amount, project = amount_then_project(inv.projects, args, inv.money)
    po = purchases.request_purchase(
        inv.deps.ledger, inv.actor, project.id, amount, request=request_id(inv.body)
    )
    announced = (
        po.announcement is not None
        if po.repeated
        else notify.announce_purchase_order(inv.deps, inv.client, po)
    )
    inv.reply(po_requested(po, inv.t, announced=announced))


def _cancel(inv: Invocation, args: list[str]) -> None:
    if len(args) != 1:
        raise InvalidInput(
            N_("say which purchase order to cancel"),
            hint=N_("for example `/credit cancel PO-2026-000042`"),
        )
    po = purchases.cancel_purchase(inv.deps.ledger, inv.actor, args[0])
    inv.reply(po_cancelled(po.number, inv.t))
    notify.refresh_announcement(inv.deps, inv.client, po)
    home.refresh_finance_homes(inv.deps, inv.client)


def _redeem(inv: Invocation, args: list[str]) -> None:
    code, project = code_then_project(inv.projects, args)
    redeemed = vouchers.redeem_voucher(
        inv.deps.ledger, inv.actor, code, project.id, inv.deps.provider
    )
    inv.reply(voucher_redeemed(redeemed, inv.t))
    news = voucher_redeemed(redeemed, inv.deps.workspace, who=inv.actor.user_id)
    notify.to_project_channels(inv.client, redeemed.project, news)


def _pending(inv: Invocation, args: list[str]) -> None:
    inv.actor.require(Role.FINANCE, N_("see pending purchase orders"))
    orders = purchases.list_purchase_orders(inv.deps.ledger, POStatus.PENDING)
    inv.reply(pending_list(orders, inv.t, drawn_at=inv.deps.ledger.now()))


def _charge(inv: Invocation, args: list[str]) -> None:
    inv.actor.require(Role.FINANCE, N_("charge bills"))
    amount, project, memo = amount_project_memo(inv.projects, args, inv.money)
    key = request_id(inv.body) or f"slack:{inv.body.get('response_url')}"
    result = billing.charge(inv.deps.ledger, inv.actor, project.id, amount, key, memo or None)
    inv.reply(charge_result(result, inv.t))
    if not result.repeated:
        news = charge_news(result, inv.actor.user_id, inv.deps.workspace)
        notify.to_project_channels(inv.client, result.project, news)


def _voucher(inv: Invocation, args: list[str]) -> None:
    if not args or word(args[0]) != "issue":
        raise InvalidInput(
            N_(
                "vouchers are issued with `/credit voucher issue AMOUNT [until YYYY-MM-DD] [PROJECT]`"
            )
        )
    inv.actor.require(Role.FINANCE, N_("issue vouchers"))
    until, rest = _until(args[1:])
    # The amount and the project, in either order, around or after the day.
    amount_words, named = inv.projects.split_suffix(rest)
    if named is None:
        named, amount_words = inv.projects.split_prefix(rest)
    # A named project binds the voucher to it; otherwise the channel's project only sets the currency.
    sets_currency = named or inv.projects.channel_project
    currency = sets_currency.currency if sets_currency else "EUR"
    amount = parse_amount(" ".join(amount_words), currency)
    issued = vouchers.issue_voucher(
        inv.deps.ledger,
        inv.actor,
        amount,
        until,
        named.id if named else None,
        request=request_id(inv.body),
    )
    inv.reply(voucher_issued(issued, inv.t))
    if not issued.repeated:
        notify.announce_voucher(inv.deps, inv.client, issued)


def _until(words: list[str]) -> tuple[date | None, list[str]]:
    """`until YYYY-MM-DD` wherever it stands among the words, and the words without it."""
    lowered = [word(w) for w in words]
    if "until" not in lowered:
        return None, words
    at = lowered.index("until")
    if at + 1 >= len(words):
        raise InvalidInput(N_("until which day?"), hint=N_("write it as YYYY-MM-DD"))
    return parse_day(words[at + 1]), words[:at] + words[at + 2 :]


def _project(inv: Invocation, args: list[str]) -> None:
    sub = word(args[0]) if args else "list"
    rest = args[1:]
    if sub == "list":
        inv.reply(project_list(projects.list_projects(inv.deps.ledger), inv.t))
    elif sub == "add":
        if len(rest) < 2:
            raise InvalidInput(
                N_("a project needs an id and a name"),
                hint=N_("`/credit project add prod-eu Prod EU [EUR]`"),
            )
        currency = "EUR"
        name_words = rest[1:]
        # A last word written like a code (USD, XXX: checked) or that is a currency in any
        # case (usd, Eur) is the currency.
        last = name_words[-1]
        coded = len(last) == 3 and last.isalpha() and last.isupper()
        if len(name_words) > 1 and (coded or is_currency(last)):
            currency, name_words = last.upper(), name_words[:-1]
        view = projects.add_project(
            inv.deps.ledger,
            inv.actor,
            rest[0],
            " ".join(name_words),
            currency,
            request=request_id(inv.body),
        )
        inv.reply(project_added(view, inv.t))
    elif sub == "link":
        if len(rest) != 1:
            raise InvalidInput(N_("say which project"), hint=N_("`/credit project link prod-eu`"))
        linked_channel = projects.link_channel(inv.deps.ledger, inv.actor, rest[0], inv.channel_id)
        inv.reply(channel_linked(linked_channel, inv.t))
    elif sub == "ovh":
        if len(rest) != 2:
            raise InvalidInput(
                N_("say which project and which OVHcloud project"),
                hint=N_("`/credit project ovh prod-eu SERVICE_NAME`"),
            )
        if inv.deps.provider is None:
            raise refusals.ovh_not_configured(N_("an operator sets up OVHcloud's keys"))
        report = linked.link_project(
            inv.deps.ledger, inv.deps.provider, inv.actor, rest[0], rest[1]
        )
        name = projects.get_project(inv.deps.ledger, report.project).name
        inv.reply(text_message(linked_text(report, inv.t, name)))
    else:
        inv.reply(error_message(wording.unknown_command(f"project {args[0]}", inv.t)))


VERBS: dict[str, Callable[[Invocation, list[str]], None]] = {
    "help": _help,
    "balance": _balance,
    "history": _history,
    "forecast": _forecast,
    "chart": _chart,
    "buy": _buy,
    "cancel": _cancel,
    "redeem": _redeem,
    "pending": _pending,
    "charge": _charge,
    "voucher": _voucher,
    "project": _project,
    "reconcile": ovh_commands.reconcile_view,
    "reorder": ovh_commands.reorder_po,
    "close": ovh_commands.close_po,
    "budget": budget_commands.budget,
    "export": accounting_commands.export_month,
    "due": accounting_commands.due_list,
    "autopilot": autopilot_commands.autopilot_command,
}
ALIASES.update(ovh_commands.ALIASES)
ALIASES.update(accounting_commands.ALIASES)
ALIASES.update(autopilot_commands.ALIASES)


def register(app: App, deps: Deps) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    @guarded(deps)
    def run(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = str(body.get("text", ""))
        inv = Invocation(deps, body, respond, client)
        if len(text) > MAX_TEXT:
            inv.reply(error_message(wording.too_long(inv.t)))
            return
        handler = VERBS.get(inv.verb)
        if handler is None:
            inv.reply(error_message(wording.unknown_command(inv.words[0][:40], inv.t)))
            return
        handler(inv, inv.words[1:])

    app.command("/credit")(ack=acknowledge, lazy=[run])
