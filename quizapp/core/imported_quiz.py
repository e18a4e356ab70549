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
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypedDict

from .imported import ImportedQuestion
from .questions import Question
from .responses.base import InvalidResponse
from .responses.registry import (
    IMPORTED_KINDS,
    RESPONSE_TYPES,
    answer_feedback,
    grade_stored,
    imported_type,
    response_text,
    right_answer_text,
    stored_imported,
)

__all__ = ["IMPORTED_KINDS", "POOL_KINDS", "QuestionColumns", "answer_feedback", "assignable_kinds",
           "attach_descriptions", "descriptions_wanted", "draw_ranks", "gradable", "grade_stored", "imported_of",
           "is_imported", "kind_of", "kinds_offered", "question_columns", "question_key", "question_of",
           "response_text", "right_answer_text", "select_questions", "stored_description", "stored_question",
           "stored_questions"]

# The kinds of the questions a quiz draws from (graded ones: every kind but "description").
POOL_KINDS = frozenset(kind for t in RESPONSE_TYPES.values() if t.graded for kind in t.imported_kinds)


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
    return kinds_offered({t[1] for t in found if t is not None and t[0].graded},
                         any(t is not None and not t[0].graded for t in found))


def kinds_offered(graded_kinds: Iterable[str], has_descriptions: bool) -> list[str]:
    """:func:`assignable_kinds` from a bank's graded kinds and whether it has descriptions."""
    return sorted(set(graded_kinds)) + (["description"] if has_descriptions else [])


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


def descriptions_wanted(kinds: Iterable[str] | None) -> bool:
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


def stored_description(question: ImportedQuestion) -> dict[str, Any]:
    # No rng: a description has nothing to shuffle, and the questions' shuffles must not depend on it.
    return {**stored_imported(question, None, False), "prompt": question.text, "qkey": question_key(question)}


def draw_ranks(pool_size: int, count: int, seed: int, shuffle: bool) -> tuple[random.Random, list[int]]:
    """Which members of a pool of ``pool_size`` questions (by rank in file order) a quiz asks, in the order
    asked, and the generator that then shuffles their answers: a seeded sample, or the first ``count``.

    Only the pool's size is needed, so a stored bank is drawn from without reading its questions.
    """
    rng = random.Random(seed)
    taken = min(count, pool_size)
    return rng, (rng.sample(range(pool_size), taken) if shuffle else list(range(taken)))


def stored_questions(chosen: Iterable[ImportedQuestion], rng: random.Random, shuffle: bool,
                     source: str) -> list[dict[str, Any]]:
    """The chosen questions as an attempt keeps them, in order (each one's source names its line)."""
    return [stored_question(q, rng, shuffle, f"{source}, line {q.line}" if q.line else source) for q in chosen]


def attach_descriptions(stored: Sequence[dict[str, Any]], before: Sequence[Sequence[ImportedQuestion]],
                        after: Sequence[ImportedQuestion], last: int | None) -> None:
    """Put with each stored question the descriptions shown above it (``before``, one list per question), and
    with ``stored[last]``, the pool's last question if it was chosen, the descriptions after it."""
    for data, descriptions in zip(stored, before, strict=True):
        if descriptions:
            data["descriptions"] = [stored_description(d) for d in descriptions]
    if after and last is not None:
        stored[last]["descriptions_after"] = [stored_description(d) for d in after]


def select_questions(questions: Sequence[ImportedQuestion], count: int, seed: int, *, source: str,
                     kinds: Iterable[str] | None = None, categories: Iterable[str] | None = None,
                     shuffle: bool = True) -> list[dict[str, Any]]:
    """Up to ``count`` questions: a seeded random sample when shuffling, else the first in file order.

    Descriptions (when asked for, see :func:`descriptions_wanted`) are not questions: each is stored with
    the question after it under ``"descriptions"`` and shown above it; those after the file's last question
    go under ``"descriptions_after"`` of that question, if it is chosen.

    This is the rule over a whole bank in memory; ``quizapp.bank_questions`` draws the same questions from a
    stored bank's rows, reading only those it asks.
    """
    kinds = list(kinds) if kinds else None
    pool = gradable(questions, kinds, categories)
    rng, ranks = draw_ranks(len(pool), count, seed, shuffle)
    chosen = [pool[rank] for rank in ranks]
    stored = stored_questions(chosen, rng, shuffle, source)
    if descriptions_wanted(kinds) and pool:
        before, after = _descriptions_by_question(questions, pool, categories)
        last = len(pool) - 1
        attach_descriptions(stored, [before.get(id(q), []) for q in chosen], after,
                            ranks.index(last) if last in ranks else None)
    return stored


class QuestionColumns(TypedDict):
    """How a bank's question is stored, one row per question (``quizapp.bank_questions``)."""

    position: int  # in the file, from 0, descriptions and ungraded questions included
    qtype: str
    kind: str | None  # the imported kind, None if no response type answers the question
    category: str
    pool_index: int | None  # rank among the bank's graded questions (what a quiz draws from), else None
    description: bool  # shown with the question after it, not graded
    data: dict[str, Any]  # :meth:`ImportedQuestion.to_dict`


def question_columns(questions: Iterable[ImportedQuestion]) -> Iterator[QuestionColumns]:
    """Each question's row, in file order."""
    ranked = 0
    for position, question in enumerate(questions):
        found = imported_type(question)
        graded = found is not None and found[0].graded
        yield QuestionColumns(position=position, qtype=question.qtype, kind=found[1] if found else None,
                              category=question.category, pool_index=ranked if graded else None,
                              description=found is not None and not graded, data=question.to_dict())
        ranked += graded


def is_imported(data: dict[str, Any]) -> bool:
    return "imported" in data


def imported_of(data: dict[str, Any]) -> ImportedQuestion:
    return ImportedQuestion.from_dict(data["imported"])


def question_of(data: dict[str, Any]) -> Question | ImportedQuestion:
    """The question a stored attempt question's data holds: generated, or imported from a bank file."""
    return imported_of(data) if is_imported(data) else Question.from_dict(data)
