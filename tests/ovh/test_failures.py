from __future__ import annotations

import pytest

from bot.ovh.client import CREDENTIALS_REFUSED, OvhProvider, build_client
from bot.ovh.standin import APP_SECRET, CONSUMER_KEY, Failure, OvhStandIn
from ledger.errors import (
    CurrencyMismatch,
    ProviderCredentialsRefused,
    ProviderNotFound,
    ProviderUnavailable,
)
from ledger.services import Ledger, reading
from ledger.services.linked import claim_failure_notice, link_of, link_project, sync_project
from ledger.services.projects import add_project
from tests.ovh.conftest import SERVICE, provider_for
from tests.support import ADMIN

REFUSALS = {
    "a wrong signature (400 INVALID_SIGNATURE)": {"application_secret": "not-the-secret"},
    "an unknown application key (403 INVALID_KEY)": {"application_key": "unknown-app"},
    "an unknown consumer key (403 INVALID_CREDENTIAL)": {"consumer_key": "expired-consumer"},
}


@pytest.mark.parametrize("keys", REFUSALS.values(), ids=REFUSALS.keys())
def test_every_refusal_of_the_keys_becomes_the_same_credentials_notice(
    ledger: Ledger, linked: str, ovh: OvhStandIn, keys: dict[str, str]
) -> None:
    ovh.add_credit(SERVICE, "100")
    report = sync_project(ledger, provider_for(ovh, **keys), linked)
    assert isinstance(report.error, ProviderCredentialsRefused)
    assert report.error.message == CREDENTIALS_REFUSED
    assert reading.balance(ledger, linked).lots == ()
    link = link_of(ledger, linked)
    assert link is not None and link.failure_kind == "credentials"
    assert APP_SECRET not in str(report.error) and CONSUMER_KEY not in str(report.error)


def test_the_standin_verifies_python_ovhs_real_signature(ovh: OvhStandIn) -> None:
    client = build_client(
        ovh.url,
        application_key="standin-application-key",
        application_secret=APP_SECRET,
        consumer_key=CONSUMER_KEY,
    )
    assert client.get(f"/cloud/project/{SERVICE}/credit") == []
    import ovh as python_ovh

    wrong = build_client(
        ovh.url,
        application_key="standin-application-key",
        application_secret="x",
        consumer_key=CONSUMER_KEY,
    )
    with pytest.raises(python_ovh.exceptions.BadParametersError):
        wrong.get(f"/cloud/project/{SERVICE}/credit")


def test_finance_is_told_once_per_failure_kind_until_it_recovers(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    refused = provider_for(ovh, consumer_key="expired")
    sync_project(ledger, refused, linked)
    assert claim_failure_notice(ledger, linked) is not None
    sync_project(ledger, refused, linked)
    assert claim_failure_notice(ledger, linked) is None
    # The project itself is gone: its credit list and the project both answer 404.
    ovh.fail(
        rf"/cloud/project/{SERVICE}(/credit)?",
        *[Failure(404, message="This service does not exist")] * 2,
    )
    sync_project(ledger, provider, linked)
    gone = claim_failure_notice(ledger, linked)
    assert gone is not None and gone.failure_kind == "gone"
    assert sync_project(ledger, provider, linked).error is None
    sync_project(ledger, refused, linked)
    assert claim_failure_notice(ledger, linked) is not None


def test_5xx_429_and_timeouts_are_retried_within_the_run(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    ovh.add_credit(SERVICE, "100")
    ovh.fail(rf"/cloud/project/{SERVICE}/credit", Failure(500), Failure(429))
    ovh.fail(rf"/cloud/project/{SERVICE}/credit/\d+", Failure(502))
    report = sync_project(ledger, provider, linked)
    assert report.error is None and report.entries_posted == 1

    slow = OvhProvider(
        build_client(
            ovh.url,
            application_key="standin-application-key",
            application_secret=APP_SECRET,
            consumer_key=CONSUMER_KEY,
            timeout=0.2,
        ),
        retries=1,
        backoff=0,
        sleep=lambda _: None,
    )
    ovh.fail(rf"/cloud/project/{SERVICE}/credit", Failure(0, delay=1.0))
    assert sync_project(ledger, slow, linked).error is None


def test_an_outage_past_the_retries_leaves_the_ledger_untouched_for_the_next_run(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    credit = ovh.add_credit(SERVICE, "100")
    sync_project(ledger, provider, linked)
    ovh.consume(SERVICE, credit.id, "30")
    ovh.fail(rf"/cloud/project/{SERVICE}/credit/\d+", *[Failure(503)] * 3)
    report = sync_project(ledger, provider, linked)
    assert isinstance(report.error, ProviderUnavailable)
    assert reading.balance(ledger, linked).available.minor == 10000
    link = link_of(ledger, linked)
    assert link is not None and link.failure_kind == "unavailable"
    assert claim_failure_notice(ledger, linked) is None
    assert sync_project(ledger, provider, linked).error is None
    assert reading.balance(ledger, linked).available.minor == 7000


def test_linking_refuses_a_project_ovhcloud_does_not_have_with_its_reason(
    ledger: Ledger, project: str, provider: OvhProvider
) -> None:
    with pytest.raises(ProviderNotFound, match="This service does not exist"):
        link_project(ledger, provider, ADMIN, project, "ffffffffffffffffffffffffffffffff")
    assert link_of(ledger, project) is None


def test_linking_refuses_a_project_whose_currency_differs(
    ledger: Ledger, ovh: OvhStandIn, provider: OvhProvider
) -> None:
    add_project(ledger, ADMIN, "us-east", "US East", "USD")
    ovh.add_credit(SERVICE, "10")
    with pytest.raises(CurrencyMismatch, match="USD"):
        link_project(ledger, provider, ADMIN, "us-east", SERVICE)
    assert link_of(ledger, "us-east") is None


@pytest.mark.parametrize(
    "failure",
    [
        Failure(401, message="You must login first"),
        Failure(403, "NOT_GRANTED_CALL", "This call has not been granted"),
        Failure(403, "NOT_CREDENTIAL", "This credential is not valid"),
    ],
    ids=["401", "403 not granted", "403 not credential"],
)
def test_expired_or_insufficient_keys_are_a_credentials_failure(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, failure: Failure
) -> None:
    ovh.fail(rf"/cloud/project/{SERVICE}/credit", failure)
    report = sync_project(ledger, provider, linked)
    assert isinstance(report.error, ProviderCredentialsRefused)
    assert claim_failure_notice(ledger, linked) is not None
