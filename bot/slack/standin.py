"""A local stand-in for Slack's Web API and response URLs, on loopback.

It records every call and answers like Slack does, so the console and the tests
run the real app and listeners without a workspace. Failures (HTTP 500, 429 with
Retry-After, `not_in_channel`) can be queued per method.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

MAX_HOME_BLOCKS = 100
MAX_VIEW_BLOCKS = 100
MAX_OPTIONS = 100


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    result: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0  # seconds before answering; with no status or error, a slow success


class SlackStandIn:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.calls: list[Call] = []
        self.usergroups: dict[str, list[str]] = {}
        self.locales: dict[str, str] = {}  # user id → Slack locale, e.g. "fr-FR"
        self.default_locale = "en-US"  # Slack's own default
        self.socket_url: str | None = None  # what apps.connections.open answers (Socket Mode)
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._holds: dict[str, tuple[int, threading.Event]] = {}
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        self._views = itertools.count(1)
        # View ids key modal submissions in the ledger: unique across stand-ins, like Slack's.
        self._session = secrets.token_hex(4).upper()
        self._files = itertools.count(1)
        self.uploads: dict[str, bytes] = {}  # file id → bytes received at its upload URL
        self._upload_lengths: dict[str, int] = {}
        self.homes: dict[str, dict[str, Any]] = {}  # user id → the Home view last published
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="slack-stand-in", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    def start(self) -> SlackStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, method: str, *failures: Failure) -> None:
        with self._changed:
            self._failures[method].extend(failures)

    def hold(self, method: str, after: int = 0) -> threading.Event:
        """Leave the call of `method` that follows `after` answered ones unanswered (it is
        recorded) until the returned event is set: a request in flight, for crash tests."""
        gate = threading.Event()
        with self._changed:
            self._holds[method] = (after, gate)
        return gate

    def of(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self, predicate: Callable[[list[Call]], bool], timeout: float = 10.0
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.calls):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"stand-in saw {[c.method for c in self.calls]}")
                self._changed.wait(left)
            return list(self.calls)

    def wait_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        self.wait_for(lambda calls: sum(c.method == method for c in calls) >= count, timeout)
        return self.of(method)

    # --- answering -----------------------------------------------------------------------------

    def _answer(
        self, method: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        with self._changed:
            after, gate = self._holds.get(method, (-1, None))
            held = gate is not None and sum(c.method == method for c in self.calls) == after
            if held:
                self.calls.append(Call(method, params, {"held": True}))
                self._changed.notify_all()
        if held and gate is not None:
            gate.wait()
            return 200, {}, self._result(method, params)
        with self._changed:
            queued = self._failures.get(method)
            failure = queued.popleft() if queued else None
        if failure is not None and failure.delay:
            time.sleep(failure.delay)  # a slow Slack, for clients with a timeout
            if failure.status == 200 and failure.error is None:
                failure = None
        with self._changed:
            status, headers = 200, {}
            answer: dict[str, Any] = {"ok": True}
            if failure is not None:
                if failure.retry_after is not None:
                    headers = {"Retry-After": str(failure.retry_after)}
                status = failure.status
                fallback = "internal_error" if status != 200 else "fatal_error"
                answer = {"ok": False, "error": failure.error or fallback}
            elif method != "response":
                answer = self._result(method, params)
            self.calls.append(Call(method, params, answer))
            self._changed.notify_all()
        return status, headers, answer

    def _result(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": "UCREDITBOT",
                "bot_id": "BCREDITBOT",
                "team_id": "TLOCAL",
                "team": "local",
            }
        if method in ("chat.postMessage", "chat.update"):
            ts = str(params.get("ts") or f"{1_700_000_000 + next(self._ts)}.000100")
            return {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "message": {"text": params.get("text", ""), "ts": ts},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1_700_000_000 + next(self._ts)}.000200"}
        if method in ("views.open", "views.update", "views.push"):
            if not _acceptable_view(params.get("view")):
                return {"ok": False, "error": "invalid_arguments"}
            return {
                "ok": True,
                "view": {
                    "id": f"V{self._session}{next(self._views):06d}",
                    **(params.get("view") or {}),
                },
            }
        if method == "views.publish":
            return self._publish(params)
        if method == "conversations.open":
            users = str(params.get("users") or "")
            if not users:
                return {"ok": False, "error": "invalid_arguments"}
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0]}}
        if method == "files.getUploadURLExternal":
            return self._upload_url(params)
        if method == "files.completeUploadExternal":
            return self._complete_upload(params)
        if method == "apps.connections.open":
            if not self.socket_url:
                return {"ok": False, "error": "not_allowed_token_type"}
            return {"ok": True, "url": self.socket_url}
        if method == "users.info":
            user = str(params.get("user", ""))
            found: dict[str, Any] = {"id": user, "name": user.lower(), "tz": "Europe/Paris"}
            if str(params.get("include_locale", "")).lower() in ("1", "true"):
                found["locale"] = self.locales.get(user, self.default_locale)
            return {"ok": True, "user": found}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.usergroups.get(str(params.get("usergroup")), [])}
        return {"ok": True}

    def _publish(self, params: dict[str, Any]) -> dict[str, Any]:
        """views.publish: a Home tab view of at most 100 blocks, for one user."""
        view = params.get("view")
        user = str(params.get("user_id") or "")
        if not user or not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        blocks = view.get("blocks") or []
        if view.get("type") != "home" or len(blocks) > MAX_HOME_BLOCKS:
            return {"ok": False, "error": "invalid_arguments"}
        self.homes[user] = view
        return {"ok": True, "view": {"id": f"V{self._session}{next(self._views):06d}", **view}}

    def _upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        """files.getUploadURLExternal: a file id and where to POST its bytes."""
        length = str(params.get("length") or "")
        if not params.get("filename") or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._files):08d}"
        self._upload_lengths[file_id] = int(length)
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}

    def _complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        """files.completeUploadExternal: every file uploaded whole, then shared."""
        try:
            files = json.loads(str(params.get("files") or "[]"))
        except json.JSONDecodeError:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        shared = []
        for item in files:
            file_id = str(item.get("id") if isinstance(item, dict) else "")
            data = self.uploads.get(file_id)
            if data is None or len(data) != self._upload_lengths.get(file_id):
                return {"ok": False, "error": "file_not_found"}
            shared.append({"id": file_id, "title": item.get("title") or "", "size": len(data)})
        return {"ok": True, "files": shared}

    def _received_upload(self, file_id: str, data: bytes) -> bool:
        with self._changed:
            if file_id not in self._upload_lengths:
                return False
            self.uploads[file_id] = data
            self.calls.append(Call("upload", {"file_id": file_id, "length": len(data)}))
            self._changed.notify_all()
            return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                self._answer(path, dict(parse_qsl(query)))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path.startswith("/upload/"):
                    self._upload(self.path[len("/upload/") :], body)
                    return
                raw = body.decode("utf-8", "replace")
                query = dict(parse_qsl(self.path.partition("?")[2]))
                params = {**query, **_decode(raw, self.headers.get("Content-Type", ""))}
                self._answer(self.path.partition("?")[0], params)

            def _answer(self, path: str, params: dict[str, Any]) -> None:
                if path.startswith("/api/"):
                    method = path[len("/api/") :]
                elif path.startswith("/response/"):
                    method = "response"
                    params = {**params, "_url": path}
                else:
                    self.send_error(404)
                    return
                status, headers, answer = standin._answer(method, params)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up waiting (a slow answer, on purpose)

            def _upload(self, file_id: str, body: bytes) -> None:
                # Slack's upload URL answers in plain text, not JSON.
                found = standin._received_upload(file_id, body)
                data = f"OK - {len(body)}".encode() if found else b"not found"
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _acceptable_view(view: object) -> bool:
    """What Slack refuses as `invalid_arguments`: no blocks or more than 100, and a static
    select with no options or more than 100 (an `external_select` asks the app for them)."""
    if not isinstance(view, dict):
        return False
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= MAX_VIEW_BLOCKS:
        return False
    for block in blocks:
        element = block.get("element") if isinstance(block, dict) else None
        if isinstance(element, dict) and element.get("type") == "static_select":
            count = len(element.get("options") or [])
            if not element.get("option_groups") and not 1 <= count <= MAX_OPTIONS:
                return False
    return True


def _decode(raw: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        try:
            data = json.loads(raw or "{}")
        except json.JSONDecodeError:
            return {"_raw": raw}
        return data if isinstance(data, dict) else {"_raw": raw}
    params: dict[str, Any] = dict(parse_qsl(raw))
    for key in ("blocks", "view", "attachments"):
        if isinstance(params.get(key), str):
            with contextlib.suppress(json.JSONDecodeError):
                params[key] = json.loads(params[key])
    return params
