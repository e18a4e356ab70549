"""A generated question and how it is graded. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .responses.base import InvalidResponse as InvalidResponse  # re-exported: callers catch it from here
from .responses.registry import grade_stored, right_answer_text

MATCH_KIND = "match"


def __getattr__(name: str) -> Any:
    """``KINDS`` (every generated kind and its label) lives in the generators' registry.

    Re-exported lazily: the generators import this module, so a plain import would be circular.
    """
    if name == "KINDS":
        from .generators import KINDS

        return KINDS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# The shapes a generated question's answer takes (see quizapp/core/responses/ for their grading).
RESPONSE_SINGLE = "single"
RESPONSE_MULTIPLE = "multiple"
RESPONSE_MATCHING = "matching"


@dataclass(frozen=True)
class Question:
    """One question with its key.

    Single-answer questions use ``answer`` (an index into ``options``);
    multiple-answer ones use ``answers`` (the indices of every right option);
    matching ones use ``pairs`` (each left item with its correct right-hand
    text) and ``options`` then lists the right-hand choices. ``facts`` names
    what the question tests ("item:GPT-4:organization", "stmt:..."), so a quiz
    never asks one fact twice, across kinds too.
    """

    kind: str
    prompt: str
    options: tuple[str, ...]
    explanation: str
    source: str
    answer: int | None = None
    pairs: tuple[tuple[str, str], ...] = ()
    categories: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    answers: tuple[int, ...] = ()

    @property
    def response(self) -> str:
        """The response type: ``single``, ``multiple`` or ``matching``."""
        if self.pairs:
            return RESPONSE_MATCHING
        if self.answers:
            return RESPONSE_MULTIPLE
        return RESPONSE_SINGLE

    @property
    def is_match(self) -> bool:
        return self.response == RESPONSE_MATCHING

    @property
    def left_items(self) -> list[str]:
        return [left for left, _ in self.pairs]

    @property
    def key_indices(self) -> list[int]:
        """For a match question: the index in ``options`` of each left item's answer."""
        return [self.options.index(right) for _, right in self.pairs]

    @property
    def correct_text(self) -> str:
        return right_answer_text(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        """The documented export shape (see README, "Quiz export")."""
        data: dict[str, Any] = {"kind": self.kind, "response": self.response, "prompt": self.prompt,
                                "options": list(self.options)}
        if self.is_match:
            data["pairs"] = [[left, right] for left, right in self.pairs]
        elif self.answers:
            data["answer"] = list(self.answers)
        else:
            data["answer"] = self.answer
        data["explanation"] = self.explanation
        data["source"] = self.source
        data["categories"] = list(self.categories)
        data["facts"] = list(self.facts)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        answer = data.get("answer")
        return cls(
            kind=data["kind"], prompt=data["prompt"], options=tuple(data["options"]),
            explanation=data.get("explanation", ""), source=data.get("source", ""),
            answer=None if isinstance(answer, list) else answer,
            answers=tuple(answer) if isinstance(answer, list) else (),
            pairs=tuple((left, right) for left, right in data.get("pairs", [])),
            categories=tuple(data.get("categories", [])), facts=tuple(data.get("facts", [])),
        )


def grade(question: Question, response: int | Sequence[int]) -> float:
    """Score a response in [0, 1], as the question's response type grades it (see ``quizapp.core.responses``).

    Raises :class:`InvalidResponse` when the response names an option that does
    not exist or has the wrong shape, so a tampered form is never scored.
    """
    return grade_stored(question.to_dict(), response)
