"""Every setting, read once from the environment (and an optional .env file)."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.ovh.endpoints import check_endpoint
from bot.ovh.payment import parse_payment_mean
from ledger import approval_tiers as tier_rules
from ledger.clock import zone
from ledger.errors import LedgerError
from ledger.money import parse_rate

MIN_SECRET = 32

OVH_ENDPOINTS = (
    "ovh-eu",
    "ovh-ca",
    "ovh-us",
    "kimsufi-eu",
    "kimsufi-ca",
    "soyoustart-eu",
    "soyoustart-ca",
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

CommaList = Annotated[tuple[str, ...], NoDecode]


def _split(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in re.split(r"[,\s]+", value) if part.strip())
    return value


# The ledger stores a user id in 64 characters; Slack's are about 11.
USER_ID = re.compile(r"[UW][A-Z0-9]{1,63}")
USER_GROUP_ID = re.compile(r"S[A-Z0-9]{1,63}")


def slack_user_id(text: str) -> str:
    """A Slack user id in upper case (Slack writes them so), or ValueError."""
    user = text.strip().upper()
    if not USER_ID.fullmatch(user):
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ValueError(f"{shown!r} is not a Slack user id (U… or W…, e.g. U0123ABCD)")
    return user


def _slack_ids(value: tuple[str, ...]) -> tuple[str, ...]:
    """User ids and user-group ids, upper-cased; anything else is refused."""
    ids = tuple(part.upper() for part in value)
    wrong = [part for part in ids if not (USER_ID.fullmatch(part) or USER_GROUP_ID.fullmatch(part))]
    if wrong:
        raise ValueError(f"{', '.join(wrong)}: not a Slack user id (U…, W…) or user-group id (S…)")
    return ids


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    database_url: str = "sqlite:///creditbot.db"
    creditbot_timezone: str = "Europe/Paris"
    po_max_amount: int = Field(default=200_000, ge=1)
    charge_max_amount: int = Field(default=1_000_000, ge=1)
    default_vat_rate: str = "20"
    finance_approvers: CommaList = ()
    # e.g. 5000:2,50000:3 (whole units excl. tax, "at least"); unset: one approval each.
    approval_tiers: str = ""
    admins: CommaList = ()

    creditbot_secret: SecretStr | None = None

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    finance_channel: str | None = None

    alert_time: str = "09:00"
    alert_thresholds_days: CommaList = ("30", "7", "1")
    po_reminder_days: int = Field(default=2, ge=0)
    # Each pending order: a reminder in its finance thread after PO_REMIND_HOURS, then one a
    # day (at most 3); expired after PO_EXPIRE_DAYS.
    po_remind_hours: int = Field(default=24, ge=1, le=24 * 400)
    po_expire_days: int = Field(default=30, ge=1, le=400)
    # The quick run: orders expired, reminders claimed and the outbox delivered this often.
    outbox_minutes: int = Field(default=15, ge=1, le=24 * 60)
    usergroup_cache_seconds: int = Field(default=300, ge=0)
    creditbot_locale: str = "fr_FR"
    forecast_window_days: int = Field(default=30, ge=1, le=365)
    # 0: the burn is the window's average (PRODUCT.md). N: or the last N days' when higher.
    forecast_rise_days: int = Field(default=0, ge=0, le=364)
    forecast_horizon_days: int = Field(default=90, ge=1, le=395)
    purchase_lead_days: int = Field(default=5, ge=0, le=90)
    digest_day: str = "monday"
    metrics_address: str = ""

    ovh_endpoint: str | None = None
    ovh_application_key: str | None = None
    ovh_application_secret: SecretStr | None = None
    ovh_consumer_key: SecretStr | None = None
    ovh_client_id: str | None = None
    ovh_client_secret: SecretStr | None = None
    ovh_sync_minutes: int = Field(default=60, ge=1, le=24 * 60)
    ovh_auto_pay: bool = False
    # Without it, the account's default payment method pays; with it, e.g. creditCard:123.
    ovh_payment_mean: str | None = None

    _split_lists = field_validator(
        "finance_approvers", "admins", "alert_thresholds_days", mode="before"
    )(_split)

    _ids = field_validator("finance_approvers", "admins")(_slack_ids)

    @field_validator("creditbot_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET:
            raise ValueError(
                f"CREDITBOT_SECRET needs at least {MIN_SECRET} characters,"
                " e.g. from `python -c 'import secrets; print(secrets.token_hex(32))'`"
            )
        return value

    @field_validator(
        "creditbot_secret",
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_api_url",
        "finance_channel",
        "ovh_endpoint",
        "ovh_application_key",
        "ovh_application_secret",
        "ovh_consumer_key",
        "ovh_client_id",
        "ovh_client_secret",
        "ovh_payment_mean",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("metrics_address")
    @classmethod
    def _metrics_address(cls, value: str) -> str:
        value = value.strip()
        if value and not re.fullmatch(r"[\w.\-:\[\]]*:[0-9]{1,5}", value):
            raise ValueError("METRICS_ADDRESS is HOST:PORT, e.g. 127.0.0.1:9464, or empty for none")
        return value

    @field_validator("approval_tiers")
    @classmethod
    def _approval_tiers(cls, value: str) -> str:
        try:
            tier_rules.parse(value)
        except LedgerError as exc:
            raise ValueError(exc.message + (f" ({exc.hint})" if exc.hint else "")) from None
        return value.strip()

    @model_validator(mode="after")
    def _tiers_reachable(self) -> Settings:
        tiers = self.tiers
        if tiers and tiers[-1][0] > self.po_max_amount:
            raise ValueError(
                f"APPROVAL_TIERS: no order reaches the tier from {tiers[-1][0]},"
                f" above PO_MAX_AMOUNT ({self.po_max_amount})"
            )
        people = set(self.finance_approvers)
        most = tier_rules.most_needed(tiers)
        if people and all(USER_ID.fullmatch(p) for p in people) and len(people) < most:
            raise ValueError(
                f"APPROVAL_TIERS asks for {most} approvers but FINANCE_APPROVERS names"
                f" {len(people)} (and no user group)"
            )
        return self

    @field_validator("creditbot_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        try:
            language = Locale.parse(value.replace("-", "_")).language
        except (ValueError, UnknownLocaleError) as exc:
            raise ValueError(f"{value!r} is not a locale, e.g. fr_FR or en_GB") from exc
        if language not in ("fr", "en"):
            raise ValueError(f"{value!r}: the bot speaks French or English, e.g. fr_FR or en_GB")
        return value.replace("-", "_")

    @field_validator("creditbot_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zone(value)
        except LedgerError as exc:
            raise ValueError(exc.message) from exc
        return value

    @field_validator("default_vat_rate")
    @classmethod
    def _rate(cls, value: str) -> str:
        try:
            parse_rate(value)
        except LedgerError as exc:
            raise ValueError(exc.message) from exc
        return value

    @field_validator("alert_time")
    @classmethod
    def _alert_time(cls, value: str) -> str:
        try:
            time.fromisoformat(value)
        except ValueError as exc:
            raise ValueError("ALERT_TIME is HH:MM, e.g. 09:00") from exc
        return value

    @field_validator("alert_thresholds_days")
    @classmethod
    def _thresholds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or not all(v.isdigit() and 0 < int(v) <= 400 for v in value):
            raise ValueError(
                "ALERT_THRESHOLDS_DAYS is a list of days between 1 and 400, e.g. 30,7,1"
            )
        return value

    @field_validator("ovh_endpoint")
    @classmethod
    def _ovh_endpoint(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith(("http://", "https://")):
            if not value.rstrip("/").endswith("/1.0"):
                raise ValueError("a full OVH_ENDPOINT URL ends with /1.0")
            return value.rstrip("/")
        if value not in OVH_ENDPOINTS:
            raise ValueError(
                f"OVH_ENDPOINT is one of {', '.join(OVH_ENDPOINTS)}, or an http(s)://…/1.0 URL"
            )
        return value

    @field_validator("ovh_payment_mean")
    @classmethod
    def _ovh_payment_mean(cls, value: str | None) -> str | None:
        if value is not None:
            parse_payment_mean(value)
        return value

    @model_validator(mode="after")
    def _ovh_keys(self) -> Settings:
        if self.ovh_endpoint is None:
            return self
        keys = (self.ovh_application_key, self.ovh_application_secret, self.ovh_consumer_key)
        oauth2 = (self.ovh_client_id, self.ovh_client_secret)
        try:
            check_endpoint(self.ovh_endpoint, oauth2=any(oauth2))
        except LedgerError as unsupported:
            raise ValueError(unsupported.message) from None
        if all(oauth2) and not any(keys):
            if self.ovh_endpoint.startswith(("http://", "https://")):
                raise ValueError("OVH_CLIENT_ID needs OVH_ENDPOINT to be ovh-eu, ovh-ca or ovh-us")
            return self
        if all(keys) and not any(oauth2):
            return self
        raise ValueError(
            "OVH_ENDPOINT needs OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY,"
            " or OVH_CLIENT_ID and OVH_CLIENT_SECRET (not both)"
        )

    @model_validator(mode="after")
    def _expiry_after_reminder(self) -> Settings:
        if self.po_expire_days * 24 <= self.po_remind_hours:
            raise ValueError(
                f"PO_EXPIRE_DAYS ({self.po_expire_days} days) must come after the first reminder"
                f" (PO_REMIND_HOURS, {self.po_remind_hours} hours)"
            )
        return self

    @field_validator("digest_day")
    @classmethod
    def _digest_day(cls, value: str) -> str:
        day = value.strip().casefold()
        if day != "off" and day not in WEEKDAYS:
            raise ValueError("DIGEST_DAY is a day of the week in English, e.g. monday, or off")
        return day

    @property
    def digest_weekday(self) -> int | None:
        """The weekly digest's day (Monday 0), or None when it is off."""
        return None if self.digest_day == "off" else WEEKDAYS.index(self.digest_day)

    @property
    def voucher_key(self) -> bytes | None:
        return self.creditbot_secret.get_secret_value().encode() if self.creditbot_secret else None

    @property
    def tiers(self) -> tier_rules.Tiers:
        return tier_rules.parse(self.approval_tiers)

    @property
    def finance_people(self) -> frozenset[str] | None:
        """The finance approvers, when FINANCE_APPROVERS names people only (no user group)."""
        people = frozenset(self.finance_approvers)
        return people if people and all(USER_ID.fullmatch(p) for p in people) else None

    @property
    def timezone(self) -> ZoneInfo:
        return zone(self.creditbot_timezone)

    @property
    def vat_rate_bp(self) -> int:
        return parse_rate(self.default_vat_rate)

    @property
    def thresholds(self) -> tuple[int, ...]:
        return tuple(sorted({int(v) for v in self.alert_thresholds_days}, reverse=True))

    @property
    def metrics_bind(self) -> tuple[str, int] | None:
        """Where /metrics is served, or None to serve it nowhere."""
        if not self.metrics_address:
            return None
        host, _, port = self.metrics_address.rpartition(":")
        return host.strip("[]") or "0.0.0.0", int(port)  # noqa: S104 - ":PORT" asks for every interface

    @property
    def alert_at(self) -> time:
        return time.fromisoformat(self.alert_time)
