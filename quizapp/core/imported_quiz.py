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

__all__ = ["IMPORTED_KINDS", "answer_feedback", "assignable_kinds", "gradable", "grade_stored", "imported_of",
           "is_imported", "kind_of",
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


def assignable_kinds(questions: Iterable[ImportedQuestion]) -> list[str]:
    """The imported kinds an assignment may ask for: the gradable questions' kinds, and "description" if the
    bank has descriptions (they are shown with the questions, see :func:`select_questions`)."""
    found = [imported_type(q) for q in questions]
    kinds = sorted({kind for t in found if t is not None and t[0].graded for kind in [t[1]]})
    return kinds + (["description"] if any(t is not None and not t[0].graded for t in found) else [])


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


def _descriptions_wanted(kinds: Iterable[str] | None) -> bool:
    """Descriptions come with the questions when every kind is asked for, or "description" is."""
    return not kinds or "description" in set(kinds)


def _descriptions_by_question(questions: Sequence[ImportedQuestion], pool: Sequence[ImportedQuestion],
                              categories: Iterable[str] | None) -> tuple[dict[int, list[ImportedQuestion]],
                                                                         list[ImportedQuestion]]:
    """Each description goes with the next question of ``pool`` in file order (by ``id``); the ones after the
    last are returned apart. A description introduces what follows it, so it travels with that question."""
    in_pool = {id(q) for q in pool}
    in_categories = set(categories) if categories else None
    before: dict[int, list[ImportedQuestion]] = {}
    waiting: list[ImportedQuestion] = []
    for question in questions:
        found = imported_type(question)
        if found is not None and not found[0].graded:
            if in_categories is None or question.category in in_categories:
                waiting.append(question)
        elif id(question) in in_pool:
            if waiting:
                before[id(question)] = waiting
            waiting = []
    return before, waiting


def _stored_description(question: ImportedQuestion) -> dict[str, Any]:
    # No rng: a description has nothing to shuffle, and the questions' shuffles must not depend on it.
    return {**stored_imported(question, None, False), "prompt": question.text, "qkey": question_key(question)}


def select_questions(questions: Sequence[ImportedQuestion], count: int, seed: int, *, source: str,
                     kinds: Iterable[str] | None = None, categories: Iterable[str] | None = None,
                     shuffle: bool = True) -> list[dict[str, Any]]:
    """Up to ``count`` questions: a seeded random sample when shuffling, else the first in file order.

    Descriptions (when asked for, see :func:`_descriptions_wanted`) are not questions: each is stored with
    the question after it under ``"descriptions"`` and shown above it; those after the file's last question
    go under ``"descriptions_after"`` of that question, if it is chosen.
    """
    rng = random.Random(seed)
    kinds = list(kinds) if kinds else None
    pool = gradable(questions, kinds, categories)
    chosen = rng.sample(pool, min(count, len(pool))) if shuffle else pool[:count]
    stored = [stored_question(q, rng, shuffle, f"{source}, line {q.line}" if q.line else source) for q in chosen]
    if _descriptions_wanted(kinds) and pool:
        before, after = _descriptions_by_question(questions, pool, categories)
        for question, data in zip(chosen, stored, strict=True):
            if id(question) in before:
                data["descriptions"] = [_stored_description(d) for d in before[id(question)]]
            if after and question is pool[-1]:
                data["descriptions_after"] = [_stored_description(d) for d in after]
    return stored


def is_imported(data: dict[str, Any]) -> bool:
    return "imported" in data


def imported_of(data: dict[str, Any]) -> ImportedQuestion:
    return ImportedQuestion.from_dict(data["imported"])
