"""Endpoints without the routes the connector needs are refused in one sentence naming the
missing credit API, at start-up or at link; a 404 on the credit list of a project that
exists is no "OVHcloud has no project"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from bot.composition import build_provider
from bot.ovh.client import build_client
from bot.ovh.standin import OvhStandIn
from bot.settings import Settings
from ledger.errors import ProviderUnsupported
from ledger.services import Ledger, purchases
from ledger.services.linked import link_of, link_project, sync_project
from ledger.services.ordering import approve_and_order
from tests.ovh.conftest import SERVICE, provider_for
from tests.support import ADMIN, FINANCE, MEMBER, FakeClock, eur


def _settings(**ovh: str) -> Settings:
    return Settings(_env_file=None, **ovh)  # type: ignore[call-arg]


def test_the_us_endpoint_is_refused_at_start_up_naming_the_missing_credit_api() -> None:
    with pytest.raises(ValidationError, match="Public Cloud credit"):
        _settings(
            ovh_endpoint="ovh-us",
            ovh_application_key="k",
            ovh_application_secret="s",
            ovh_consumer_key="c",
        )
    with pytest.raises(ProviderUnsupported, match=r"/cloud/project/\{serviceName\}/credit"):
        build_client("ovh-us", application_key="k", application_secret="s", consumer_key="c")


def test_oauth2_on_kimsufi_is_refused_in_one_sentence_instead_of_crashing() -> None:
    with pytest.raises(ValidationError, match="OAuth2"):
        _settings(ovh_endpoint="kimsufi-eu", ovh_client_id="id", ovh_client_secret="secret")
    with pytest.raises(ProviderUnsupported, match="ovh-eu, ovh-ca and ovh-us"):
        build_client("kimsufi-eu", client_id="id", client_secret="secret")


def test_a_named_endpoint_without_the_credit_order_route_is_refused_at_link(
    ledger: Ledger, project: str
) -> None:
    settings = _settings(
        ovh_endpoint="soyoustart-eu",
        ovh_application_key="k",
        ovh_application_secret="s",
        ovh_consumer_key="c",
    )
    provider = build_provider(settings)
    assert provider is not None
    with pytest.raises(ProviderUnsupported, match="credit order"):
        link_project(ledger, provider, ADMIN, project, SERVICE)
    assert link_of(ledger, project) is None


@pytest.fixture
def lacking_order(clock: FakeClock) -> Iterator[OvhStandIn]:
    standin = OvhStandIn(lacking=("credit-order",)).start()
    standin.now = clock
    standin.add_project(SERVICE)
    yield standin
    standin.stop()


@pytest.fixture
def lacking_credit(clock: FakeClock) -> Iterator[OvhStandIn]:
    standin = OvhStandIn(lacking=("credit",)).start()
    standin.now = clock
    standin.add_project(SERVICE)
    yield standin
    standin.stop()


def test_an_api_without_the_credit_order_route_is_refused_at_link_naming_it(
    ledger: Ledger, project: str, lacking_order: OvhStandIn
) -> None:
    with pytest.raises(ProviderUnsupported, match="credit order") as refused:
        link_project(ledger, provider_for(lacking_order), ADMIN, project, SERVICE)
    assert "/order/cloud/project/{serviceName}/credit" in refused.value.message
    assert link_of(ledger, project) is None
    assert lacking_order.count("POST", ".*") == 0


def test_a_404_on_the_credit_list_of_an_existing_project_is_not_no_such_project(
    ledger: Ledger, project: str, ovh: OvhStandIn, lacking_credit: OvhStandIn
) -> None:
    link_project(ledger, provider_for(ovh), ADMIN, project, SERVICE)
    report = sync_project(ledger, provider_for(lacking_credit), project)
    assert isinstance(report.error, ProviderUnsupported), report.error
    assert "Public Cloud credit" in report.error.message
    link = link_of(ledger, project)
    assert link is not None and link.failure_kind == "unsupported"


def test_an_order_where_the_credit_order_route_is_missing_names_the_missing_api(
    ledger: Ledger, linked: str, lacking_order: OvhStandIn
) -> None:
    number = purchases.request_purchase(ledger, MEMBER, linked, eur("100")).number
    po = approve_and_order(ledger, provider_for(lacking_order), FINANCE, number)
    assert po.provider is not None and po.provider.error is not None
    assert "credit order route" in po.provider.error
    assert lacking_order.count("POST", "/order/.*") == 1
