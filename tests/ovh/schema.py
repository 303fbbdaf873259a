"""OVHcloud's published API schema (the routes and models creditbot uses, extracted from
cloud.json, me.json and order.json into api-v1-extract.json beside this file, see its
`source`), and a check that an answer conforms to it."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

EXTRACT = Path(__file__).with_name("api-v1-extract.json")
SCALARS = {"string", "text", "password", "long", "double", "boolean", "datetime"}


@cache
def extract() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXTRACT.read_text())
    return loaded


def route_of(method: str, path: str) -> dict[str, Any] | None:
    """The schema's route for a concrete request path, e.g. /me/order/12 → /me/order/{orderId}."""
    for route in extract()["routes"]:
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", route["path"])
        if route["method"] == method and re.fullmatch(pattern, path):
            return route
    return None


def problems(value: Any, type_name: str, where: str = "answer") -> list[str]:
    """Every way `value` departs from the schema type (field names, types, canBeNull, enums)."""
    if type_name.endswith("[]"):
        if not isinstance(value, list):
            return [f"{where}: {type_name} expected, got {value!r}"]
        return [
            p
            for i, item in enumerate(value)
            for p in problems(item, type_name[:-2], f"{where}[{i}]")
        ]
    if type_name in SCALARS:
        return _scalar(value, type_name, where)
    model = extract()["models"].get(type_name)
    if model is None:
        return [f"{where}: type {type_name} is not in the extract"]
    if "enum" in model:
        return [] if value in model["enum"] else [f"{where}: {value!r} is not a {type_name}"]
    if not isinstance(value, dict):
        return [f"{where}: {type_name} expected, got {value!r}"]
    fields = model["properties"]
    newer = set(extract()["newer_fields"].get(type_name, ()))
    found = [
        f"{where}.{name}: not a field of {type_name}"
        for name in value
        if name not in fields and name not in newer
    ]
    for name, field in fields.items():
        if name not in value:
            found.append(f"{where}.{name}: missing")
        elif value[name] is None:
            if not field.get("canBeNull"):
                found.append(f"{where}.{name}: null, but it cannot be null")
        else:
            found.extend(
                problems(value[name], field.get("fullType") or field["type"], f"{where}.{name}")
            )
    return found


def _scalar(value: Any, type_name: str, where: str) -> list[str]:
    fits = {
        "string": isinstance(value, str),
        "text": isinstance(value, str),
        "password": isinstance(value, str),
        "long": isinstance(value, int) and not isinstance(value, bool),
        "double": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "datetime": isinstance(value, str) and _is_instant(value),
    }[type_name]
    return [] if fits else [f"{where}: {type_name} expected, got {value!r}"]


def _is_instant(text: str) -> bool:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
