"""Roles from user ids and Slack user groups: groups are cached, and an unreadable group grants nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.settings import Settings
from bot.slack.app import build_client
from bot.slack.roles import Roles
from bot.slack.standin import Failure, SlackStandIn
from ledger.domain import Role


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    stand_in.usergroups["SFIN"] = ["UGROUPED"]
    yield stand_in
    stand_in.stop()


def roles(standin: SlackStandIn, now: list[float]) -> Roles:
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("x"),
        slack_api_url=standin.api_url,  # type: ignore[call-arg]
        finance_approvers=("UDIRECT", "SFIN"),
        admins=("UADMIN",),
        usergroup_cache_seconds=300,
    )
    return Roles(settings, build_client(settings), clock=lambda: now[0])


def test_user_ids_and_user_group_members_get_their_roles(standin: SlackStandIn) -> None:
    book = roles(standin, [0.0])
    assert book.actor("UDIRECT").roles == frozenset({Role.MEMBER, Role.FINANCE})
    assert book.actor("UGROUPED").roles == frozenset({Role.MEMBER, Role.FINANCE})
    assert book.actor("UADMIN").roles == frozenset({Role.MEMBER, Role.ADMIN})
    assert book.actor("USTRANGER").roles == frozenset({Role.MEMBER})


def test_group_members_are_cached_for_the_configured_time(standin: SlackStandIn) -> None:
    now = [0.0]
    book = roles(standin, now)
    book.actor("UGROUPED")
    book.actor("UOTHER")
    assert len(standin.of("usergroups.users.list")) == 1
    standin.usergroups["SFIN"] = []  # someone left the group
    now[0] = 299.0
    assert Role.FINANCE in book.actor("UGROUPED").roles
    now[0] = 301.0
    assert Role.FINANCE not in book.actor("UGROUPED").roles
    assert len(standin.of("usergroups.users.list")) == 2


def test_a_group_slack_cannot_read_grants_nothing_and_is_asked_again(standin: SlackStandIn) -> None:
    book = roles(standin, [0.0])
    standin.fail("usergroups.users.list", Failure(error="missing_scope"))
    assert Role.FINANCE not in book.actor("UGROUPED").roles
    assert Role.FINANCE in book.actor("UGROUPED").roles  # not cached: read again, now it works
