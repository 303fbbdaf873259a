"""The OVHcloud link as people see it: the finance message, deliveries announced by the
scheduled run, failure notices to finance, the balance's sync line, expiry warnings."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.composition import build_ovh_sync
from bot.i18n import translator
from bot.ovh.client import OvhProvider
from bot.ovh.standin import Failure, OvhStandIn
from bot.settings import Settings
from bot.slack.app import build_client
from bot.slack.blocks import purchase_orders
from bot.slack.blocks.balance import balance_message
from bot.slack.blocks.ovh import sync_line
from bot.slack.standin import SlackStandIn
from ledger.services import Ledger, health, notices, purchases, reading
from ledger.services.linked import link_of, sync_project
from ledger.services.ordering import approve_and_order
from ledger.services.projects import link_channel
from tests.ovh.conftest import SERVICE, provider_for
from tests.support import ADMIN, FINANCE, MEMBER, PARIS, FakeClock, eur


@pytest.fixture
def settings(slack: SlackStandIn) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token="xoxb-test",
        slack_api_url=slack.api_url,
        finance_channel="CFINANCE",
        ovh_sync_minutes=60,
    )


def _texts(slack: SlackStandIn, method: str, channel: str) -> list[str]:
    return [
        json.dumps(call.params)
        for call in slack.of(method)
        if call.params.get("channel") == channel
    ]


def test_the_full_purchase_order_flow_to_delivery_is_told_as_today(
    ledger: Ledger,
    linked: str,
    ovh: OvhStandIn,
    provider: OvhProvider,
    slack: SlackStandIn,
    settings: Settings,
    clock: FakeClock,
) -> None:
    link_channel(ledger, ADMIN, linked, "CPROD")
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("1500")).number
    purchases.record_announcement(ledger, number, "CFINANCE:1.0001")
    po = approve_and_order(ledger, provider, FINANCE, number)
    finance = purchase_orders.po_for_approval(po, translator("en_GB", PARIS))
    shown = json.dumps(finance.blocks)
    assert f"order {po.provider.order_id}" in shown if po.provider else False
    assert "1,800.00" in shown and "format=pdf" in shown

    run = build_ovh_sync(settings, ledger, client=build_client(settings), provider=provider)
    assert run is not None
    assert run.run().delivered == []
    (order,) = ovh.orders.values()
    ovh.deliver(order.id)
    clock.advance(hours=1)
    delivering = run.run()
    assert delivering.delivered == [number]
    assert [r.delivered for r in delivering.reports] == [(number,)]
    assert "; 1 entry posted;" in delivering.summary()  # the delivered credit's grant
    assert any("usable until" in text for text in _texts(slack, "chat.postMessage", "UMEMBER"))
    assert any(number in text for text in _texts(slack, "chat.postMessage", "CPROD"))
    assert any("Delivered by OVHcloud" in text for text in _texts(slack, "chat.update", "CFINANCE"))
    assert run.run().delivered == []
    last = health.health(ledger).runs[health.PROVIDER_SYNC]
    assert last.finished_at is not None and last.outcome and "projects=1;synced=1" in last.outcome


def test_finance_gets_one_notice_per_failure_kind_from_the_scheduled_run(
    ledger: Ledger, linked: str, ovh: OvhStandIn, slack: SlackStandIn, settings: Settings
) -> None:
    refused = provider_for(ovh, consumer_key="revoked")
    run = build_ovh_sync(settings, ledger, client=build_client(settings), provider=refused)
    assert run is not None
    for _ in range(3):
        run.run()
    (notice,) = _texts(slack, "chat.postMessage", "CFINANCE")
    assert "refused the bot" in notice and "revoked" not in notice
    assert "for *Prod EU*" in notice  # the project by its name, not its id


def test_the_balance_says_when_it_was_synced_and_warns_when_stale_or_failed(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    fmt = translator("en_GB", PARIS)
    link = link_of(ledger, linked)
    assert link is not None
    fresh = sync_line(link, clock(), 60, fmt)
    assert "last synced" in fresh and ":warning:" not in fresh
    stale = sync_line(link, clock() + timedelta(hours=3, minutes=1), 60, fmt)
    assert "may be out of date" in stale
    # The project itself is gone: its credit list and the project both answer 404.
    ovh.fail(
        rf"/cloud/project/{SERVICE}(/credit)?",
        *[Failure(404, message="This service does not exist")] * 2,
    )
    sync_project(ledger, provider, linked)
    failed = link_of(ledger, linked)
    assert failed is not None
    assert "This service does not exist" in sync_line(failed, clock(), 60, fmt)
    message = balance_message(reading.balance(ledger, linked), fmt, fresh)
    assert "last synced" in message.text


def test_expiry_warnings_use_ovhclouds_dates(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    link_channel(ledger, ADMIN, linked, "CPROD")
    ovh.add_credit(SERVICE, "90", valid_to=clock() + timedelta(days=6))
    ovh.add_credit(SERVICE, "90", valid_to=clock() + timedelta(days=200))
    sync_project(ledger, provider, linked)
    assert notices.claim_warnings(ledger, (30, 7, 1), "CFINANCE") == 1
    (warning,) = notices.pending(ledger)
    assert warning.threshold == 7 and warning.channel == "CPROD"


def test_the_scheduler_syncs_every_ovh_sync_minutes_from_start_up(
    settings: Settings, ledger: Ledger, ovh: OvhStandIn
) -> None:
    from bot.composition import build_job_scheduler
    from bot.jobs.scheduler import CATCH_UP_JOB, DAILY_JOB, OUTBOX_JOB, OVH_SYNC_JOB

    configured = settings.model_copy(update={**ovh.settings(), "ovh_sync_minutes": 15})
    for _ in range(2):
        scheduler = build_job_scheduler(configured, ledger)
        scheduler.start(paused=True)
        jobs = sorted(job.id for job in scheduler.get_jobs())
        assert jobs == sorted([DAILY_JOB, CATCH_UP_JOB, OUTBOX_JOB, OVH_SYNC_JOB])
        sync = scheduler.get_job(OVH_SYNC_JOB)
        assert sync.trigger.interval == timedelta(minutes=15)
        scheduler.shutdown(wait=False)
    unconfigured = build_job_scheduler(settings, ledger)
    unconfigured.start(paused=True)
    assert OVH_SYNC_JOB not in {job.id for job in unconfigured.get_jobs()}
    unconfigured.shutdown(wait=False)
