"""Reading `/credit …` text: words, the optional PROJECT, amounts with spaces in them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from ledger.domain import ProjectView
from ledger.errors import (
    AmountError,
    InvalidInput,
    LedgerError,
    ProjectNotFound,
    WrongCurrency,
)

T = TypeVar("T")

MAX_TEXT = 1000


def words_of(text: str) -> list[str]:
    return text.replace("\u00a0", " ").replace("\u202f", " ").split()


class Projects:
    """The known projects, matched by id or name (case-insensitive), names of several words
    included. The full list is read only when a command names a project."""

    def __init__(
        self, load_all: Callable[[], Sequence[ProjectView]], channel_project: ProjectView | None
    ) -> None:
        self._load_all = load_all
        self._all: Sequence[ProjectView] | None = None
        self.channel_project = channel_project

    @property
    def all(self) -> Sequence[ProjectView]:
        if self._all is None:
            self._all = self._load_all()
        return self._all

    def named(self, words: Sequence[str]) -> ProjectView | None:
        key = " ".join(words).casefold()
        if not key:
            return None
        return next((p for p in self.all if key in (p.id, p.name.casefold())), None)

    def split_suffix(self, words: Sequence[str]) -> tuple[list[str], ProjectView | None]:
        """(leading words, project) where the longest trailing run of words names a project."""
        for start in range(len(words)):
            found = self.named(words[start:])
            if found is not None:
                return list(words[:start]), found
        return list(words), None

    def split_prefix(self, words: Sequence[str]) -> tuple[ProjectView | None, list[str]]:
        """(project, remaining words) where the longest leading run of words names a project."""
        for end in range(len(words), 0, -1):
            found = self.named(words[:end])
            if found is not None:
                return found, list(words[end:])
        return None, list(words)

    def exactly(self, words: Sequence[str]) -> ProjectView:
        """Named by all of `words`, or the channel's project when there are none."""
        if not words:
            return self.required(None)
        found = self.named(words)
        if found is None:
            raise ProjectNotFound(
                f"there is no project {' '.join(words)!r}", hint="`/credit project list` shows them"
            )
        return found

    def required(self, found: ProjectView | None) -> ProjectView:
        project = found or self.channel_project
        if project is None:
            raise NoProject("no project named and this channel is not linked to one")
        return project


class NoProject(LedgerError):
    """Neither an explicit project nor a linked channel."""


def amount_then_project(
    projects: Projects, words: Sequence[str], read: Callable[[str, ProjectView], T]
) -> tuple[T, ProjectView]:
    """`AMOUNT [PROJECT]`, where AMOUNT may hold spaces ("1 500", "500 EUR")."""
    leading, found = projects.split_suffix(words)
    if found is not None and leading:
        return read(" ".join(leading), found), found
    project = projects.required(None)
    try:
        return read(" ".join(words), project), project
    except WrongCurrency:
        raise  # "500 USD" names a currency, not a project
    except AmountError:
        # "500 staging": a readable amount followed by an unknown project says so.
        if len(words) > 1:
            try:
                read(" ".join(words[:-1]), project)
            except LedgerError:
                pass
            else:
                raise ProjectNotFound(
                    f"there is no project {words[-1]!r}", hint="`/credit project list` shows them"
                ) from None
        raise


def amount_project_memo(
    projects: Projects, words: Sequence[str], read: Callable[[str, ProjectView], T]
) -> tuple[T, ProjectView, str]:
    """`AMOUNT [PROJECT] [MEMO…]`: the longest readable amount, then an optional project, then the memo."""
    last_error: LedgerError | None = None
    for size in range(min(len(words), 4), 0, -1):
        found, memo = projects.split_prefix(words[size:])
        try:
            project = projects.required(found)
            return read(" ".join(words[:size]), project), project, " ".join(memo)
        except WrongCurrency:
            raise  # "500 USD": the amount names a currency, so USD is not a memo
        except LedgerError as error:
            last_error = error
    if last_error is None:
        raise AmountError(
            "no amount given", hint="for example `/credit charge 120,50 prod-eu March bill`"
        )
    raise last_error


CODE_GROUP = re.compile(r"[0-9A-Za-z]{4}")
MIN_CODE = 12


def code_then_project(projects: Projects, words: Sequence[str]) -> tuple[str, ProjectView]:
    """`CODE [PROJECT]`, where CODE may be typed in groups ("ABCD EFGH JKMN PQRS").

    A last word that matches no project is still read as a project, not as part of the
    code, when the words before it already make a whole code and it is not a group of four
    characters: "ABCD-EFGH-JKMN-PQRS prod-ue" names a project that does not exist."""
    code_words, found = projects.split_suffix(words)
    if not code_words:
        raise InvalidInput("which code?", hint="for example `/credit redeem ABCD-EFGH-JKMN-PQRS`")
    if found is None and len(code_words) > 1:
        *leading, last = code_words
        significant = re.sub(r"[\s\-]+", "", "".join(leading))
        if len(significant) >= MIN_CODE and not CODE_GROUP.fullmatch(last):
            raise ProjectNotFound(
                f"there is no project {last!r}", hint="`/credit project list` shows them"
            )
    return "".join(code_words), projects.required(found)
