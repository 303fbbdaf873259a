"""The OVHcloud stand-in answers as OVHcloud's published schema says the real API does, so
that what passes against it passes against OVHcloud."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from ovh import exceptions as ovh_errors

from bot.ovh.client import OvhProvider, build_client
from bot.ovh.payment import parse_payment_mean
from bot.ovh.standin import APP_KEY, APP_SECRET, CONSUMER_KEY, OvhStandIn
from ledger.services import Ledger, purchases, vouchers
from ledger.services.linked import sync_project
from ledger.services.ordering import approve_and_order, follow_orders
from tests.ovh.conftest import SERVICE, provider_for
from tests.ovh.schema import extract, problems, route_of
from tests.support import FINANCE, MEMBER, FakeClock, eur

CODE = "OVH-SPRING-2026"


def _exercise_every_route(ovh: OvhStandIn) -> None:
    """Every route of the extract, with the parameters the schema names."""
    client = build_client(
        ovh.url, application_key=APP_KEY, application_secret=APP_SECRET, consumer_key=CONSUMER_KEY
    )
    ovh.add_credit(SERVICE, "100", used="12.5", description="Welcome credit")
    ovh.add_code(CODE, "50", datetime(2027, 1, 31, 23, 0, tzinfo=UTC))
    ovh.add_payment_method("BANK_ACCOUNT", label="FR76 **** 0042")
    project = f"/cloud/project/{SERVICE}"
    client.get(project)
    assert client.post(f"{project}/credit", code=CODE) is None
    for credit_id in client.get(f"{project}/credit"):
        client.get(f"{project}/credit/{credit_id}")
    client.get(f"/order{project}/credit", amount=200)
    first = client.post(f"/order{project}/credit", amount=200)["orderId"]
    second = client.post(f"/order{project}/credit", amount=300)["orderId"]
    for order_id in client.get("/me/order", **{"date.from": "2020-01-01T00:00:00+00:00"}):
        client.get(f"/me/order/{order_id}")
        client.get(f"/me/order/{order_id}/status")
        for detail_id in client.get(f"/me/order/{order_id}/details"):
            client.get(f"/me/order/{order_id}/details/{detail_id}")
        client.get(f"/me/order/{order_id}/availableRegisteredPaymentMean")
    (default,) = client.get("/me/payment/method", default=True)
    for method_id in client.get("/me/payment/method", status="VALID"):
        client.get(f"/me/payment/method/{method_id}")
    assert client.post(f"/me/order/{first}/pay", paymentMethod={"id": default}) is None
    card = ovh.payment_methods[default]
    paid = client.post(
        f"/me/order/{second}/payWithRegisteredPaymentMean",
        paymentMean="creditCard",
        paymentMeanId=card.mean_id,
    )
    assert paid is None
    ovh.deliver(first)
    for bill_id in client.get("/me/bill", orderId=first):
        client.get(f"/me/bill/{bill_id}")


def test_every_answer_the_standin_gives_conforms_to_ovhclouds_published_schema(
    ovh: OvhStandIn,
) -> None:
    _exercise_every_route(ovh)
    answered = set()
    for exchange in ovh.exchanges:
        if exchange.path == "/auth/time":
            continue  # python-ovh's clock check, outside the API's schema
        route = route_of(exchange.method, exchange.path)
        assert route is not None, f"{exchange.method} {exchange.path} is not in the schema"
        assert 200 <= exchange.status < 300, (exchange.path, exchange.payload)
        answered.add((route["method"], route["path"]))
        where = f"{exchange.method} {exchange.path}"
        if route["response"] == "void":
            assert exchange.payload == b"" and exchange.content_type is None, where
        else:
            answer = json.loads(exchange.payload)
            assert problems(answer, route["response"], where) == []
        assert _parameter_problems(route, exchange.query, exchange.body) == []
    every = {(route["method"], route["path"]) for route in extract()["routes"]}
    assert every - answered == set()


def _parameter_problems(route: dict[str, object], query: dict[str, str], body: object) -> list[str]:
    parameters = route["parameters"]
    assert isinstance(parameters, list)
    by_place: dict[str, dict[str, dict[str, object]]] = {"query": {}, "body": {}}
    for parameter in parameters:
        if parameter["paramType"] in by_place:
            by_place[parameter["paramType"]][parameter["name"]] = parameter
    sent = {"query": dict(query), "body": dict(body) if isinstance(body, dict) else {}}
    found = []
    for place, names in by_place.items():
        found += [f"{place} {name}: not a parameter" for name in sent[place] if name not in names]
        found += [
            f"{place} {name}: missing"
            for name, parameter in names.items()
            if parameter["required"] and name not in sent[place]
        ]
        found += [
            problem
            for name, value in sent[place].items()
            if name in names and place == "body"
            for problem in problems(_plain(value), str(names[name]["dataType"]), name)
        ]
    return found


def _plain(value: object) -> object:
    """A body as python-ovh sent it, read back without the stand-in's Decimals."""
    return json.loads(json.dumps(value, default=float))


