"""Quizzes from imported questions (GIFT, Aiken, CSV, Moodle XML): choosing and storing them.

A stored question is a plain dict (kept with the attempt, so results survive bank changes).
Generated questions store :meth:`Question.to_dict`; imported ones store the question itself
under ``"imported"`` with its answers in the order shown and, for matching, the right-hand
``choices`` in the order shown. Both name their response type under ``"response"``; grading,
reviews and exports go through :mod:`quizapp.core.responses.registry`.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from typing import Any

from .imported import ImportedQuestion
from .responses.base import InvalidResponse
from .responses.registry import (
    IMPORTED_KINDS,
    answer_feedback,
    grade_stored,
    imported_type,
    response_text,
    right_answer_text,
    stored_imported,
)

__all__ = ["IMPORTED_KINDS", "answer_feedback", "gradable", "grade_stored", "imported_of", "is_imported", "kind_of",
           "question_key", "response_text", "right_answer_text", "select_questions", "stored_question"]


def question_key(question: ImportedQuestion) -> str:
    """Identity of a question across bank versions and attempts (for item analysis)."""
    return hashlib.sha256(f"{question.name}\n{question.text}".encode()).hexdigest()[:16]


def kind_of(question: ImportedQuestion) -> str:
    """The imported kind an instructor chooses by ("single", "truefalse", ...) of a gradable question."""
    found = imported_type(question)
    if found is None:
        raise InvalidResponse(f"{question.qtype} questions are not graded")
    return found[1]


def gradable(questions: Iterable[ImportedQuestion], kinds: Iterable[str] | None = None,
             categories: Iterable[str] | None = None) -> list[ImportedQuestion]:
    """The graded questions, optionally only of some kinds and categories."""
    wanted = set(kinds) if kinds else None
    in_categories = set(categories) if categories else None
    out = []
    for question in questions:
        found = imported_type(question)
        if found is None or not found[0].graded:
            continue
        if (wanted is None or found[1] in wanted) and (in_categories is None or question.category in in_categories):
            out.append(question)
    return out


def stored_question(question: ImportedQuestion, rng: random.Random, shuffle: bool, source: str) -> dict[str, Any]:
    """The dict kept with an attempt; answers (and matching choices) shuffled when asked."""
    return {
        **stored_imported(question, rng, shuffle),
        "prompt": question.text,
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
