"""A local stand-in for the OVHcloud API (the paths the bot uses), on loopback.

python-ovh talks to it through `OVH_ENDPOINT=http://127.0.0.1:PORT/1.0`. It checks each
request's signature as OVHcloud does (`$1$` + SHA-1 of secret+consumerKey+METHOD+URL+
body+timestamp) and refuses like it: a wrong signature gets 400 INVALID_SIGNATURE, an
unknown application key 403 INVALID_KEY, an unknown or expired consumer key 403
INVALID_CREDENTIAL. Every answer conforms to the route's response type in OVHcloud's
published schema (../shared/ovh/api-v1-extract.json; tests/ovh/test_standin_conformance.py
holds it to that): a `void` route (redeeming a code, paying an order) answers no body at
all. Paying follows me.json: `payWithRegisteredPaymentMean` refuses a card, bank account
or PayPal without its `paymentMeanId`; `/me/payment/method` lists the account's payment
methods and `/me/order/{id}/pay` pays with one. Tests (and the console) move its state by
hand: deliver or cancel an order, consume or refund credit, queue failures, including a
gateway's HTML page and an answer lost after the request took effect.
"""

from bot.ovh.standin.service import OvhStandIn, demo_ovh
from bot.ovh.standin.state import (
    APP_KEY,
    APP_SECRET,
    CONSUMER_KEY,
    DEMO_SERVICE,
    LACKABLE,
    LEGACY_MEANS,
    MEANS_NEEDING_ID,
    Credit,
    Exchange,
    Failure,
    Order,
    PaymentMethod,
    Project,
)

__all__ = [
    "APP_KEY",
    "APP_SECRET",
    "CONSUMER_KEY",
    "DEMO_SERVICE",
    "LACKABLE",
    "LEGACY_MEANS",
    "MEANS_NEEDING_ID",
    "Credit",
    "Exchange",
    "Failure",
    "Order",
    "OvhStandIn",
    "PaymentMethod",
    "Project",
    "demo_ovh",
]
