"""gunicorn's side of `creditbot serve`, reached directly on loopback: its workers, their
metrics summed across processes, their replacement, and the reload on SIGHUP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from bot.slack.standin import SlackStandIn
from tests.slack.proxy import GUNICORN_CONF
from tests.slack.workspace import (
    SECRET,
    Workspace,
    free_port,
    metric,
    running_server,
    text_of,
    wait_until_healthy,
)
from tests.support import TEST_SECRET

pytestmark = pytest.mark.slow


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


def address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return str(parts.hostname), int(parts.port or 80)


def test_a_signed_command_without_a_response_url_is_a_warning_and_changes_nothing(
    db_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    form = {
        "command": "/credit",
        "text": "project add ghost Ghost",
        "user_id": "UADMIN",
        "channel_id": "C1",
    }
    with running_server(db_url, standin, log=log) as base:
        slack = Workspace(base, standin)
        assert (
            slack.post(urlencode(form).encode(), "application/x-www-form-urlencoded").status == 200
        )
        deadline = time.monotonic() + 10
        while "nowhere to answer" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "ghost" not in text_of(slack.command("UADMIN", "project list")).lower()
    written = log.read_text()
    assert "WARNING creditbot.slack: a command came without a response_url" in written, written
    assert "Traceback" not in written and "ERROR" not in written, written


def test_metrics_report_the_traffic_of_every_worker_and_the_pending_orders(
    db_url: str, standin: SlackStandIn
) -> None:
    metrics_port = free_port()
    with running_server(
        db_url,
        standin,
        workers=2,
        METRICS_ADDRESS=f"127.0.0.1:{metrics_port}",
        ADMINS="UADMIN",
        FINANCE_APPROVERS="UFIN",
    ) as base:
        slack = Workspace(base, standin)
        assert "added" in text_of(slack.command("UADMIN", "project add prod-eu Prod EU"))
        for amount in (10, 20, 30):
            assert "PO-" in text_of(slack.command("UMEM", f"buy {amount} prod-eu"))
        assert "only finance" in text_of(slack.command("UMEM", "charge 5 prod-eu")).lower()
        for _ in range(6):
            assert "prod" in text_of(slack.command("UMEM", "balance prod-eu")).lower()
        assert slack.post(b"x=1", "text/plain", signature="v0=00").status == 401
        # The last reply's figures are recorded just after the reply reaches Slack.
        deadline = time.monotonic() + 10
        while True:
            url = f"http://127.0.0.1:{metrics_port}/metrics"
            with urllib.request.urlopen(url, timeout=5) as got:
                scraped = got.read().decode()
            if "creditbot_reply_seconds_count 11.0" in scraped or time.monotonic() > deadline:
                break
            time.sleep(0.05)

    assert metric(scraped, "creditbot_requests_total", kind="command", outcome="ok") == 10
    assert metric(scraped, "creditbot_requests_total", kind="command", outcome="refused") == 1
    assert metric(scraped, "creditbot_refusals_total", reason="Forbidden") == 1
    assert metric(scraped, "creditbot_ledger_writes_total", kind="purchase_orders") == 3
    assert metric(scraped, "creditbot_ledger_writes_total", kind="projects") == 1
    assert metric(scraped, "creditbot_http_responses_total", status="200") == 11
    assert metric(scraped, "creditbot_http_responses_total", status="401") == 1
    assert metric(scraped, "creditbot_ack_seconds_count") == 12
    assert metric(scraped, "creditbot_reply_seconds_count") == 11
    assert metric(scraped, "creditbot_reply_seconds_bucket", le="+Inf") == 11
    assert metric(scraped, "creditbot_pending_purchase_orders") == 3


def test_creditbot_run_reports_its_scheduler_last_success_on_the_same_metrics(
    db_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    port, metrics_port = free_port(), free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "CREDITBOT_SECRET": TEST_SECRET,
        "SLACK_API_URL": standin.api_url,
        "FINANCE_CHANNEL": "CFINANCE",
        "METRICS_ADDRESS": f"127.0.0.1:{metrics_port}",
    }
    environment.pop("SLACK_APP_TOKEN", None)
    with (tmp_path / "run.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--port", str(port)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", process)
            deadline = time.monotonic() + 30
            last_success = 0.0
            while not last_success and time.monotonic() < deadline:
                url = f"http://127.0.0.1:{metrics_port}/metrics"
                with urllib.request.urlopen(url, timeout=5) as got:
                    scraped = got.read().decode()
                last_success = metric(scraped, "creditbot_scheduled_run_last_success_seconds")
                time.sleep(0.1)
        finally:
            process.terminate()
            process.wait(30)
    assert abs(last_success - time.time()) < 60, (tmp_path / "run.log").read_text()
    assert metric(scraped, "creditbot_notices_total", outcome="posted") == 0


def children_of(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_worker_that_dies_is_replaced_and_a_hangup_replaces_every_worker_gracefully(
    db_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with running_server(db_url, standin, workers=2, log=log) as base:
        port = str(address(base)[1])
        (server,) = [
            pid
            for pid in children_of(os.getpid())
            if port in Path(f"/proc/{pid}/cmdline").read_text()
        ]
        before = workers_of(server, log, 2)
        os.kill(before[0], signal.SIGKILL)
        after = workers_of(server, log, 2, gone=before[:1])
        assert before[1] in after
        healthy(base)
        assert f"Worker (pid:{before[0]}) was sent SIGKILL" in log.read_text()

        os.kill(server, signal.SIGHUP)  # gunicorn's graceful reload
        replaced = workers_of(server, log, 2, gone=after)
        assert not set(replaced) & set(after)
        healthy(base)
    assert "Handling signal: hup" in log.read_text()


def workers_of(server: int, log: Path, count: int, gone: list[int] | None = None) -> list[int]:
    """The master's workers once `count` of them are booted and none of `gone` is left."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        children = children_of(server)
        booted = all(f"Booting worker with pid: {pid}" in log.read_text() for pid in children)
        if len(children) == count and booted and not set(children) & set(gone or []):
            return children
        time.sleep(0.05)
    raise AssertionError((children_of(server), log.read_text()))


def healthy(base: str) -> None:
    for _ in range(10):
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
            assert answer.read() == b"ok"


def test_a_hangup_reads_the_gunicorn_config_again_and_a_broken_one_keeps_the_running_settings(
    db_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    log, config = tmp_path / "server.log", tmp_path / "gunicorn.conf.py"
    config.write_text(GUNICORN_CONF.read_text().replace("workers = 2", "workers = 1"))
    with running_server(db_url, standin, log=log, config=config) as base:
        port = str(address(base)[1])
        (server,) = [
            pid
            for pid in children_of(os.getpid())
            if port in Path(f"/proc/{pid}/cmdline").read_text()
        ]
        first = workers_of(server, log, 1)
        config.write_text(config.read_text().replace("workers = 1", "workers = 2"))
        os.kill(server, signal.SIGHUP)
        second = workers_of(server, log, 2, gone=first)
        healthy(base)

        config.write_text("workers = 'many'\n")
        os.kill(server, signal.SIGHUP)
        third = workers_of(server, log, 2, gone=second)
        healthy(base)
    assert f"{config} not reloaded, the running settings stay: workers = 'many'" in (
        log.read_text()
    )
    assert len(third) == 2
