"""`creditbot serve`: the Bolt app under gunicorn's threaded workers (gthread), embedded
through gunicorn's application API.

Workers, threads, `timeout`, `max_requests`, the reload on SIGHUP and the access log are
gunicorn's own settings, read in this order: the defaults below, then a gunicorn config
file (deploy/gunicorn.conf.py), then the command line. The hooks are the bot's: each
worker builds its own app and ledger after the fork, and a worker that ends leaves
/metrics (prometheus multiprocess mode) through `mark_process_dead`.
"""

from __future__ import annotations

import logging
import runpy
from collections.abc import Callable, Mapping
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.config import Config

from bot import metrics
from bot.http import SlackEdge

log = logging.getLogger("creditbot.serve")

# What reading a gunicorn config file may raise, each with a message that names the fault.
READ_ERRORS = (OSError, ValueError, TypeError, SyntaxError)

# The request line without its query, and no header: no token or signature is ever logged.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

DEFAULTS: Mapping[str, object] = {
    "worker_class": "gthread",
    "workers": 1,
    "threads": 8,
    "timeout": 30,
    "graceful_timeout": 30,
    "keepalive": 5,
    "max_requests": 10_000,
    "max_requests_jitter": 1_000,
    "accesslog": "-",
    "access_log_format": ACCESS_LOG_FORMAT,
    "errorlog": "-",
    "proc_name": "creditbot",
}


class SlackServer(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    def __init__(
        self,
        build: Callable[[int], SlackEdge],
        options: Mapping[str, object],
        config_file: str | None = None,
    ) -> None:
        self.build = build
        self.options = options
        self.config_file = config_file
        self.edge: SlackEdge | None = None
        # A file or value gunicorn cannot use raises here, before gunicorn starts.
        self.settings = chosen(options, config_file)
        super().__init__()

    def load_config(self) -> None:
        """Also called again on SIGHUP: a changed config file takes effect with new workers;
        one that cannot be used is logged and the running settings stay."""
        try:
            self.settings = chosen(self.options, self.config_file)
        except READ_ERRORS as refused:
            log.error("%s not reloaded, the running settings stay: %s", self.config_file, refused)
        for key, value in self.settings.items():
            self.cfg.set(key, value)
        self.cfg.set("child_exit", self.child_exit)
        self.cfg.set("worker_exit", self.worker_exit)

    def load(self) -> SlackEdge:
        """In each worker, after the fork (the app is not preloaded)."""
        self.edge = self.build(self.cfg.threads)
        return self.edge

    def child_exit(self, server: Any, worker: Any) -> None:
        metrics.forget(worker.pid)

    def worker_exit(self, server: Any, worker: Any) -> None:
        if self.edge is not None:
            self.edge.close()


def chosen(options: Mapping[str, object], config_file: str | None) -> dict[str, object]:
    """gunicorn's settings: the defaults, then the config file, then the command line; each
    value checked by gunicorn's own validators (a ValueError names the one refused)."""
    settings = dict(DEFAULTS)
    if config_file:
        known = Config().settings
        read = runpy.run_path(config_file)
        settings.update({k: v for k, v in read.items() if k in known})
    settings.update({k: v for k, v in options.items() if v is not None})
    check = Config()
    for key, value in settings.items():
        try:
            check.set(key, value)
        except (ValueError, TypeError) as refused:
            raise ValueError(f"{key} = {value!r}: {refused}") from refused
    return settings


def options(
    *,
    bind: str | None = None,
    workers: int | None = None,
    threads: int | None = None,
    timeout: int | None = None,
    max_requests: int | None = None,
    max_requests_jitter: int | None = None,
) -> dict[str, object]:
    """Command-line values for gunicorn; None leaves the config file's (or the default)."""
    return {
        "bind": [bind] if bind else None,
        "workers": workers,
        "threads": threads,
        "timeout": timeout,
        "max_requests": max_requests,
        "max_requests_jitter": max_requests_jitter,
    }
