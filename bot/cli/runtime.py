"""Commands that run the bot: `run`, `serve`, `scheduler`, `console`.

Each imports what it runs when it starts, so the other operator commands do not pay for it.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TextIO

from pydantic import SecretStr

from bot import refusals
from bot.cli import ovh_text, text
from bot.cli.common import fail
from bot.composition import (
    build_alerts,
    build_job_scheduler,
    build_ledger,
    build_ovh_sync,
    build_slack,
)
from bot.i18n import at_terminal
from bot.settings import Settings, slack_user_id
from ledger.domain import POStatus
from ledger.errors import N_
from ledger.services import Ledger, purchases

log = logging.getLogger("creditbot")

CONSOLE_USER = "UMEMBER"
CONSOLE_CHANNEL = "CGENERAL"


def _logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


NEEDS_KEY_MESSAGE = N_(
    "set CREDITBOT_SECRET (32 characters or more, e.g. from "
    "`python -c 'import secrets; print(secrets.token_hex(32))'`): voucher codes are kept "
    "as an HMAC under it, and it must stay the same across restarts"
)


def _refuse_without_secret(settings: Settings) -> bool:
    if settings.creditbot_secret is None:
        fail(NEEDS_KEY_MESSAGE)
        return True
    return False


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    connects = settings.slack_bot_token and (
        settings.slack_app_token or settings.slack_signing_secret
    )
    if connects and _refuse_without_secret(settings):
        return 2
    if settings.slack_bot_token and settings.slack_app_token:
        return run_socket_mode(settings)
    if settings.slack_bot_token and settings.slack_signing_secret:
        # The server forks its workers: the scheduler runs beside it in a process of its own,
        # recording its figures where the server's /metrics reads them (it serves none).
        with recording_metrics():
            scheduler = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "scheduler"],
                env={**os.environ, "METRICS_ADDRESS": ""},
            )
            try:
                from bot.serve import options as serve_options

                return serve_http(settings, serve_options(bind=f"0.0.0.0:{args.port}"))
            finally:
                scheduler.terminate()
                scheduler.wait(30)
    if sys.stdin.isatty():
        print(text.console_instead(at_terminal()))
        return start_console(
            settings, CONSOLE_USER, CONSOLE_CHANNEL, iter(sys.stdin.readline, ""), sys.stdout
        )
    fail(
        N_(
            "no Slack credentials: set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or "
            "SLACK_SIGNING_SECRET (HTTP), or run `creditbot console` in a terminal"
        )
    )
    return 2


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    if not (settings.slack_bot_token and settings.slack_signing_secret):
        fail(N_("`serve` needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"))
        return 2
    if _refuse_without_secret(settings):
        return 2
    from bot.serve import options as serve_options

    bind = args.bind
    if bind is None and (args.host or args.port):
        bind = f"{args.host or '0.0.0.0'}:{args.port or _default_port()}"  # noqa: S104 - every interface, as gunicorn's own default
    elif bind is None and not args.config:
        bind = f"0.0.0.0:{_default_port()}"
    chosen = serve_options(
        bind=bind,
        workers=args.workers,
        threads=args.threads,
        timeout=args.timeout,
        max_requests=args.max_requests,
        max_requests_jitter=args.max_requests_jitter,
    )
    return serve_http(settings, chosen, args.config)


def _default_port() -> int:
    return int(os.environ.get("PORT", "3000"))


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.slack_bot_token:
        fail(N_("the scheduler posts to Slack: set SLACK_BOT_TOKEN"))
        return 2
    _logging()
    ledger = build_ledger(settings, upgrade=True)
    with recording_metrics():
        serve_metrics(settings, ledger)
        scheduler = build_job_scheduler(settings, ledger, blocking=True)
        log.info(
            "scheduled runs daily at %s %s, the outbox every %d minutes",
            settings.alert_time,
            settings.creditbot_timezone,
            settings.outbox_minutes,
        )
        scheduler.start()
    return 0


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    try:
        user = slack_user_id(args.as_user)
    except ValueError as exc:
        fail(N_("--as {problem}"), problem=str(exc))
        return 1
    return start_console(
        settings,
        user,
        args.channel.upper(),
        iter(sys.stdin.readline, ""),
        sys.stdout,
    )


def run_socket_mode(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    _logging()
    ledger = build_ledger(settings, upgrade=True)
    with recording_metrics():
        serve_metrics(settings, ledger)
        app = build_slack(settings, ledger)
        build_job_scheduler(settings, ledger).start()
        assert settings.slack_app_token is not None
        log.info("connecting to Slack over Socket Mode")
        SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()  # type: ignore[no-untyped-call]
    return 0


def serve_http(
    settings: Settings, options: dict[str, object], config_file: str | None = None
) -> int:
    """gunicorn's master here, its workers forked from it; /metrics served by the master."""
    from bot.http import SlackEdge
    from bot.serve import READ_ERRORS, SlackServer

    def edge(threads: int) -> SlackEdge:
        # As many threads for the work after the acks as gunicorn has for requests.
        replies = ThreadPoolExecutor(threads, thread_name_prefix="reply")
        app = build_slack(settings, build_ledger(settings), listener_executor=replies)
        return SlackEdge(app, replies)

    try:
        server = SlackServer(edge, options, config_file)
    except READ_ERRORS as refused:
        fail(N_("gunicorn settings: {reason}"), reason=str(refused))
        return 2
    _logging()
    ledger = build_ledger(settings, upgrade=True)
    ledger.db.dispose()
    # Workers build their own ledger; the engine kept here for /metrics stays the master's.
    os.register_at_fork(after_in_child=lambda: ledger.db.engine.dispose(close=False))
    with recording_metrics():
        serve_metrics(settings, ledger)
        try:
            server.run()
        except SystemExit as stopped:  # gunicorn's master ends with sys.exit
            return stopped.code if isinstance(stopped.code, int) else int(bool(stopped.code))
    return 0


