"""Which OVHcloud API endpoints have the routes the connector needs. The US API has no
Public Cloud credit routes; kimsufi and soyoustart have no credit order route; OAuth2
service accounts exist for ovh-eu, ovh-ca and ovh-us only (python-ovh knows no token URL
for the others). Each gap is said in one sentence naming the missing API."""

from __future__ import annotations

from ledger.errors import N_, ProviderUnsupported

CREDIT_ROUTE = "/cloud/project/{serviceName}/credit"
CREDIT_ORDER_ROUTE = "/order/cloud/project/{serviceName}/credit"
OAUTH2_ENDPOINTS = ("ovh-eu", "ovh-ca", "ovh-us")
WITHOUT_CREDIT = ("ovh-us",)
WITHOUT_CREDIT_ORDER = ("kimsufi-eu", "kimsufi-ca", "soyoustart-eu", "soyoustart-ca")


def no_credit_api(endpoint: str) -> ProviderUnsupported:
    return ProviderUnsupported(
        N_(
            "OVHcloud's API at {endpoint} has no Public Cloud credit routes (`{route}`): "
            "credit cannot be read or redeemed there"
        ),
        hint=N_("use the ovh-eu or ovh-ca endpoint, where Public Cloud credit is sold"),
        endpoint=endpoint,
        route=CREDIT_ROUTE,
    )


def no_credit_order_api(endpoint: str) -> ProviderUnsupported:
    return ProviderUnsupported(
        N_(
            "OVHcloud's API at {endpoint} has no credit order route (`{route}`): "
            "purchase orders cannot be placed there"
        ),
        hint=N_("use the ovh-eu or ovh-ca endpoint, where Public Cloud credit is sold"),
        endpoint=endpoint,
        route=CREDIT_ORDER_ROUTE,
    )


def no_oauth2(endpoint: str) -> ProviderUnsupported:
    return ProviderUnsupported(
        N_(
            "OAuth2 service accounts (OVH_CLIENT_ID) exist only for ovh-eu, ovh-ca and "
            "ovh-us, not for {endpoint}"
        ),
        hint=N_("use an application key, secret and consumer key there"),
        endpoint=endpoint,
    )


def check_endpoint(endpoint: str, *, oauth2: bool) -> None:
    """Refuse, at start-up, an endpoint the connector cannot work with at all."""
    if oauth2 and endpoint not in OAUTH2_ENDPOINTS and not endpoint.startswith("http"):
        raise no_oauth2(endpoint)
    if endpoint in WITHOUT_CREDIT:
        raise no_credit_api(endpoint)
