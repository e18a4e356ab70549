"""FAQ: the documents' frequently asked questions, each with its short answer and wrong ones.

The bank's ``faqs`` hold the right answer and plausible wrong answers written by hand (the
article's own answer, shortened); they are asked as single-answer questions with balanced key
positions.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from ..bank import FactBank
from ..questions import Question
from .common import Draft, finalize
from .per_bank import per_bank

KIND = "faq"


def faq(bank: FactBank, rng: random.Random) -> list[Question]:
    return finalize(KIND, _drafts(bank), rng, n=max((len(f.distractors) + 1 for f in bank.faqs), default=3))


@per_bank
def _drafts(bank: FactBank) -> tuple[Draft, ...]:
    return tuple(Draft(prompt=f.question, key=f.answer, candidates=list(f.distractors), explain=_says(f.explanation),
                       source=bank.cite(f.source), facts=(f"faq:{f.question}",), length_tolerance=None)
                 for f in bank.faqs)


def _says(explanation: str) -> Callable[[list[str]], str]:
    """The FAQ's own explanation says why the answer is right and the others are not."""
    return lambda chosen: explanation
