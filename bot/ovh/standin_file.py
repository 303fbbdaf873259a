"""The console's OVHcloud stand-in kept beside its SQLite database, so that the two stay in
step across `make run`s: the credits and orders the ledger saw are still there next time.

The file is JSON (no code is ever loaded from it): the stand-in's public state, with its
dataclasses, Decimals, datetimes, sets and int-keyed dicts tagged. A database that is new
starts a new stand-in as well; a file that cannot be read is set aside and a new stand-in
starts."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.ovh import standin as module
from bot.ovh.standin import OvhStandIn

SUFFIX = ".ovh-standin.json"
# What a session sets up anew: keys, the request log, the clock.
NOT_KEPT = {"applications", "consumers", "requests", "now", "vat"}


def beside(database_url: str) -> Path | None:
    """Where the stand-in of a SQLite file database is kept; None for any other database."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database) + SUFFIX)


def save(standin: OvhStandIn, path: Path) -> None:
    with standin._lock:
        state = {}
        for name, value in vars(standin).items():
            if name.startswith("_") or name in NOT_KEPT:
                continue
            try:
                state[name] = _encode(value)
            except TypeError:  # not state (a server, a callable): set up anew each session
                continue
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(state, indent=1), encoding="utf-8")
    os.replace(partial, path)


def load(standin: OvhStandIn, path: Path) -> bool:
    """Put the kept state into `standin`; False (and the file set aside) if it is unreadable."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        decoded = {name: _decode(value) for name, value in state.items()}
    except (OSError, ValueError, TypeError, KeyError):
        os.replace(path, path.with_name(path.name + ".unreadable"))
        return False
    with standin._lock:
        for name, value in decoded.items():
            if hasattr(standin, name) and name not in NOT_KEPT:
                setattr(standin, name, value)
        credits = [c for p in standin.projects.values() for c in p.credits]
        standin._ids = itertools.count(max(credits, default=1000) + 1)
        standin._orders = itertools.count(max(standin.orders, default=9000000) + 1)
    return True


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"dataclass": type(value).__name__, "fields": fields}
    if isinstance(value, dict):
        return {"dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, set | frozenset):
        return {"set": [_encode(v) for v in value]}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    raise TypeError(f"cannot keep a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "decimal" in value:
        return Decimal(value["decimal"])
    if "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    if "set" in value:
        return {_decode(v) for v in value["set"]}
    if "dict" in value:
        return {_decode(k): _decode(v) for k, v in value["dict"]}
    kind = getattr(module, value["dataclass"], None)
    if not (isinstance(kind, type) and dataclasses.is_dataclass(kind)):
        raise TypeError(f"{value['dataclass']!r} is not a record of the stand-in")
    return kind(**{name: _decode(v) for name, v in value["fields"].items()})
