"""What every response type provides, and the checks they share."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

if TYPE_CHECKING:
    import random

    from ..imported import ImportedQuestion

StoredData = Mapping[str, Any]
_GIFT_SPECIAL = re.compile(r"([~=#{}:\\])")
Key = TypeVar("Key")


class InvalidResponse(ValueError):
    """A response that does not fit the question (unknown option, wrong shape)."""


class ResponseType(ABC, Generic[Key]):
    """One shape of answer.

    ``key`` reads a stored question (a dict kept with the attempt, generated or imported) into
    the type's own key object; everything else works on that key, so the shell and the templates
    never look at where a question came from or which Moodle qtype it was.
    """

    name: ClassVar[str]  # "single", also the stored dict's "response" and the template partial's name
    label: ClassVar[str]
    graded: ClassVar[bool] = True  # a "description" is shown but not graded
    manually_graded: ClassVar[bool] = False  # an "essay" is marked by an instructor after the attempt
    # The kinds an instructor can choose for imported questions of this type (kind -> label).
    imported_kinds: ClassVar[dict[str, str]] = {}

    @abstractmethod
    def imported_kind(self, question: ImportedQuestion) -> str | None:
        """The imported kind (a key of ``imported_kinds``) if this type answers ``question``, else None."""

    def prepare(self, question: ImportedQuestion, rng: random.Random,
                shuffle: bool) -> tuple[ImportedQuestion, dict[str, Any]]:
        """The imported question as it will be shown (answers shuffled if asked) and extra stored fields."""
        return question, {}

    @abstractmethod
    def key(self, data: StoredData) -> Key:
        """The stored question read into this type's key."""

    @abstractmethod
    def grade(self, key: Key, response: Any) -> float:
        """Score in [0, 1]; raises :class:`InvalidResponse` for a response that does not fit."""

    @abstractmethod
    def response_text(self, key: Key, response: Any) -> str:
        """A learner's response in words, for reviews and the gradebook."""

    @abstractmethod
    def right_answer_text(self, key: Key) -> str:
        """The right answer in words."""

    def feedback(self, key: Key, response: Any) -> list[str]:
        """The feedback the chosen answers carry (Moodle's specific feedback); none by default."""
        return []

    @abstractmethod
    def gift(self, key: Key) -> str:
        """What goes inside a GIFT question's braces before the general feedback (escaped, one line)."""

    @abstractmethod
    def json(self, key: Key) -> dict[str, Any]:
        """The answer fields of the JSON export ("options" and "answer", or "pairs", ...)."""


def check_index(choice: object, size: int) -> int:
    """``choice`` if it is an index into ``size`` options (booleans are not indices)."""
    if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < size:
        raise InvalidResponse(f"option {choice!r} is not one of the {size} options")
    return choice


def check_indices(response: object, size: int) -> list[int]:
    """A list (or tuple) of indices into ``size`` options."""
    if not isinstance(response, (list, tuple)):
        raise InvalidResponse("expected a list of options")
    return [check_index(choice, size) for choice in response]


def settled(score: float) -> float:
    """A sum of fractions clamped to [0, 1] and rid of float noise (1/7 added 7 times is 1)."""
    return min(1.0, max(0.0, round(score, 9)))


def gift_percent(fraction: float) -> str:
    """A Moodle weight: 1/3 -> "33.33333" (Moodle's grades have 5 decimals in percent)."""
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".")


def is_generated(data: StoredData) -> bool:
    """Whether a stored question came from a generator (imported ones keep their source question)."""
    return "imported" not in data


def gift_escape(text: str) -> str:
    """Escape GIFT's special characters and turn newlines into ``\\n``.

    GIFT has no escape for ``->`` (it splits matching pairs), so it becomes an arrow.
    """
    text = text.replace("->", "→")
    return _GIFT_SPECIAL.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", r"\n")
