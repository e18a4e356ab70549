"""Modality: which of these items produces a kind of content.

"What kind of content does GPT-4 produce?" has three possible answers in the default bank, two of
them right for nearly every model, so its key is a habit. The question is asked the other way
round: "Which of these models produces music?" over four items, exactly one producing it, each
kind of content asked equally often. Items that produce several kinds (ChatGPT: text, and
pictures through a separate image model) are left out: two options could be defended. A kind of
content no item produces is never asked.
"""

from __future__ import annotations

import random

from ..bank import FactBank, Item
from ..questions import Question
from .common import Draft, different_families, finalize, item_fact, prompt
from .per_bank import per_bank

KIND = "modality"


def single_modality(bank: FactBank) -> list[Item]:
    return [i for i in bank.items if len(i.modality) == 1]


def modality(bank: FactBank, rng: random.Random) -> list[Question]:
    groups = _groups(bank)
    size = min((len(g) for g in groups), default=0)
    return finalize(KIND, [d for g in groups for d in rng.sample(g, size)], rng)


@per_bank
def _groups(bank: FactBank) -> tuple[tuple[Draft, ...], ...]:
    """The drafts per kind of content."""
    items = single_modality(bank)
    produces = {i.name: i.modality[0] for i in items}
    groups: list[tuple[Draft, ...]] = []
    for m in bank.modalities:
        name = m.name.lower()
        fit = [i for i in items if i.modality[0] == m.id]
        unfit = [i.name for i in items if i.modality[0] != m.id]
        drafts = []
        for item in fit:

            def explain(chosen: list[str], item_name: str = item.name, name: str = name) -> str:
                wrong = "; ".join(f"{o} produces {bank.modality(produces[o]).name.lower()}" for o in chosen)
                return f"{item_name} produces {name}. Not the others: {wrong}."

            drafts.append(Draft(
                prompt=prompt(bank, KIND, modality=name), key=item.name, candidates=unfit, explain=explain,
                source=bank.cite(item.source_for("modality")), categories=(item.category,),
                facts=(item_fact(item.name, "modality"),), subject=name,
                compatible=different_families))
        if drafts:
            groups.append(tuple(drafts))
    return tuple(groups)
