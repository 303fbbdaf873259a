"""`CreditProvider` over python-ovh, the official OVHcloud client.

Shapes (from OVHcloud's API schema, /1.0/cloud.json, /1.0/order.json, /1.0/me.json):
`cloud.Credit` {id, description, voucher, bill, products, validity {from, to},
total_credit, used_credit, available_credit}, each amount an `order.Price`
{currencyCode, text, value}; `order.Order` {orderId, url, prices {withoutTax, tax,
withTax}}; `billing.Order` {orderId, date, pdfUrl, url, priceWithoutTax, ...};
`billing.OrderDetail` {domain, description, ...}; `billing.Bill` {billId, orderId, ...}.

Amounts are JSON numbers: every response is parsed with `parse_float=Decimal`, so a value
goes from its decimal text to minor units without passing through a float.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

import ovh
import requests
from ovh import exceptions as ovh_errors

from bot.ovh import endpoints
from ledger.clock import as_utc
from ledger.errors import (
    N_,
    LedgerError,
    ProviderCredentialsRefused,
    ProviderNotFound,
    ProviderRefused,
    ProviderUnavailable,
)
from ledger.money import Money, normalise_currency
from ledger.provider import PastOrder, ProviderCredit, ProviderOrder

log = logging.getLogger("creditbot.ovh")

T = TypeVar("T")

CREDENTIALS = (
    ovh_errors.InvalidKey,
    ovh_errors.InvalidCredential,
    ovh_errors.NotCredential,
    ovh_errors.NotGrantedCall,
    ovh_errors.Forbidden,
    ovh_errors.InvalidConfiguration,
    ovh_errors.OAuth2FailureError,
)
# OVHcloud answers a request signed with a wrong secret with 400 INVALID_SIGNATURE.
SIGNATURE_REFUSED = "INVALID_SIGNATURE"
CREDENTIALS_REFUSED = N_("OVHcloud refused the API credentials")


class DecimalClient(ovh.Client):  # type: ignore[misc]
    """python-ovh, with JSON numbers read as Decimal rather than float."""

    def raw_call(self, *args: Any, **kwargs: Any) -> requests.Response:
        response: requests.Response = super().raw_call(*args, **kwargs)
        response.json = partial(response.json, parse_float=Decimal)  # type: ignore[method-assign]
        return response


def build_client(
    endpoint: str,
    *,
    application_key: str | None = None,
    application_secret: str | None = None,
    consumer_key: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    timeout: float = 30,
) -> ovh.Client:
    """An endpoint name (`ovh-eu`, `ovh-ca`, `ovh-us`) or a full `http(s)://…/1.0` base URL,
    for a proxy or a local stand-in. OAuth2 service accounts need an endpoint name: the
    token URL is known only for those."""
    is_url = endpoint.startswith(("http://", "https://"))
    endpoints.check_endpoint(endpoint, oauth2=bool(client_id))
    if is_url and client_id:
        raise ProviderCredentialsRefused(
            N_("OVH_CLIENT_ID needs OVH_ENDPOINT to be ovh-eu, ovh-ca or ovh-us")
        )
    if client_id:
        return DecimalClient(
            endpoint=endpoint, client_id=client_id, client_secret=client_secret, timeout=timeout
        )
    client = DecimalClient(
        endpoint="ovh-eu" if is_url else endpoint,
        application_key=application_key,
        application_secret=application_secret,
        consumer_key=consumer_key,
        timeout=timeout,
    )
    if is_url:
        # python-ovh 1.2 knows only endpoint names; its requests go to `_endpoint` + path.
        client._endpoint = endpoint.rstrip("/")
    return client


def _status(error: ovh_errors.APIError) -> int | None:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None)


def _error_code(error: ovh_errors.APIError) -> str | None:
    response = getattr(error, "response", None)
    if response is None:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("errorCode") if isinstance(body, dict) else None


def _message(error: ovh_errors.APIError) -> str:
    """OVHcloud's own reason, without its query id."""
    text = str(error.args[0]) if error.args else type(error).__name__
    return text.split("\n")[0][:200] or type(error).__name__


