"""`CreditProvider` over python-ovh, the official OVHcloud client.

Shapes (from OVHcloud's API schema, /1.0/cloud.json, /1.0/order.json, /1.0/me.json):
`cloud.Credit` {id, description, voucher, bill, products, validity {from, to},
total_credit, used_credit, available_credit}, each amount an `order.Price`
{currencyCode, text, value}; `order.Order` {orderId, url, prices {withoutTax, tax,
withTax}}; `billing.Order` {orderId, date, pdfUrl, url, priceWithoutTax, ...};
`billing.OrderDetail` {domain, description, ...}; `billing.Bill` {billId, orderId, ...}.

Amounts are JSON numbers (`double`): every response is parsed with `parse_float=Decimal`,
so a value goes from its decimal text to minor units without passing through a float, and
one with more decimals than its currency is rounded half-even to the minor unit.

GETs are retried; a POST never is (none of these takes an idempotency key): a POST whose
answer is lost raises `ProviderAnswerLost`, and the ledger looks before it asks again.
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
from bot.ovh.answers import (
    credit_of,
    domain_of,
    ids_of,
    link_of,
    order_id_of,
    order_of,
    past_order_of,
    read,
)
from ledger.clock import as_utc
from ledger.errors import (
    N_,
    LedgerError,
    ProviderAnswerLost,
    ProviderCredentialsRefused,
    ProviderNotFound,
    ProviderRefused,
    ProviderUnavailable,
)
from ledger.provider import PastOrder, Payment, ProviderCredit, ProviderOrder

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


class UndecodableAnswer(ValueError):
    """An answer that is not JSON (a gateway's HTML page), with its HTTP status: python-ovh
    raises `InvalidResponse` for it and keeps this error, while it drops the status."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status} answered with a body that is not JSON")
        self.status = status


class DecimalClient(ovh.Client):  # type: ignore[misc]
    """python-ovh, with JSON numbers read as Decimal rather than float, and the status of an
    answer it cannot decode kept."""

    def raw_call(self, *args: Any, **kwargs: Any) -> requests.Response:
        response: requests.Response = super().raw_call(*args, **kwargs)
        decode = partial(response.json, parse_float=Decimal)

        def json_or_status(**_: Any) -> Any:
            try:
                return decode()
            except ValueError as failure:
                raise UndecodableAnswer(response.status_code) from failure

        response.json = json_or_status  # type: ignore[method-assign]
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


def _undecodable_status(error: ovh_errors.InvalidResponse) -> int | None:
    cause = error.args[1] if len(error.args) > 1 else None
    return cause.status if isinstance(cause, UndecodableAnswer) else None


def _message(error: ovh_errors.APIError) -> str:
    """OVHcloud's own reason, without its query id."""
    text = str(error.args[0]) if error.args else type(error).__name__
    return text.split("\n")[0][:200] or type(error).__name__


