"""Slack's documented limits for what the bot sends, checked on the JSON itself and through
slack_sdk's models (`to_dict()` validates nested elements; `validate_json()` alone does not)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from slack_sdk.models.blocks import Block, Option
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
FALLBACK = 40_000
SECTION = 3000
FIELDS, FIELD = 10, 2000
HEADER = 150
BUTTON_TEXT, BUTTON_VALUE = 75, 2000
VIEW_TITLE = 24  # title, submit and close
OPTIONS, OPTION_TEXT = 100, 75
ID = 255

# What the bot itself writes in mrkdwn: mentions of people and channels, and links.
_OWN = re.compile(r"<[@#][A-Z0-9]+>|<https?://[^<>|\s]+(\|[^<>]*)?>")
_ENTITY = re.compile(r"&(amp|lt|gt);")


def unescaped(text: str) -> list[str]:
    """The `<`, `>` and bare `&` of a mrkdwn text that the bot did not write on purpose."""
    rest = _ENTITY.sub("", _OWN.sub("", text))
    return re.findall(r"[<>&]", rest)


def problems(payload: dict[str, Any], what: str) -> list[str]:
    """Everything in a message (`text`, `blocks`) or a view that Slack would refuse or cut."""
    found: list[str] = []
    is_view = "type" in payload and payload.get("type") in ("modal", "home")
    blocks = payload.get("blocks") or []
    limit = VIEW_BLOCKS if is_view else MESSAGE_BLOCKS
    if len(blocks) > limit:
        found.append(f"{what}: {len(blocks)} blocks > {limit}")
    if is_view:
        found += _view(payload, what)
    else:
        text = str(payload.get("text") or "")
        if not text:
            found.append(f"{what}: no fallback text")
        if len(text) > FALLBACK:
            found.append(f"{what}: fallback of {len(text)} characters > {FALLBACK}")
        if unescaped(text):
            found.append(f"{what}: fallback not escaped: {text[:200]!r}")
    block_ids = [b["block_id"] for b in blocks if isinstance(b, dict) and "block_id" in b]
    found += [f"{what}: block_id {i!r} repeated" for i, n in Counter(block_ids).items() if n > 1]
    for index, block in enumerate(blocks):
        found += _block(block, f"{what} block {index}")
    return found


def _view(view: dict[str, Any], what: str) -> list[str]:
    found = []
    try:
        parsed = View(**view).to_dict()
    except Exception as refused:  # slack_sdk raises its own formation errors
        return [f"{what}: slack_sdk refuses the view: {refused}"]
    if parsed.get("blocks") != view.get("blocks"):
        found.append(f"{what}: the view does not survive slack_sdk's round trip")
    for key in ("title", "submit", "close"):
        text = _plain(view.get(key))
        if text is not None and not 1 <= len(text) <= VIEW_TITLE:
            found.append(f"{what}: {key} of {len(text)} characters")
    return found


def _plain(obj: Any) -> str | None:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return None if obj is None else str(obj)


def _block(block: dict[str, Any], what: str) -> list[str]:
    found = []
    try:
        parsed = Block.parse(block)
        again = parsed.to_dict() if parsed is not None else None
    except Exception as refused:
        return [f"{what}: slack_sdk refuses it: {refused}"]
    if again != block:
        found.append(f"{what}: does not survive slack_sdk's round trip: {block}")
    if len(str(block.get("block_id", ""))) > ID:
        found.append(f"{what}: block_id too long")
    kind = block.get("type")
    if kind == "section":
        text = block.get("text") or {}
        if len(str(text.get("text", ""))) > SECTION:
            found.append(f"{what}: section text of {len(text['text'])} characters")
        fields = block.get("fields") or []
        if len(fields) > FIELDS or any(len(str(f.get("text", ""))) > FIELD for f in fields):
            found.append(f"{what}: fields beyond 10 × 2000")
        if block.get("accessory"):
            found += _element(block["accessory"], what)
    if kind == "header" and len(str((block.get("text") or {}).get("text", ""))) > HEADER:
        found.append(f"{what}: header beyond {HEADER}")
    elements = block.get("elements") or []
    if kind == "input":
        elements = [block.get("element") or {}]
    if kind in ("actions", "input"):
        ids = [e.get("action_id") for e in elements if e.get("action_id")]
        found += [f"{what}: action_id {i!r} repeated" for i, n in Counter(ids).items() if n > 1]
        for element in elements:
            found += _element(element, what)
    for text in _mrkdwn_of(block):
        if "<!channel>" in text or "<!here>" in text or "<!everyone>" in text:
            found.append(f"{what}: would notify a whole channel: {text[:200]!r}")
        if unescaped(text):
            found.append(f"{what}: mrkdwn not escaped: {text[:200]!r}")
    return found


def _element(element: dict[str, Any], what: str) -> list[str]:
    found = []
    if len(str(element.get("action_id", ""))) > ID:
        found.append(f"{what}: action_id too long")
    kind = element.get("type")
    if kind == "button":
        if len(_plain(element.get("text")) or "") > BUTTON_TEXT:
            found.append(f"{what}: button text too long")
        if len(str(element.get("value", ""))) > BUTTON_VALUE:
            found.append(f"{what}: button value too long")
    if kind in ("static_select", "multi_static_select"):
        options = element.get("options")
        groups = element.get("option_groups")
        if groups is None and not 1 <= len(options or []) <= OPTIONS:
            found.append(f"{what}: a select with {len(options or [])} options")
        found += option_problems(options or [], what)
    if kind == "external_select" and element.get("initial_option"):
        found += option_problems([element["initial_option"]], what)
    return found


def option_problems(options: list[dict[str, Any]], what: str) -> list[str]:
    found = []
    if len(options) > OPTIONS:
        found.append(f"{what}: {len(options)} options > {OPTIONS}")
    for option in options:
        try:
            Option(value=option.get("value"), text=_plain(option.get("text"))).to_dict()
        except Exception as refused:
            found.append(f"{what}: slack_sdk refuses an option: {refused}")
        if len(_plain(option.get("text")) or "") > OPTION_TEXT:
            found.append(f"{what}: option text too long")
        if not option.get("value"):
            found.append(f"{what}: an option with no value")
    return found


def _mrkdwn_of(value: Any) -> list[str]:
    if isinstance(value, list):
        return [t for v in value for t in _mrkdwn_of(v)]
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn":
            return [str(value.get("text", ""))]
        return [t for v in value.values() for t in _mrkdwn_of(v)]
    return []
