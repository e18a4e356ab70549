"""Which category phrases a question may ask about, and which items fit each.

A *target* is a category (every member, subcategories included) or a parent category's own part
(members outside its subcategories: "Generative AI but not an LLM"). Only targets that some items
fit and some do not are asked, so "Which of these is Generative AI?" over models, every one of
which is Generative AI, is never a single-answer question.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..bank import FactBank, Item
from .common import join


@dataclass(frozen=True)
class Target:
    category: str
    exclusive: bool
    singular: str  # "an LLM", "Generative AI but not an LLM"
    plural: str  # "LLMs", "Generative AI models but not LLMs"

    def fits(self, bank: FactBank, category_id: str) -> bool:
        if not bank.is_member(category_id, self.category):
            return False
        return not self.exclusive or not any(bank.is_member(category_id, c) for c in bank.children(self.category))


def targets(bank: FactBank) -> list[Target]:
    out = []
    for c in bank.categories:
        candidates = [Target(c.id, False, bank.called(c.id), bank.plural(c.id))]
        children = bank.children(c.id)
        if children:
            candidates.append(Target(
                c.id, True, f"{bank.called(c.id)} but not {join([bank.called(ch) for ch in children], 'or')}",
                f"{bank.plural(c.id)} but not {join([bank.plural(ch) for ch in children], 'or')}"))
        for target in candidates:
            inside = [i for i in bank.items if target.fits(bank, i.category)]
            if inside and len(inside) < len(bank.items):
                out.append(target)
    return out


def membership_line(bank: FactBank, item: Item) -> str:
    """"GPT-4 is an LLM, and so also Generative AI." """
    ancestors = [bank.called(a) for a in bank.ancestors(item.category)]
    line = f"{item.name} is {bank.called(item.category)}"
    children = bank.children(item.category)
    if children:  # "MusicGen is Generative AI but not an LLM"
        line += f" but not {join([bank.called(c) for c in children], 'or')}"
    if ancestors:
        line += f", and so also {join(ancestors)}"
    return line + "."
