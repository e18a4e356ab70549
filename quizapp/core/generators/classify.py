"""Classify: "Which of these models is an LLM?" over four items, exactly one of them in the category.

A two-category bank cannot ask "Which best describes GPT-4?" honestly: one option would be
ruled out by the subset relation. Contrasting the item with *other items* tests the same fact
with four real options. Every item is the key once in a pool, so no item is a habit. A question
declares the key's category as the fact it tests (a membership statement about the same item
is never in the same quiz); the wrong options are only contrasted, so one-kind quizzes stay long.
"""

from __future__ import annotations

import random

from ..bank import FactBank
from ..questions import Question
from .common import Draft, different_families, finalize, item_fact, prompt
from .per_bank import per_bank
from .targets import membership_line, targets

KIND = "classify"


def classify(bank: FactBank, rng: random.Random) -> list[Question]:
    return finalize(KIND, _drafts(bank), rng)


@per_bank
def _drafts(bank: FactBank) -> tuple[Draft, ...]:
    by_target = []
    lines = {i.name: membership_line(bank, i) for i in bank.items}  # "GPT-4 is an LLM, and so also ..."
    for target in targets(bank):
        inside = [i for i in bank.items if target.fits(bank, i.category)]
        outside = [i.name for i in bank.items if not target.fits(bank, i.category)]
        drafts = []
        for item in inside:
            text = prompt(bank, KIND, category=target.singular)

            def explain(chosen: list[str], item_name: str = item.name, phrase: str = target.singular) -> str:
                wrong = "; ".join(lines[o].rstrip(".") for o in chosen)
                return f"{lines[item_name]} The others are not {phrase}: {wrong}."

            drafts.append(Draft(
                prompt=text, key=item.name, candidates=outside, explain=explain,
                source=bank.cite(item.source), categories=(item.category,),
                facts=(item_fact(item.name, "category"),), subject=target.singular,
                compatible=different_families))
        by_target.append(drafts)
    return tuple(d for drafts in by_target for d in drafts)