class OvhProvider:
    """A read is retried with backoff on 5xx, 429, gateway pages and network failures; a
    POST is never repeated. Any other failure becomes the matching `ProviderError` at once.
    Secrets never appear in a message. `payment` names the registered payment mean that
    pays orders (OVH_PAYMENT_MEAN); without it, the account's default payment method does."""

    def __init__(
        self,
        client: ovh.Client,
        *,
        retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        payment: Payment | None = None,
        endpoint: str | None = None,
    ) -> None:
        self.client = client
        # The endpoint's name (or URL), for sentences about routes it lacks.
        self.endpoint = endpoint or str(getattr(client, "_endpoint", "") or "OVHcloud")
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self.payment = payment

    def _call(self, work: Callable[[], T], what: str, *, repeatable: bool = True) -> T:
        """`repeatable` is False for a POST: after an answer that does not say what happened,
        it raises `ProviderAnswerLost` at once rather than sending the request again."""
        for attempt in range(self.retries + 1):
            status: int | None = None
            try:
                return work()
            except (ovh_errors.HTTPError, ovh_errors.NetworkError) as failure:
                unavailable = LedgerError(N_("OVHcloud could not be reached (`{what}`)"), what=what)
                log.warning("%s: %s", unavailable.message, type(failure).__name__)
            except ovh_errors.InvalidResponse as failure:
                status = _undecodable_status(failure)
                if status is not None and 400 <= status < 500 and status != 429:
                    raise ProviderRefused(
                        N_(
                            "OVHcloud answered `{what}` with HTTP {status} and a page that is not the API's"
                        ),
                        what=what,
                        status=status,
                    ) from failure
                unavailable = LedgerError(
                    N_("OVHcloud is unavailable (`{what}`: HTTP {status})"),
                    what=what,
                    status=status if status is not None else "?",
                )
                log.warning("%s (not JSON: a gateway's page)", unavailable.message)
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
            if not repeatable and status == 429:
                break  # refused before it was carried out: safe to try at the next run
            if not repeatable:
                raise ProviderAnswerLost(
                    N_("OVHcloud's answer to `{what}` was lost: it may have been carried out"),
                    hint=N_("the bot looks at OVHcloud for what it did before asking again"),
                    what=what,
                )
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
            return self._ids(f"/cloud/project/{service}/credit", f"project {service}")
        except ProviderNotFound as missing:
            self._call(lambda: self.client.get(f"/cloud/project/{service}"), f"project {service}")
            raise endpoints.no_credit_api(self.endpoint) from missing

    def _ids(self, path: str, what: str, **query: Any) -> list[int]:
        return read(ids_of, self._call(partial(self.client.get, path, **query), what), what)

    def list_credits(self, service: str) -> list[ProviderCredit]:
        ids = self._credit_ids(service)
        return [
            read(
                credit_of,
                self._call(
                    partial(self.client.get, f"/cloud/project/{service}/credit/{credit_id}"),
                    f"credit {credit_id}",
                ),
                f"credit {credit_id}",
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
                repeatable=False,
            )
        except ProviderNotFound as missing:  # no such route here; nothing was ordered
            self._call(lambda: self.client.get(f"/cloud/project/{service}"), f"project {service}")
            raise endpoints.no_credit_order_api(self.endpoint) from missing
        return read(order_of, answer, "order")

    def orders_since(self, since: datetime) -> list[PastOrder]:
        ids = self._ids("/me/order", "orders", **{"date.from": as_utc(since).isoformat()})
        found = []
        for order_id in ids:
            order = self._call(partial(self.client.get, f"/me/order/{order_id}"), "order")
            detail_ids = self._ids(f"/me/order/{order_id}/details", "order details")
            domains = tuple(
                read(
                    domain_of,
                    self._call(
                        partial(self.client.get, f"/me/order/{order_id}/details/{detail_id}"),
                        "order detail",
                    ),
                    "order detail",
                )
                for detail_id in detail_ids
            )
            found.append(read(partial(past_order_of, services=domains), order, "order"))
        return found

    def order_link(self, order_id: int) -> str | None:
        order = self._call(partial(self.client.get, f"/me/order/{order_id}"), "order")
        return read(link_of, order, "order")

    def order_status(self, order_id: int) -> str:
        return str(
            self._call(partial(self.client.get, f"/me/order/{order_id}/status"), "order status")
        )

    def order_of_bill(self, bill_id: str) -> int | None:
        bill = self._call(partial(self.client.get, f"/me/bill/{bill_id}"), f"bill {bill_id}")
        return read(order_id_of, bill, f"bill {bill_id}")

    def bill_link(self, bill_id: str) -> str | None:
        bill = self._call(partial(self.client.get, f"/me/bill/{bill_id}"), f"bill {bill_id}")
        return read(link_of, bill, f"bill {bill_id}")

    def payment_for(self, order_id: int) -> Payment:
        """The payment mean named by the operator, or the account's default payment method
        (me.json: `GET /me/payment/method?default=true`); never merely the first mean."""
        if self.payment is not None:
            return self.payment
        ids = self._ids("/me/payment/method", "payment methods", default=True)
        if not ids:
            raise ProviderRefused(
                N_("the OVHcloud account has no default payment method"),
                hint=N_("choose one in OVHcloud's control panel, or name one in OVH_PAYMENT_MEAN"),
            )
        method_id = ids[0]
        method = self._call(
            partial(self.client.get, f"/me/payment/method/{method_id}"), "payment method"
        )
        kind = read(lambda m: str(m.get("paymentType") or "").strip(), method, "payment method")
        return Payment(f"paymentMethod:{method_id} {kind}".strip()[:80], method_id=method_id)

    def pay_order(self, order_id: int, payment: Payment) -> None:
        if payment.method_id is not None:
            work = partial(
                self.client.post,
                f"/me/order/{order_id}/pay",
                paymentMethod={"id": payment.method_id},
            )
        else:
            mean_id = {} if payment.mean_id is None else {"paymentMeanId": payment.mean_id}
            work = partial(
                self.client.post,
                f"/me/order/{order_id}/payWithRegisteredPaymentMean",
                paymentMean=payment.mean,
                **mean_id,
            )
        self._call(work, "payment", repeatable=False)

    def redeem_code(self, service: str, code: str) -> None:
        self._call(
            lambda: self.client.post(f"/cloud/project/{service}/credit", code=code),
            "voucher",
            repeatable=False,
        )
