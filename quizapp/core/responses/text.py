"""Short text: the learner types an answer, matched against patterns with Moodle's ``*`` wildcard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..imported import Answer, ImportedQuestion, shortanswer_matches
from ..wildcard import wildcard_match
from .base import InvalidResponse, ResponseType, StoredData, gift_escape, gift_percent
from .choice import imported_question


@dataclass(frozen=True)
class TextKey:
    """The accepted answers (patterns) with their fractions and feedback."""

    answers: tuple[Answer, ...]
    text_format: str = "plain"
    case_sensitive: bool = False  # Moodle's "usecase"


def _spaces_collapsed(text: str) -> str:
    return " ".join(text.split())


def answers_of(data: StoredData) -> tuple[Answer, ...]:
    """The answers of a stored question: the imported question's, or the generated dict's "answers" list."""
    question = imported_question(data)
    if question is None:
        return tuple(Answer(**a) for a in data["answers"])
    return question.answers


def best_match(answers: tuple[Answer, ...], matches: list[bool]) -> Answer | None:
    """The matching answer that earns most (the first of equals), as Moodle grades it."""
    hits = [a for a, hit in zip(answers, matches, strict=True) if hit]
    return max(hits, key=lambda a: a.fraction, default=None)


def answers_json(answers: tuple[Answer, ...]) -> list[dict[str, Any]]:
    return [{"text": a.text, "fraction": a.fraction, "feedback": a.feedback}
            | ({"tolerance": a.tolerance} if a.tolerance is not None else {}) for a in answers]


def full_marks(answers: tuple[Answer, ...]) -> list[Answer]:
    """The answers worth the whole mark, without Moodle's "any other answer" (``*``)."""
    return [a for a in answers if a.fraction >= 1 - 1e-9 and a.text.strip() != "*"]


class ShortText(ResponseType[TextKey]):
    name = "text"
    label = "Short answer"
    imported_kinds: ClassVar[dict[str, str]] = {"shortanswer": "Short answer"}

    def imported_kind(self, question: ImportedQuestion) -> str | None:
        return "shortanswer" if question.qtype == "shortanswer" else None

    def key(self, data: StoredData) -> TextKey:
        question = imported_question(data)
        if question is None:
            return TextKey(answers_of(data))
        return TextKey(question.answers, question.text_format, question.usecase)

    def matched(self, key: TextKey, response: Any) -> Answer | None:
        if not isinstance(response, str):
            raise InvalidResponse("expected a text answer")
        # Moodle's rule (``*`` wildcards, case-folded unless the question says case matters) in linear time
        # through quizapp.core.wildcard, which also never matches an answer past its length cap.
        if key.case_sensitive:
            given = _spaces_collapsed(response)
            hits = [wildcard_match(_spaces_collapsed(a.text), given) for a in key.answers]
        else:
            hits = [shortanswer_matches(a.text, response) for a in key.answers]
        return best_match(key.answers, hits)

    def grade(self, key: TextKey, response: Any) -> float:
        hit = self.matched(key, response)
        return max(0.0, hit.fraction) if hit else 0.0

    def response_text(self, key: TextKey, response: Any) -> str:
        return str(response)

    def right_answer_text(self, key: TextKey) -> str:
        return " or ".join(a.text for a in full_marks(key.answers))

    def feedback(self, key: TextKey, response: Any) -> list[str]:
        hit = self.matched(key, response)
        return [hit.feedback] if hit and hit.feedback else []

    def gift(self, key: TextKey) -> str:
        return " ".join(f"=%{gift_percent(a.fraction)}%{gift_escape(a.text)}"
                        + (f"#{gift_escape(a.feedback)}" if a.feedback else "") for a in key.answers)

    def json(self, key: TextKey) -> dict[str, Any]:
        return {"answers": answers_json(key.answers)}


TEXT = ShortText()
