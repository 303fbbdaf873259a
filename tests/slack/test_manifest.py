import json
from pathlib import Path

import yaml
from jsonschema import Draft7Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_the_manifest_validates_against_slacks_schema() -> None:
    schema = json.loads(SCHEMA.read_text())
    errors = sorted(Draft7Validator(schema).iter_errors(manifest()), key=str)
    assert errors == []


def test_the_manifest_asks_for_the_scopes_the_code_uses_and_no_more() -> None:
    assert sorted(manifest()["oauth_config"]["scopes"]["bot"]) == [
        "chat:write",
        "commands",
        "files:write",
        "im:write",
        "usergroups:read",
    ]


def test_the_manifest_enables_the_home_tab_and_its_event() -> None:
    data = manifest()
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    assert data["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]


def test_the_manifest_declares_credit_and_interactivity() -> None:
    data = manifest()
    assert [c["command"] for c in data["features"]["slash_commands"]] == ["/credit"]
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert isinstance(data["settings"]["socket_mode_enabled"], bool)
