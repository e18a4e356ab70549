"""Essay: the learner writes an answer that an instructor marks later (Moodle's ``essay`` qtype).

Grading here is only provisional: a fitting answer scores 0 until the instructor's mark replaces
it (``quizapp/instructor/grading.py``), so an attempt with essays is finished but *awaiting grading*.
The mark is out of the question's default grade (Moodle's ``defaultgrade``), stored as a fraction
of it like every other score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..imported import ImportedQuestion
from .base import InvalidResponse, ResponseType, StoredData
from .choice import imported_question

# The longest essay a learner may submit, in characters (a few pages; Moodle has no limit by default).
MAX_ESSAY_LENGTH = 10_000
# Moodle response formats whose answers are plain text; the others ("editor", ...) may use a small Markdown.
PLAIN_FORMATS = frozenset({"plain", "monospaced"})


@dataclass(frozen=True)
class EssayKey:
    """What the learner is asked for and what the grader is told."""

    max_mark: float = 1.0
    grader_info: str = ""
    response_format: str = "editor"
    response_template: str = ""
    text_format: str = "plain"  # of the question's texts (grader info, feedback)

    @property
    def markdown(self) -> bool:
        """Whether the learner's answer is rendered as Markdown (sanitised) rather than shown as plain text."""
        return self.response_format not in PLAIN_FORMATS


def check_essay(response: Any) -> str:
    """The essay text if it is a string within :data:`MAX_ESSAY_LENGTH`; raises InvalidResponse otherwise."""
    if not isinstance(response, str):
        raise InvalidResponse("expected the essay as text")
    if len(response) > MAX_ESSAY_LENGTH:
        raise InvalidResponse(f"the essay has {len(response):,} characters; the limit is {MAX_ESSAY_LENGTH:,}")
    if not response.strip():
        raise InvalidResponse("the essay is empty")
    return response


class Essay(ResponseType[EssayKey]):
    name = "essay"
    label = "Essay"
    manually_graded = True
    imported_kinds: ClassVar[dict[str, str]] = {"essay": "Essay"}

    def imported_kind(self, question: ImportedQuestion) -> str | None:
        return "essay" if question.qtype == "essay" else None

    def key(self, data: StoredData) -> EssayKey:
        question = imported_question(data)
        if question is None:
            raise InvalidResponse("essays are imported questions")
        return EssayKey(max_mark=question.default_grade if question.default_grade > 0 else 1.0,
                        grader_info=question.grader_info, response_format=question.response_format,
                        response_template=question.response_template, text_format=question.text_format)

    def grade(self, key: EssayKey, response: Any) -> float:
        """0 until an instructor marks it (the provisional score); checks the essay fits."""
        check_essay(response)
        return 0.0

    def response_text(self, key: EssayKey, response: Any) -> str:
        return str(response)

    def right_answer_text(self, key: EssayKey) -> str:
        return "Marked by your instructor"

    def gift(self, key: EssayKey) -> str:
        return ""  # GIFT's essay is an empty answer block: {}

    def json(self, key: EssayKey) -> dict[str, Any]:
        return {"max_mark": key.max_mark, "grader_info": key.grader_info, "response_format": key.response_format}


def mark_fraction(mark: float, max_mark: float) -> float:
    """An instructor's mark as the score stored with the answer; raises ValueError outside 0..max_mark."""
    if not max_mark > 0:
        raise ValueError("the question's maximum mark must be positive")
    if not 0 <= mark <= max_mark:
        raise ValueError(f"the mark must be between 0 and {max_mark:g}")
    return mark / max_mark


ESSAY = Essay()
