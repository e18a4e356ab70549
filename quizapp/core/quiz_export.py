"""Export a generated quiz with its key: the stable JSON shape and Moodle GIFT."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .questions import Question

_GIFT_SPECIAL = re.compile(r"([~=#{}:\\])")


def quiz_to_json(bank_slug: str, seed: int, questions: Sequence[Question]) -> dict[str, Any]:
    """``{"bank", "seed", "questions": [...]}``; each question as :meth:`Question.to_dict`."""
    return {"bank": bank_slug, "seed": seed, "questions": [q.to_dict() for q in questions]}


def gift_escape(text: str) -> str:
    """Escape GIFT's special characters and turn newlines into ``\\n``.

    GIFT has no escape for ``->`` (it splits matching pairs), so it becomes an arrow.
    """
    text = text.replace("->", "→")
    return _GIFT_SPECIAL.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", r"\n")


def quiz_to_gift(bank_slug: str, seed: int, questions: Sequence[Question]) -> str:
    """The quiz as Moodle GIFT: one question per blank-line-separated block, explanation as general feedback."""
    blocks = [f"// quizapp quiz: bank {bank_slug}, seed {seed}, {len(questions)} questions",
              f"$CATEGORY: quizapp/{bank_slug}"]
    for number, q in enumerate(questions, start=1):
        name = gift_escape(f"Q{number} {q.kind}")
        feedback = gift_escape(f"{q.explanation} Source: {q.source}".strip())
        if q.is_match:
            answers = " ".join(f"={gift_escape(left)} -> {gift_escape(right)}" for left, right in q.pairs)
            used = {right for _, right in q.pairs}
            answers += "".join(f" = -> {gift_escape(o)}" for o in q.options if o not in used)
        elif q.kind == "truefalse":
            answers = "TRUE" if q.answer == 0 else "FALSE"
        else:
            answers = " ".join(("=" if i == q.answer else "~") + gift_escape(o) for i, o in enumerate(q.options))
        blocks.append(f"::{name}::{gift_escape(q.prompt)} {{{answers} ####{feedback}}}")
    return "\n\n".join(blocks) + "\n"