class OvhProvider:
    """Every call retried with backoff on 5xx, 429 and network failures; any other failure
    becomes the matching `ProviderError` at once. Secrets never appear in a message."""

    def __init__(
        self,
        client: ovh.Client,
        *,
        retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        endpoint: str | None = None,
    ) -> None:
        self.client = client
        # The endpoint's name (or URL), for sentences about routes it lacks.
        self.endpoint = endpoint or str(getattr(client, "_endpoint", "") or "OVHcloud")
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep

    def _call(self, work: Callable[[], T], what: str) -> T:
        for attempt in range(self.retries + 1):
            try:
                return work()
            except (ovh_errors.HTTPError, ovh_errors.NetworkError) as failure:
                unavailable = LedgerError(N_("OVHcloud could not be reached (`{what}`)"), what=what)
                log.warning("%s: %s", unavailable.message, type(failure).__name__)
            except CREDENTIALS as failure:
                raise ProviderCredentialsRefused(
                    CREDENTIALS_REFUSED, hint=N_("check the OVH_* keys and their rights")
                ) from failure
            except ovh_errors.ResourceNotFoundError as failure:
                raise ProviderNotFound(
                    N_("OVHcloud has no `{what}`: {reason}"), what=what, reason=_message(failure)
                ) from failure
            except ovh_errors.APIError as failure:
                status = _status(failure)
                if status == 400 and _error_code(failure) == SIGNATURE_REFUSED:
                    raise ProviderCredentialsRefused(
                        CREDENTIALS_REFUSED, hint=N_("check OVH_APPLICATION_SECRET")
                    ) from failure
                if status in (401, 403):
                    raise ProviderCredentialsRefused(CREDENTIALS_REFUSED) from failure
                if status is None or not (status == 429 or status >= 500):
                    raise ProviderRefused(
                        N_("OVHcloud refused: {reason}"), reason=_message(failure)
                    ) from failure
                unavailable = LedgerError(
                    N_("OVHcloud is unavailable (`{what}`: HTTP {status})"),
                    what=what,
                    status=status,
                )
                log.warning("%s", unavailable.message)
            if attempt < self.retries:
                self._sleep(self.backoff * 2**attempt)
        raise ProviderUnavailable(
            unavailable.template,
            hint=N_("the next sync tries again"),
            **unavailable.params,
        )

    # The port, verb by verb.

    def check_project(self, service: str) -> None:
        """The project exists, and this endpoint has the credit routes: its credit list, and
        the credit order route (asked for a price, which orders nothing)."""
        if self.endpoint in endpoints.WITHOUT_CREDIT_ORDER:
            raise endpoints.no_credit_order_api(self.endpoint)
        self._call(lambda: self.client.get(f"/cloud/project/{service}"), f"project {service}")
        self._credit_ids(service)
        try:
            self._call(
                lambda: self.client.get(f"/order/cloud/project/{service}/credit", amount=1),
                "credit order",
            )
        except ProviderNotFound as missing:
            raise endpoints.no_credit_order_api(self.endpoint) from missing
        except ProviderRefused:
            pass  # the route exists; it only disliked the probe's amount

    def _credit_ids(self, service: str) -> list[int]:
        """The project's credit ids; a 404 while the project exists means the endpoint has
        no credit routes, not that the project is gone."""
        try:
            ids: list[int] = self._call(
                lambda: self.client.get(f"/cloud/project/{service}/credit"), f"project {service}"
            )
        except ProviderNotFound as missing:
            self._call(lambda: self.client.get(f"/cloud/project/{service}"), f"project {service}")
            raise endpoints.no_credit_api(self.endpoint) from missing
        return ids

    def list_credits(self, service: str) -> list[ProviderCredit]:
        ids = self._credit_ids(service)
        return [
            credit_of(
                self._call(
                    partial(self.client.get, f"/cloud/project/{service}/credit/{credit_id}"),
                    f"credit {credit_id}",
                )
            )
            for credit_id in ids
        ]

    def order_credit(self, service: str, amount: int) -> ProviderOrder:
        if self.endpoint in endpoints.WITHOUT_CREDIT_ORDER:
            raise endpoints.no_credit_order_api(self.endpoint)
        try:
            answer = self._call(
                lambda: self.client.post(f"/order/cloud/project/{service}/credit", amount=amount),
                "order",
            )
        except ProviderNotFound as missing:  # no such route here; nothing was ordered
            self._call(lambda: self.client.get(f"/cloud/project/{service}"), f"project {service}")
            raise endpoints.no_credit_order_api(self.endpoint) from missing
        return order_of(answer)

    def orders_since(self, since: datetime) -> list[PastOrder]:
        ids = self._call(
            lambda: self.client.get("/me/order", **{"date.from": as_utc(since).isoformat()}),
            "orders",
        )
        found = []
        for order_id in ids:
            order = self._call(partial(self.client.get, f"/me/order/{order_id}"), "order")
            detail_ids = self._call(
                partial(self.client.get, f"/me/order/{order_id}/details"), "order details"
            )
            domains = tuple(
                str(
                    self._call(
                        partial(self.client.get, f"/me/order/{order_id}/details/{detail_id}"),
                        "order detail",
                    ).get("domain")
                    or ""
                )
                for detail_id in detail_ids
            )
            found.append(
                PastOrder(
                    int(order["orderId"]),
                    _instant(order.get("date")),
                    price_of(order["priceWithoutTax"]),
                    domains,
                )
            )
        return found

    def order_link(self, order_id: int) -> str | None:
        order = self._call(partial(self.client.get, f"/me/order/{order_id}"), "order")
        link = order.get("pdfUrl") or order.get("url")
        return str(link) if link else None

    def order_status(self, order_id: int) -> str:
        return str(
            self._call(partial(self.client.get, f"/me/order/{order_id}/status"), "order status")
        )

    def order_of_bill(self, bill_id: str) -> int | None:
        bill = self._call(partial(self.client.get, f"/me/bill/{bill_id}"), f"bill {bill_id}")
        order_id = bill.get("orderId")
        return int(order_id) if order_id is not None else None

    def pay_order(self, order_id: int) -> None:
        means = self._call(
            partial(self.client.get, f"/me/order/{order_id}/availableRegisteredPaymentMean"),
            "payment means",
        )
        if not means:
            raise ProviderRefused(N_("the account has no registered payment means"))
        self._call(
            partial(
                self.client.post,
                f"/me/order/{order_id}/payWithRegisteredPaymentMean",
                paymentMean=means[0]["paymentMean"],
            ),
            "payment",
        )

    def redeem_code(self, service: str, code: str) -> ProviderCredit:
        answer = self._call(
            lambda: self.client.post(f"/cloud/project/{service}/credit", code=code), "voucher"
        )
        return credit_of(answer)


