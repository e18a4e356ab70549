"""A generated quiz (fact-bank questions with their key) as imported-style questions, for Moodle XML and QTI export.

Each generated question becomes the Moodle question type that asks it the same way: one right
option a single-answer multiple choice (``truefalse`` a true/false question), several right options
a multiple-answer one with the marks shared equally, match a matching question with the unused
options as distractors.  The explanation and the source become the general feedback (as in the
GIFT export); the quiz is one category ``quizapp/<bank>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..imported import Answer, ImportedQuestion, MatchPair
from ..questions import Question
from .gift import snap_fraction


def imported_from_generated(bank_slug: str, questions: Sequence[Question]) -> list[ImportedQuestion]:
    return [_one(bank_slug, number, q) for number, q in enumerate(questions, start=1)]


def _one(bank_slug: str, number: int, q: Question) -> ImportedQuestion:
    base = ImportedQuestion(qtype="multichoice", name=f"Q{number} {q.kind}", text=q.prompt, text_format="plain",
                            category=f"quizapp/{bank_slug}",
                            general_feedback=f"{q.explanation} Source: {q.source}".strip() if q.source
                            else q.explanation, tags=tuple(q.categories))
    if q.is_match:
        used = {right for _, right in q.pairs}
        pairs = tuple(MatchPair(left, right) for left, right in q.pairs) + tuple(
            MatchPair("", option) for option in q.options if option not in used)
        return replace(base, qtype="matching", pairs=pairs)
    if q.kind == "truefalse" and q.answer is not None and len(q.options) == 2:
        return replace(base, qtype="truefalse", tf_answer=q.answer == 0)
    if q.answers:
        share = snap_fraction(1 / len(q.answers)) or 1 / len(q.answers)
        answers = tuple(Answer(option, share if i in q.answers else 0.0) for i, option in enumerate(q.options))
        return replace(base, single=False, answers=answers)
    return replace(base, answers=tuple(Answer(option, 1.0 if i == q.answer else 0.0)
                                       for i, option in enumerate(q.options)))
