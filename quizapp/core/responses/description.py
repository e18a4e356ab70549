"""Description: text (and images) shown between questions, never answered or graded (Moodle's ``description``).

A description is not a question of the attempt: :func:`quizapp.core.imported_quiz.select_questions`
stores it with the question that follows it in the file (under ``"descriptions"``; those after
the last question under ``"descriptions_after"`` of the last one), so it counts neither in the
score nor in "Question 3 of 10".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..imported import ImportedQuestion
from .base import InvalidResponse, ResponseType, StoredData
from .choice import imported_question


@dataclass(frozen=True)
class DescriptionKey:
    """The description as imported (its text, format and embedded images)."""

    question: ImportedQuestion

    @property
    def text_format(self) -> str:
        return self.question.text_format


class Description(ResponseType[DescriptionKey]):
    name = "description"
    label = "Description"
    graded = False
    imported_kinds: ClassVar[dict[str, str]] = {"description": "Description"}

    def imported_kind(self, question: ImportedQuestion) -> str | None:
        return "description" if question.qtype == "description" else None

    def key(self, data: StoredData) -> DescriptionKey:
        question = imported_question(data)
        if question is None:
            raise InvalidResponse("descriptions are imported questions")
        return DescriptionKey(question)

    def grade(self, key: DescriptionKey, response: Any) -> float:
        raise InvalidResponse("a description is not answered")

    def response_text(self, key: DescriptionKey, response: Any) -> str:
        return ""

    def right_answer_text(self, key: DescriptionKey) -> str:
        return ""

    def gift(self, key: DescriptionKey) -> str:
        return ""  # a GIFT description has no answer block at all; writers leave the braces out

    def json(self, key: DescriptionKey) -> dict[str, Any]:
        return {}


DESCRIPTION = Description()