def price_of(price: dict[str, Any]) -> Money:
    """An `order.Price` as Money, exactly: its value was parsed as a Decimal."""
    value = price["value"]
    decimal = value if isinstance(value, Decimal) else Decimal(str(value))
    return Money.from_decimal(decimal, normalise_currency(str(price["currencyCode"])))


def _instant(text: Any) -> datetime | None:
    if not text:
        return None
    parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return as_utc(parsed) if parsed.tzinfo else None


def credit_of(data: dict[str, Any]) -> ProviderCredit:
    validity = data.get("validity") or {}
    return ProviderCredit(
        id=int(data["id"]),
        description=data.get("description"),
        voucher=data.get("voucher"),
        bill=data.get("bill"),
        total=price_of(data["total_credit"]),
        used=price_of(data["used_credit"]),
        available=price_of(data["available_credit"]),
        valid_from=_instant(validity.get("from")),
        valid_to=_instant(validity.get("to")),
    )


def order_of(data: dict[str, Any]) -> ProviderOrder:
    prices = data["prices"]
    order_id = data.get("orderId")
    return ProviderOrder(
        order_id=int(order_id) if order_id is not None else None,
        url=data.get("url"),
        excl_tax=price_of(prices["withoutTax"]),
        tax=price_of(prices["tax"]),
        incl_tax=price_of(prices["withTax"]),
    )