@contextmanager
def recording_metrics() -> Iterator[None]:
    """Figures of this process and of those it starts, in one fresh directory, removed at
    the end. A directory given by the environment (PROMETHEUS_MULTIPROC_DIR, as `run` gives
    its scheduler) is used as it is: whoever set it owns it."""
    from bot import metrics

    given = os.environ.get(metrics.DIRECTORY)
    if given:
        if not metrics.recording():
            metrics.record_to(given)
        yield
        return
    directory = tempfile.mkdtemp(prefix="creditbot-metrics-")
    metrics.record_to(directory)
    try:
        yield
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def serve_metrics(settings: Settings, ledger: Ledger) -> None:
    bind = settings.metrics_bind
    if bind is None:
        return
    from bot import metrics

    metrics.serve(*bind, lambda: len(purchases.list_purchase_orders(ledger, POStatus.PENDING)))
    log.info("serving /metrics on %s:%s", *bind)


def start_console(
    settings: Settings, user: str, channel: str, lines: Iterator[str], out: TextIO
) -> int:
    from bot.console import Console, TrackingExecutor
    from bot.i18n import Translator
    from bot.jobs.alerts import Pacer
    from bot.ovh import standin_file
    from bot.ovh.standin import DEMO_SERVICE, demo_ovh
    from bot.slack.standin import SlackStandIn

    standin = SlackStandIn().start()
    ovh = None if settings.ovh_endpoint else demo_ovh().start()
    # The stand-in is kept beside a SQLite file, in step with it; a new database, a new one.
    kept = standin_file.beside(settings.database_url) if ovh is not None else None
    resumed = False
    if ovh is not None and kept is not None and kept.exists():
        database = kept.with_name(kept.name.removesuffix(standin_file.SUFFIX))
        resumed = database.exists() and standin_file.load(ovh, kept)
    local = settings.model_copy(
        update={
            "slack_api_url": standin.api_url,
            "slack_bot_token": SecretStr("xoxb-local-console"),
            "finance_channel": settings.finance_channel or "CFINANCE",
            "finance_approvers": settings.finance_approvers or ("UFINANCE", "UFINANCE2"),
            "admins": settings.admins or ("UADMIN",),
            # `:lang` changes languages at once: nothing is cached for long in a console.
            "usergroup_cache_seconds": 0,
            # Without a secret set, codes issued here are readable in this session only.
            "creditbot_secret": settings.creditbot_secret or SecretStr(secrets.token_hex(32)),
            **(ovh.settings() if ovh else {}),
        }
    )
    try:
        ledger = build_ledger(local, upgrade=True)
    except BaseException:  # no database: the stand-ins have nothing to serve
        standin.stop()
        if ovh is not None:
            ovh.stop()
        raise
    executor = TrackingExecutor()
    app = build_slack(local, ledger, listener_executor=executor)
    # The person at the keyboard reads in their terminal's language; channels keep
    # CREDITBOT_LOCALE.
    t = at_terminal(local.timezone, mentions=True)
    standin.default_locale = t.locale.replace("_", "-")
    where = ledger.db.engine.url.render_as_string(hide_password=True)
    print(text.console_opened(where, local, user, channel, t), file=out)
    if ovh is not None:
        print(ovh_text.ovh_standin(DEMO_SERVICE, t), file=out)
    if kept is not None:
        print(ovh_text.ovh_standin_kept(str(kept), resumed, t), file=out)
    alerts = build_alerts(local, ledger, client=app.client, pacer=Pacer(interval=0))
    finance = (next(iter(local.finance_approvers), "UFINANCE"), local.finance_channel or "")
    sync = build_ovh_sync(local, ledger, client=app.client)

    def keep() -> None:
        if ovh is not None and kept is not None:
            try:
                standin_file.save(ovh, kept)
            except OSError as exc:  # a read-only directory: the session still ends cleanly
                print(ovh_text.ovh_standin_not_kept(exc.strerror, t), file=out)

    def ovh_run(reader: Translator) -> str:
        if ovh is not None:
            ovh.advance_month()
            keep()
        if sync is None:
            return reader.gettext(refusals.OVH_NOT_CONFIGURED)
        return sync.run().summary(reader)

    try:
        Console(
            app,
            standin,
            executor,
            user,
            channel,
            out,
            alerts=lambda reader: alerts.run().summary(reader),
            ovh=ovh_run,
            t=t,
            finance=finance,
        ).run(lines)
    finally:
        executor.shutdown(wait=True)
        standin.stop()
        if ovh is not None:
            keep()
            ovh.stop()
        ledger.db.dispose()
    return 0
