"""Filling a modal in the terminal: each input asked for in turn, menus the app fills as
one types, and the submission sent back until no field is refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

from bot.console_render import _text, plain

if TYPE_CHECKING:
    from bot.i18n import Translator

TEAM = "TLOCAL"
APP_ID = "ALOCAL"
QUIT = (":quit", ":q", "exit")
CANCEL = ":cancel"


class FormLeft(Exception):
    """The person left a form without submitting it; `quit` if they also left the console."""

    def __init__(self, quit: bool) -> None:
        super().__init__("form left")
        self.quit = quit


class FormFilling:
    """The console's forms; the console gives the person, the language and the app."""

    if TYPE_CHECKING:
        t: Translator
        user: str
        out: TextIO
        _session: str
        write: Callable[[str], None]
        _dispatch: Callable[[dict[str, Any]], dict[str, Any]]
        show: Callable[[Iterator[str]], None]

    def fill(self, view: dict[str, Any], lines: Iterator[str]) -> None:
        """Ask for each field, submit, and ask again while a field is refused."""
        leave = self.t.say("{cancel} leaves the form", cancel=CANCEL)
        self.write(f"┌ {plain(_text(view.get('title')))}   ({leave})")
        while True:
            outcome = self._dispatch(self._submission(view, self._answers(view, lines)))
            if outcome.get("response_action") != "errors":
                break
            labels = {
                block.get("block_id"): plain(_text(block.get("label")))
                for block in view.get("blocks", [])
                if block.get("type") == "input"
            }
            for field, error in outcome.get("errors", {}).items():
                label = labels.get(field) or field
                self.write(f"│ ! {self._labelled(label)} {plain(error)}")
        self.write("└ " + self.t.gettext("submitted"))
        self.show(lines)

    def _answers(self, view: dict[str, Any], lines: Iterator[str]) -> dict[str, dict[str, Any]]:
        values: dict[str, dict[str, Any]] = {}
        for block in view.get("blocks", []):
            if block.get("type") == "section":
                self.write(f"│ {plain(_text(block.get('text')))}")
            if block.get("type") != "input":
                continue
            element = block["element"]
            label = plain(_text(block.get("label")))
            if element.get("type") == "external_select":
                chosen = self._choose(view, block, label, lines)
                values[block["block_id"]] = {
                    element["action_id"]: {
                        "type": "external_select",
                        "selected_option": {"value": chosen} if chosen else None,
                    }
                }
            elif element.get("type") == "static_select":
                options = element.get("options", [])
                for i, option in enumerate(options, 1):
                    self.write(f"│   {i}. {plain(_text(option.get('text')))}")
                initial = (element.get("initial_option") or {}).get("value")
                asked = label + (f" [{initial}]" if initial else "")
                answer = self._ask(f"│ {self._labelled(asked)} ", lines)
                chosen = initial
                if answer.isdigit() and 1 <= int(answer) <= len(options):
                    chosen = options[int(answer) - 1]["value"]
                elif answer:
                    chosen = answer
                values[block["block_id"]] = {
                    element["action_id"]: {
                        "type": "static_select",
                        "selected_option": {"value": chosen} if chosen else None,
                    }
                }
            else:
                answer = self._ask(f"│ {self._labelled(label)} ", lines)
                values[block["block_id"]] = {
                    element["action_id"]: {"type": "plain_text_input", "value": answer or None}
                }
        return values

    def _labelled(self, label: str) -> str:
        """A field's label as the console asks for it: with a colon, unless it is a question."""
        return label if label.endswith("?") else plain(self.t.say("{label}:", label=label))

    def _choose(
        self, view: dict[str, Any], block: dict[str, Any], label: str, lines: Iterator[str]
    ) -> str | None:
        """A menu whose options the app gives as one types (Slack's external_select): a
        number picks a listed option, a word narrows the list, nothing keeps the initial one."""
        initial = (block["element"].get("initial_option") or {}).get("value")
        options = self._suggest(view, block, "")
        while True:
            for i, option in enumerate(options, 1):
                self.write(f"│   {i}. {plain(_text(option.get('text')))}")
            asked = label + (f" [{initial}]" if initial else "")
            answer = self._ask(f"│ {self._labelled(asked)} ", lines)
            if not answer:
                return str(initial) if initial else None
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                return str(options[int(answer) - 1]["value"])
            found = self._suggest(view, block, answer)
            exact = [o for o in found if o.get("value") == answer.casefold()]
            if exact or len(found) == 1:
                return str((exact or found)[0]["value"])
            if not found:
                return answer  # the app refuses it next to the field
            options = found

    def _suggest(self, view: dict[str, Any], block: dict[str, Any], typed: str) -> list[Any]:
        answer = self._dispatch(
            {
                "type": "block_suggestion",
                "team": {"id": TEAM},
                "api_app_id": APP_ID,
                "user": {"id": self.user},
                "action_id": block["element"].get("action_id", ""),
                "block_id": block.get("block_id", ""),
                "value": typed,
                "view": {
                    "id": view.get("id") or f"V{self._session}",
                    "callback_id": view.get("callback_id"),
                    "type": "modal",
                },
            }
        )
        options = answer.get("options")
        return options if isinstance(options, list) else []

    def _submission(
        self, view: dict[str, Any], values: dict[str, dict[str, Any]]
    ) -> dict[str, Any]:
        return {
            "type": "view_submission",
            "team": {"id": TEAM},
            "api_app_id": APP_ID,
            "user": {"id": self.user},
            "view": {
                "id": view.get("id") or f"V{self._session}",
                "callback_id": view.get("callback_id"),
                "private_metadata": view.get("private_metadata", ""),
                "state": {"values": values},
                "type": "modal",
            },
        }

    def _ask(self, prompt: str, lines: Iterator[str]) -> str:
        print(prompt, end="", file=self.out, flush=True)
        raw = next(lines, None)
        if raw is None:  # end of input (Ctrl-D): leave the form and the console
            print(file=self.out)
            raise FormLeft(quit=True)
        answer = raw.strip()
        if not self.out.isatty():
            print(answer, file=self.out)
        if answer == CANCEL or answer in QUIT:
            raise FormLeft(quit=answer in QUIT)
        return answer
