"""True or false: the bank's statements, and membership statements that follow the subset relation.

Membership statements are half true and half false for every target category ("GPT-4 is an
LLM." true, "StyleGAN is an LLM." false), never "X is Generative AI" (true of every item). The
bank's own statements are written so that absolutes and negations occur in true and false ones
alike; the test suite checks it.
"""

from __future__ import annotations

import random

from ..bank import FactBank
from ..questions import Question
from .common import balanced_truth, item_fact, join, prompt, true_false
from .per_bank import per_bank
from .targets import membership_line, targets

KIND = "truefalse"


def statement_fact(text: str) -> str:
    return f"stmt:{text}"


def truefalse(bank: FactBank, rng: random.Random) -> list[Question]:
    own, every_membership = _statements(bank)
    out = list(own)
    membership = balanced_truth(every_membership, rng)
    keep = min(len(membership), 2 * max(3, len(out) // 4))
    true = [q for q in membership if q.answer == 0]
    false = [q for q in membership if q.answer == 1]
    out += rng.sample(true, keep // 2) + rng.sample(false, keep // 2)
    return out


@per_bank
def _statements(bank: FactBank) -> tuple[tuple[Question, ...], tuple[Question, ...]]:
    """The bank's own statements, and every membership statement (each item against each target)."""
    own = tuple(true_false(KIND, s.text, s.answer, explanation=s.explanation, source=bank.cite(s.source),
                           facts=[statement_fact(s.text)]) for s in bank.statements)
    membership = []
    for target in targets(bank):
        for item in bank.items:
            truth = target.fits(bank, item.category)
            why = membership_line(bank, item)
            if not truth:
                why += f' So "{item.name} is {target.singular}" is false.'
            elif target.exclusive:
                why += f" It is not {join([bank.called(c) for c in bank.children(target.category)], 'or')}."
            membership.append(true_false(
                KIND, prompt(bank, "membership", item=item.name, category=target.singular), truth,
                explanation=why, source=bank.cite(item.source), categories=[item.category],
                facts=[item_fact(item.name, "category")]))
    return own, tuple(membership)
