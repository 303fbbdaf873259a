"""The one place that builds the database, the ledger, the Slack app, the scheduled run
and its scheduler from Settings.

The Slack runtime, the scheduler and the alerts are imported by the builders that need
them, so an operator command that only reads the ledger starts without them.
"""

from __future__ import annotations

from concurrent.futures import Executor
from functools import cache
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.settings import Settings
from ledger.database import Database
from ledger.domain import Actor, LedgerConfig, Role
from ledger.services import Ledger

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.i18n import Translator
    from bot.jobs.alerts import Alerts, Pacer
    from bot.jobs.ovh_sync import OvhSync
    from bot.ovh.client import OvhProvider
    from bot.slack.deps import Deps
    from ledger.provider import CreditProvider


def ledger_config(settings: Settings) -> LedgerConfig:
    return LedgerConfig(
        timezone=settings.timezone,
        po_max_amount=settings.po_max_amount,
        charge_max_amount=settings.charge_max_amount,
        default_vat_bp=settings.vat_rate_bp,
        voucher_key=settings.voucher_key,
        forecast_window_days=settings.forecast_window_days,
        forecast_rise_days=settings.forecast_rise_days,
        forecast_horizon_days=settings.forecast_horizon_days,
        purchase_lead_days=settings.purchase_lead_days,
        approval_tiers=settings.tiers,
        finance_people=settings.finance_people,
        po_remind_hours=settings.po_remind_hours,
        po_expire_days=settings.po_expire_days,
    )


def build_ledger(settings: Settings, *, upgrade: bool = False) -> Ledger:
    db = Database(settings.database_url)
    if upgrade:
        from ledger import migrate

        migrate.upgrade(db.engine)
    return Ledger(db, ledger_config(settings))


def build_provider(settings: Settings) -> OvhProvider | None:
    """The OVHcloud adapter, when OVH_ENDPOINT is set; None keeps every project in the ledger."""
    if settings.ovh_endpoint is None:
        return None
    from bot.ovh import client as ovh_client
    from bot.ovh.payment import parse_payment_mean

    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None

    client = ovh_client.build_client(
        settings.ovh_endpoint,
        application_key=settings.ovh_application_key,
        application_secret=secret(settings.ovh_application_secret),
        consumer_key=secret(settings.ovh_consumer_key),
        client_id=settings.ovh_client_id,
        client_secret=secret(settings.ovh_client_secret),
    )
    payment = settings.ovh_payment_mean
    return ovh_client.OvhProvider(
        client,
        payment=parse_payment_mean(payment) if payment is not None else None,
        endpoint=settings.ovh_endpoint,
    )


def roles_from_ids(
    settings: Settings, user_id: str, groups_of_user: frozenset[str] = frozenset()
) -> Actor:
    """An actor's roles from the user ids and user-group ids named in the settings."""
    ids = {user_id} | groups_of_user
    roles = {Role.MEMBER}
    if ids & set(settings.finance_approvers):
        roles.add(Role.FINANCE)
    if ids & set(settings.admins):
        roles.add(Role.ADMIN)
    return Actor(user_id, frozenset(roles))


def build_slack(
    settings: Settings,
    ledger: Ledger,
    *,
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
    provider: CreditProvider | None = None,
) -> App:
    """The Bolt app with every listener, over the given ledger (and OVHcloud, when set)."""
    from bot.slack.app import build_app, build_client

    web = client or build_client(settings)
    deps = _deps(settings, ledger, web, provider or build_provider(settings))
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    return build_app(deps, web, signing_secret=secret, listener_executor=listener_executor)


def build_alerts(
    settings: Settings,
    ledger: Ledger,
    *,
    client: WebClient | None = None,
    pacer: Pacer | None = None,
) -> Alerts:
    """The scheduled run: expiry, warnings, forfeitures, the purchase-order digest, told
    through Slack."""
    from bot.i18n import translator
    from bot.jobs.alerts import Alerts
    from bot.slack.app import build_client
    from bot.slack.notifier import SlackNotifier

    workspace = translator(settings.creditbot_locale, settings.timezone)
    web = client or build_client(settings)

    @cache
    def deps() -> Deps:  # built at the first message to a person, or redraw of the Homes
        return _deps(settings, ledger, web, None)

    def person(user_id: str) -> Translator:
        """A person's language; with no token (a dry run) Slack is not asked: the
        workspace's."""
        return deps().locales.of(user_id) if web.token else workspace

    def homes() -> None:
        from bot.slack.home import refresh_finance_homes

        refresh_finance_homes(deps(), web)

    notifier = SlackNotifier(web, workspace, person, homes)
    return Alerts(ledger, settings, notifier, pacer)


def build_ovh_sync(
    settings: Settings,
    ledger: Ledger,
    *,
    client: WebClient | None = None,
    provider: CreditProvider | None = None,
) -> OvhSync | None:
    """The scheduled OVHcloud run, when OVHcloud is configured, told through Slack."""
    provider = provider or build_provider(settings)
    if provider is None:
        return None
    from bot.jobs.ovh_sync import OvhSync
    from bot.slack.app import build_client
    from bot.slack.notifier import SlackOvhNotifier

    web = client or build_client(settings)
    notifier = SlackOvhNotifier(_deps(settings, ledger, web, provider), web)
    return OvhSync(ledger, settings, provider, notifier)


def _deps(
    settings: Settings, ledger: Ledger, web: WebClient, provider: CreditProvider | None
) -> Deps:
    """What every listener and the OVHcloud run share: ledger, settings, roles, languages."""
    from bot.slack.deps import Deps
    from bot.slack.locales import Locales
    from bot.slack.roles import Roles

    return Deps(
        ledger=ledger,
        settings=settings,
        roles=Roles(settings, web),
        locales=Locales(settings, web),
        provider=provider,
    )


def build_job_scheduler(
    settings: Settings, ledger: Ledger, *, blocking: bool = False
) -> BaseScheduler:
    """APScheduler running the scheduled run daily, and once at start-up; the quick run
    every OUTBOX_MINUTES; with OVHcloud, the sync every OVH_SYNC_MINUTES too."""
    from bot.jobs.scheduler import build_scheduler

    sync = build_ovh_sync(settings, ledger)
    alerts = build_alerts(settings, ledger)
    return build_scheduler(
        settings,
        alerts.run,
        blocking=blocking,
        sync_job=sync.run if sync else None,
        outbox_job=alerts.run_outbox,
    )