def test_a_card_is_not_paid_with_the_registered_mean_without_its_id(ovh: OvhStandIn) -> None:
    client = build_client(
        ovh.url, application_key=APP_KEY, application_secret=APP_SECRET, consumer_key=CONSUMER_KEY
    )
    order = client.post(f"/order/cloud/project/{SERVICE}/credit", amount=100)["orderId"]
    with pytest.raises(ovh_errors.BadParametersError, match="paymentMeanId"):
        client.post(f"/me/order/{order}/payWithRegisteredPaymentMean", paymentMean="creditCard")
    assert ovh.orders[order].status == "notPaid"


def test_a_gateway_page_reaches_python_ovh_as_an_undecodable_answer(ovh: OvhStandIn) -> None:
    from bot.ovh.standin import Failure

    client = build_client(
        ovh.url, application_key=APP_KEY, application_secret=APP_SECRET, consumer_key=CONSUMER_KEY
    )
    ovh.fail(r"/cloud/project/.*", Failure(502, html=True))
    with pytest.raises(ovh_errors.InvalidResponse):
        client.get(f"/cloud/project/{SERVICE}")


def test_every_request_the_connector_sends_uses_the_routes_parameters_and_gets_a_conforming_answer(
    ledger: Ledger, linked: str, ovh: OvhStandIn, provider: OvhProvider, clock: FakeClock
) -> None:
    ovh.add_credit(SERVICE, "100", used="10.005")
    ovh.add_code(CODE, "50", datetime(2027, 1, 31, 23, 0, tzinfo=UTC))
    vouchers.redeem_voucher(ledger, MEMBER, CODE, linked, provider)
    first = purchases.request_purchase(ledger, MEMBER, linked, eur("100")).number
    approve_and_order(ledger, provider, FINANCE, first, pay=True)
    named = provider_for(ovh)
    named.payment = parse_payment_mean(
        f"creditCard:{next(iter(ovh.payment_methods.values())).mean_id}"
    )
    second = purchases.request_purchase(ledger, MEMBER, linked, eur("200")).number
    approve_and_order(ledger, named, FINANCE, second, pay=True)
    provider.orders_since(clock() - timedelta(days=1))
    for order_id in list(ovh.orders):
        ovh.deliver(order_id)
    follow_orders(ledger, provider)
    sync_project(ledger, provider, linked)
    sent = [e for e in ovh.exchanges if e.path != "/auth/time"]
    assert {(e.method, e.path.split("/")[-1]) for e in sent if e.method == "POST"} >= {
        ("POST", "credit"),
        ("POST", "pay"),
        ("POST", "payWithRegisteredPaymentMean"),
    }
    for exchange in sent:
        route = route_of(exchange.method, exchange.path)
        assert route is not None, f"{exchange.method} {exchange.path} is not in the schema"
        assert _parameter_problems(route, exchange.query, exchange.body) == []
        if route["response"] != "void":
            answer = json.loads(exchange.payload)
            assert problems(answer, route["response"], exchange.path) == []
