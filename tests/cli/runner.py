"""The operator command line run in this process against a test database, for the CLI tests."""

import json
import tempfile
from collections.abc import Callable
from typing import Any

import pytest

from bot.cli.__main__ import main
from tests.support import TEST_SECRET

Run = Callable[..., tuple[int, Any, str]]


def command_line(
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *,
    admins: str = "UADMIN",
    finance: str = "UFIN, UFIN2",
) -> Run:
    """`creditbot` with these roles and no Slack setting: (exit code, JSON or text, stderr)."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "FINANCE_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("CREDITBOT_SECRET", TEST_SECRET)
    monkeypatch.setenv("ADMINS", admins)
    monkeypatch.setenv("FINANCE_APPROVERS", finance)
    monkeypatch.chdir(tempfile.mkdtemp())

    def run(*argv: str) -> tuple[int, Any, str]:
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        try:
            return code, json.loads(out), err
        except json.JSONDecodeError:
            return code, out, err

    return run
