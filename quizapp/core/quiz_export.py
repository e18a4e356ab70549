"""Export a generated quiz with its key: the stable JSON shape and Moodle GIFT.

What each question's answer looks like in either format belongs to its response type
(:mod:`quizapp.core.responses`); this module only lays the questions out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .questions import Question
from .responses.base import gift_escape
from .responses.registry import answer_json, gift_answers

__all__ = ["gift_escape", "question_json", "quiz_to_gift", "quiz_to_json"]


def question_json(question: Question) -> dict[str, Any]:
    """One question in the documented shape (README, "Quiz export format")."""
    data = question.to_dict()
    return {"kind": question.kind, "response": question.response, "prompt": question.prompt, **answer_json(data),
            "explanation": question.explanation, "source": question.source,
            "categories": list(question.categories), "facts": list(question.facts)}


def quiz_to_json(bank_slug: str, seed: int, questions: Sequence[Question]) -> dict[str, Any]:
    """``{"bank", "seed", "questions": [...]}``; each question as :func:`question_json`."""
    return {"bank": bank_slug, "seed": seed, "questions": [question_json(q) for q in questions]}


def quiz_to_gift(bank_slug: str, seed: int, questions: Sequence[Question]) -> str:
    """The quiz as Moodle GIFT: one question per blank-line-separated block, explanation as general feedback."""
    blocks = [f"// quizapp quiz: bank {bank_slug}, seed {seed}, {len(questions)} questions",
              f"$CATEGORY: quizapp/{bank_slug}"]
    for number, q in enumerate(questions, start=1):
        name = gift_escape(f"Q{number} {q.kind}")
        feedback = gift_escape(f"{q.explanation} Source: {q.source}".strip())
        blocks.append(f"::{name}::{gift_escape(q.prompt)} {{{gift_answers(q.to_dict())} ####{feedback}}}")
    return "\n\n".join(blocks) + "\n"
