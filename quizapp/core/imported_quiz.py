"""Quizzes from imported questions (GIFT, Aiken, CSV): choosing, storing, grading and reviewing them.

A stored question is a plain dict (kept with the attempt, so results survive
bank changes). Generated questions store :meth:`Question.to_dict`; imported
ones store the question itself under ``"imported"`` with its answers in the
order shown and, for matching, the right-hand ``choices`` in the order shown.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from .imported import GRADED_QTYPES, ImportedQuestion, InvalidImportedResponse, grade_imported, matching_choices
from .questions import Question, grade

IMPORTED_KINDS: dict[str, str] = {
    "single": "Multiple choice (one answer)",
    "multiple": "Multiple choice (several answers)",
    "truefalse": "True or false",
    "shortanswer": "Short answer",
    "matching": "Matching",
    "numerical": "Numerical",
}


def question_key(question: ImportedQuestion) -> str:
    """Identity of a question across bank versions and attempts (for item analysis)."""
    return hashlib.sha256(f"{question.name}\n{question.text}".encode()).hexdigest()[:16]


def kind_of(question: ImportedQuestion) -> str:
    if question.qtype == "multichoice":
        return "single" if question.single else "multiple"
    return question.qtype


def gradable(questions: Iterable[ImportedQuestion], kinds: Iterable[str] | None = None,
             categories: Iterable[str] | None = None) -> list[ImportedQuestion]:
    """The graded questions, optionally only of some kinds and categories."""
    kinds = set(kinds) if kinds else None
    categories = set(categories) if categories else None
    return [q for q in questions if q.qtype in GRADED_QTYPES
            and (kinds is None or kind_of(q) in kinds)
            and (categories is None or (q.category or "") in categories)]


def stored_question(question: ImportedQuestion, rng: random.Random, shuffle: bool, source: str) -> dict[str, Any]:
    """The dict kept with an attempt; answers (and matching choices) shuffled when asked."""
    choices: list[str] = []
    if question.qtype == "multichoice" and shuffle:
        answers = list(question.answers)
        rng.shuffle(answers)
        question = replace(question, answers=tuple(answers))
    if question.qtype == "matching":
        choices = matching_choices(question)
        if shuffle:
            rng.shuffle(choices)
    return {
        "kind": kind_of(question),
        "prompt": question.text,
        "imported": question.to_dict(),
        "choices": choices,
        "explanation": question.general_feedback,
        "source": source,
        "categories": [question.category] if question.category else [],
        "qkey": question_key(question),
    }


def select_questions(questions: Sequence[ImportedQuestion], count: int, seed: int, *, source: str,
                     kinds: Iterable[str] | None = None, categories: Iterable[str] | None = None,
                     shuffle: bool = True) -> list[dict[str, Any]]:
    """Up to ``count`` questions: a seeded random sample when shuffling, else the first in file order."""
    rng = random.Random(seed)
    pool = gradable(questions, kinds, categories)
    chosen = rng.sample(pool, min(count, len(pool))) if shuffle else pool[:count]
    return [stored_question(q, rng, shuffle, f"{source}, line {q.line}" if q.line else source) for q in chosen]


def is_imported(data: dict[str, Any]) -> bool:
    return "imported" in data


def imported_of(data: dict[str, Any]) -> ImportedQuestion:
    return ImportedQuestion.from_dict(data["imported"])


def grade_stored(data: dict[str, Any], response: Any) -> float:
    """Grade a response to a stored question of either origin (raises on a response that does not fit)."""
    if not is_imported(data):
        return grade(Question.from_dict(data), response)
    question = imported_of(data)
    if question.qtype == "matching":
        shown = data["choices"]
        if not isinstance(response, (list, tuple)):
            raise InvalidImportedResponse("expected one choice per item")
        canonical = matching_choices(question)
        response = [canonical.index(shown[_in_range(r, len(shown))]) for r in response]
    return grade_imported(question, response)


def _in_range(choice: Any, size: int) -> int:
    if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < size:
        raise InvalidImportedResponse(f"choice {choice!r} is not one of the {size} options")
    return choice


def response_text(data: dict[str, Any], response: Any) -> str:
    """A learner's response in words, for reviews and the gradebook."""
    if not is_imported(data):
        q = Question.from_dict(data)
        if q.is_match:
            return "; ".join(f"{left} → {q.options[r]}" for left, r in zip(q.left_items, response, strict=True))
        return q.options[response]
    question = imported_of(data)
    if question.qtype == "multichoice":
        picks = [response] if question.single else list(response)
        return "; ".join(question.answers[i].text for i in picks)
    if question.qtype == "truefalse":
        return "True" if response else "False"
    if question.qtype == "matching":
        lefts = [p.left for p in question.pairs if p.left]
        return "; ".join(f"{left} → {data['choices'][r]}" for left, r in zip(lefts, response, strict=True))
    return str(response)


def right_answer_text(data: dict[str, Any]) -> str:
    """The right answer in words."""
    if not is_imported(data):
        return Question.from_dict(data).correct_text
    question = imported_of(data)
    if question.qtype == "multichoice":
        if question.single:
            return max(question.answers, key=lambda a: a.fraction).text
        return "; ".join(a.text for a in question.answers if a.fraction > 0)
    if question.qtype == "truefalse":
        return "True" if question.tf_answer else "False"
    if question.qtype == "matching":
        return "; ".join(f"{p.left} → {p.right}" for p in question.pairs if p.left)
    best = [a for a in question.answers if a.fraction >= 1 - 1e-9 and a.text != "*"]
    if question.qtype == "numerical":
        return " or ".join(f"{a.text} ± {a.tolerance:g}" if a.tolerance else a.text for a in best)
    return " or ".join(a.text for a in best)


def answer_feedback(data: dict[str, Any], response: Any) -> list[str]:
    """The per-answer feedback the chosen answers carry (Moodle's specific feedback)."""
    if not is_imported(data):
        return []
    question = imported_of(data)
    if question.qtype == "multichoice":
        picks = [response] if question.single else list(response)
        return [question.answers[i].feedback for i in picks if question.answers[i].feedback]
    if question.qtype == "truefalse":
        text = question.tf_feedback_right if response == question.tf_answer else question.tf_feedback_wrong
        return [text] if text else []
    return []
