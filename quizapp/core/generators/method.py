"""Method: which training method or architecture (or query language...) a description fits.

Asking "Which method is StyleGAN built on?" gives the answer away in the name, and in the default
bank nearly every model with a known method is a Transformer, so the key would be a habit. The
method's own description (its ``clue``, worded without the method's name) is asked instead:
every method is the key once and a wrong answer in the other questions. Which model uses which
method is asked by the match questions.
"""

from __future__ import annotations

import random

from ..bank import FactBank
from ..questions import Question
from .common import Draft, finalize, prompt, sentence
from .per_bank import per_bank

KIND = "method"


def method_fact(method_id: str) -> str:
    return f"method:{method_id}"


def method(bank: FactBank, rng: random.Random) -> list[Question]:
    return finalize(KIND, _drafts(bank), rng)


@per_bank
def _drafts(bank: FactBank) -> tuple[Draft, ...]:
    names = {m.name: m for m in bank.methods}
    drafts = []
    for m in bank.methods:
        clue = m.clue or m.description
        if not clue:
            continue

        def explain(chosen: list[str], m_name: str = m.name, clue: str = clue) -> str:
            others = " ".join(f"{o}: {sentence(names[o].clue or names[o].description)}" for o in chosen)
            return f"This describes {m_name}. Not the others: {others}"

        drafts.append(Draft(prompt=prompt(bank, KIND, clue=sentence(clue)), key=m.name,
                            candidates=[n for n in names if n != m.name], explain=explain,
                            source=bank.cite(m.source), categories=tuple(sorted(m.used_by)),
                            facts=(method_fact(m.id),), subject=clue,
                            length_tolerance=None))  # every question shows every method
    return tuple(drafts)
