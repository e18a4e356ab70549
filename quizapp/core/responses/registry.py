"""The one list of response types, and what the rest of the app asks of a stored question through it.

Adding a response type is one module here (a :class:`~.base.ResponseType` subclass) listed in
``_TYPES``, one form builder and one template partial in the shell (``quizapp/quiz/responses.py``,
``templates/quiz/responses/<name>.html``), and its tests.

A stored question is the dict an attempt keeps: ``Question.to_dict()`` for generated questions,
:func:`quizapp.core.imported_quiz.stored_question` for imported ones. Both name their type under
``"response"``; attempts stored before that was written are read by :func:`response_name`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from ..imported import ImportedQuestion
from .base import InvalidResponse, ResponseType, StoredData, is_generated
from .description import DESCRIPTION
from .essay import ESSAY
from .matching import MATCHING
from .multiple import MULTIPLE
from .numeric import NUMERIC
from .single import SINGLE
from .text import TEXT

_TYPES: tuple[ResponseType[Any], ...] = (SINGLE, MULTIPLE, MATCHING, TEXT, NUMERIC, ESSAY, DESCRIPTION)
RESPONSE_TYPES: dict[str, ResponseType[Any]] = {t.name: t for t in _TYPES}

# The kinds an instructor can choose among imported questions, with their labels.
IMPORTED_KINDS: dict[str, str] = {kind: label for t in _TYPES for kind, label in t.imported_kinds.items()}


def response_type(name: str) -> ResponseType[Any]:
    """The registered type called ``name``."""
    try:
        return RESPONSE_TYPES[name]
    except KeyError:
        raise InvalidResponse(f"no response type {name!r}") from None


def imported_type(question: ImportedQuestion) -> tuple[ResponseType[Any], str] | None:
    """The response type answering an imported question and its imported kind; None if none does."""
    for candidate in _TYPES:
        kind = candidate.imported_kind(question)
        if kind is not None:
            return candidate, kind
    return None


def stored_imported(question: ImportedQuestion, rng: random.Random | None, shuffle: bool) -> dict[str, Any]:
    """The typed part of an imported question's stored dict: kind, response type, the question as
    shown (answers shuffled when ``shuffle`` and the question allows it) and the type's own fields."""
    found = imported_type(question)
    if found is None:
        raise InvalidResponse(f"{question.qtype} questions are not graded")
    kind, name = found
    shown, extra = kind.prepare(question, rng or random.Random(0), shuffle and question.shuffle_answers)
    return {"kind": name, "response": kind.name, "imported": shown.to_dict(), "choices": [], **extra}


def _legacy_response(data: StoredData) -> str:
    """The response type of a question stored before the type was written into the dict."""
    if not is_generated(data):
        found = imported_type(ImportedQuestion.from_dict(data["imported"]))
        if found is None:
            raise InvalidResponse(f"stored {data['imported'].get('qtype')!r} questions are not answered")
        return found[0].name
    if data.get("pairs"):
        return MATCHING.name
    return MULTIPLE.name if isinstance(data.get("answer"), list) else SINGLE.name


def response_name(data: StoredData) -> str:
    """The response type a stored question names, or the one its old shape implies."""
    name = data.get("response")
    return name if isinstance(name, str) else _legacy_response(data)


def normalised(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a stored question that names its response type (old attempts did not)."""
    return {**data, "response": response_name(data)}


def type_of(data: StoredData) -> ResponseType[Any]:
    return response_type(response_name(data))


def key_of(data: StoredData) -> Any:
    """The stored question read into its type's key (what the form and the template partial show)."""
    return type_of(data).key(data)


def manually_graded(data: StoredData) -> bool:
    """Whether answers to a stored question wait for an instructor's mark (essays)."""
    return type_of(data).manually_graded


def grade_stored(data: StoredData, response: Any) -> float:
    """Grade a response to a stored question of either origin; raises InvalidResponse if it does not fit."""
    kind = type_of(data)
    return kind.grade(kind.key(data), response)


def response_text(data: StoredData, response: Any) -> str:
    """A learner's response in words, for reviews and the gradebook."""
    kind = type_of(data)
    return kind.response_text(kind.key(data), response)


def right_answer_text(data: StoredData) -> str:
    kind = type_of(data)
    return kind.right_answer_text(kind.key(data))


def answer_feedback(data: StoredData, response: Any) -> list[str]:
    """The per-answer feedback the chosen answers carry (Moodle's specific feedback)."""
    kind = type_of(data)
    return kind.feedback(kind.key(data), response)


def gift_answers(data: StoredData) -> str:
    kind = type_of(data)
    return kind.gift(kind.key(data))


def answer_json(data: StoredData) -> dict[str, Any]:
    kind = type_of(data)
    return kind.json(kind.key(data))
