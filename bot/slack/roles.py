"""Who may do what: user ids and Slack user groups from the settings, groups cached a few minutes."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.settings import Settings
from ledger.domain import Actor, Role

log = logging.getLogger(__name__)


class Roles:
    def __init__(
        self, settings: Settings, client: WebClient, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._finance = set(settings.finance_approvers)
        self._admins = set(settings.admins)
        self._client = client
        self._ttl = settings.usergroup_cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def _members(self, group_id: str) -> frozenset[str]:
        now = self._clock()
        with self._lock:
            cached = self._cache.get(group_id)
            if cached and cached[0] > now:
                return cached[1]
        try:
            users: list[str] = self._client.usergroups_users_list(usergroup=group_id).get(
                "users", []
            )
            members = frozenset(str(u) for u in users)
        except SlackApiError as exc:
            # Fail closed: an unreadable group grants nothing, and is asked again next time.
            log.warning("cannot read user group %s: %s", group_id, exc.response.get("error"))
            return frozenset()
        with self._lock:
            self._cache[group_id] = (now + self._ttl, members)
        return members

    def _holds(self, user_id: str, names: set[str]) -> bool:
        if user_id in names:
            return True
        return any(user_id in self._members(name) for name in names if name.startswith("S"))

    def finance_users(self) -> set[str]:
        """Every finance approver by user id: those named, and the members of named groups."""
        users = {name for name in self._finance if not name.startswith("S")}
        for name in self._finance:
            if name.startswith("S"):
                users |= self._members(name)
        return users

    def actor(self, user_id: str) -> Actor:
        roles = {Role.MEMBER}
        if self._holds(user_id, self._finance):
            roles.add(Role.FINANCE)
        if self._holds(user_id, self._admins):
            roles.add(Role.ADMIN)
        return Actor(user_id, frozenset(roles))
