"""Numeric: the learner types a number, right within each answer's tolerance."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from ..imported import Answer, ImportedQuestion
from .base import InvalidResponse, ResponseType, StoredData, gift_escape, gift_percent
from .choice import imported_question
from .text import answers_json, answers_of, best_match, full_marks


@dataclass(frozen=True)
class NumericKey:
    """The accepted numbers with tolerances; an answer ``*`` (no tolerance) is Moodle's "any other answer"."""

    answers: tuple[Answer, ...]
    text_format: str = "plain"


def within(answer: Answer, value: float) -> bool:
    """Whether ``value`` is ``answer``'s number, give or take its tolerance."""
    if answer.text.strip() == "*":
        return True
    try:
        target = float(answer.text)
    except ValueError:
        return False
    return abs(value - target) <= (answer.tolerance or 0.0) + 1e-12


def parse_number(text: str) -> float:
    """A typed number: "3.14", "1e-3", or with one decimal comma "3,5"; raises ValueError otherwise."""
    text = text.strip()
    value = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


class Numeric(ResponseType[NumericKey]):
    name = "numeric"
    label = "Numeric"
    imported_kinds: ClassVar[dict[str, str]] = {"numerical": "Numerical"}

    def imported_kind(self, question: ImportedQuestion) -> str | None:
        return "numerical" if question.qtype == "numerical" else None

    def key(self, data: StoredData) -> NumericKey:
        question = imported_question(data)
        return NumericKey(answers_of(data), question.text_format if question else "plain")

    def matched(self, key: NumericKey, response: Any) -> Answer | None:
        if isinstance(response, bool) or not isinstance(response, (int, float)) or not math.isfinite(response):
            raise InvalidResponse("expected a number")
        return best_match(key.answers, [within(a, response) for a in key.answers])

    def grade(self, key: NumericKey, response: Any) -> float:
        hit = self.matched(key, response)
        return max(0.0, hit.fraction) if hit else 0.0

    def response_text(self, key: NumericKey, response: Any) -> str:
        return str(response)

    def right_answer_text(self, key: NumericKey) -> str:
        return " or ".join(f"{a.text} ± {a.tolerance:g}" if a.tolerance else a.text for a in full_marks(key.answers))

    def feedback(self, key: NumericKey, response: Any) -> list[str]:
        hit = self.matched(key, response)
        return [hit.feedback] if hit and hit.feedback else []

    def gift(self, key: NumericKey) -> str:
        parts = []
        for a in key.answers:
            feedback = f"#{gift_escape(a.feedback)}" if a.feedback else ""
            if a.text.strip() == "*":
                parts.append(f"~{feedback}")
            else:
                parts.append(f"=%{gift_percent(a.fraction)}%{gift_escape(a.text)}:{a.tolerance or 0:g}{feedback}")
        return "#" + " ".join(parts)

    def json(self, key: NumericKey) -> dict[str, Any]:
        return {"answers": answers_json(key.answers)}


NUMERIC = Numeric()
