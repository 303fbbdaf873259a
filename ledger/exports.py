"""Writing an accountant's export: plain decimal amounts, UTC instants, CSV cells a
spreadsheet cannot run, and JSON written row by row (a list of objects, then totals).

A row's values are text, `None` for a missing one (an empty CSV cell, JSON `null`), or a
list of objects such as an order's approvals `[{"by", "at"}]` (JSON keeps the list; CSV
joins each object's values with `@`, and the objects with `;`).

Pure: no session, no clock. The services stream their rows into a `Sink`."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, TextIO, TypeAlias
from zoneinfo import ZoneInfo

from ledger.errors import N_, InvalidInput
from ledger.money import minor_units

FORMATS = ("csv", "json")
# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Separates several values in one cell (approvals): not the CSV's comma, not a formula start.
MANY = ";"
# Joins one object's values in a CSV cell: `UFIN@2026-12-06T10:02:00Z`.
PAIR = "@"

Value: TypeAlias = str | list[dict[str, str]] | None


def amount(minor: int, currency: str) -> str:
    """Minor units as a plain decimal with the currency's places: 123450 EUR → `1234.50`."""
    return amounts(currency)(minor)


@cache
def amounts(currency: str) -> Callable[[int], str]:
    """`amount` for one currency, its places looked up once (an export formats many)."""
    places = minor_units(currency)
    if places == 0:
        return str
    scale, pattern = 10**places, "{}{}.{:0" + str(places) + "d}"

    def written(minor: int) -> str:
        whole, part = divmod(abs(minor), scale)
        return pattern.format("-" if minor < 0 else "", whole, part)

    return written


def instant(at: datetime | None) -> str:
    """An instant in UTC, to the second: `2026-12-06T10:02:00Z`."""
    if at is None:
        return ""
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    return at.isoformat(timespec="seconds")[:19] + "Z"


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading
    apostrophe (`=1+1` → `'=1+1`), as OWASP advises; the value after it is unchanged."""
    return "'" + text if text[:1] in _FORMULA else text


_FORMULA = frozenset(FORMULA_STARTS)


def period(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Local days `start` to `end`, both included, as [from, until) instants."""
    if start > end:
        raise InvalidInput(
            N_("the period starts on {start}, after it ends on {end}"),
            hint=N_("give --from before --to"),
            start=start.isoformat(),
            end=end.isoformat(),
        )
    since = datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC)
    until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return since, until


def _csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = MANY.join(PAIR.join(item.values()) for item in value)
    return ("'" + value) if value[:1] in _FORMULA else value


class Sink:
    """Rows of text cells written as CSV (a header, then one line each) or JSON (an
    object with `rows`, a list of objects by column, then `totals`)."""

    def __init__(self, out: TextIO, columns: Sequence[str], form: str, name: str) -> None:
        if form not in FORMATS:
            raise InvalidInput(N_("the format is csv or json"), hint=N_("for example --format csv"))
        self.out, self.columns, self.form, self.name = out, tuple(columns), form, name
        self._first = True
        if form == "csv":
            self._csv = csv.writer(out, lineterminator="\r\n")
            self._csv.writerow(self.columns)
        else:
            out.write('{"' + name + '": [')

    def row(self, cells: Sequence[Value]) -> None:
        if self.form == "csv":
            self._csv.writerow(
                [
                    (("'" + c) if c[:1] in _FORMULA else c) if type(c) is str else _csv_cell(c)
                    for c in cells
                ]
            )
            return
        text = json.dumps(dict(zip(self.columns, cells, strict=True)), ensure_ascii=False)
        self.out.write(("\n  " if self._first else ",\n  ") + text)
        self._first = False

    def close(self, totals: dict[str, Any]) -> None:
        """JSON ends with the totals; CSV has none (a spreadsheet sums its own columns)."""
        if self.form == "json":
            self.out.write("\n], " if not self._first else "], ")
            self.out.write('"totals": ' + json.dumps(totals, ensure_ascii=False) + "}\n")
